"""Device memory bandwidth ceiling for run.sh: a large device-to-device copy
through torch (bytes read + bytes written per second), median of 20. Prints
GB/s, or 0 when torch or a GPU is missing."""
try:
    import torch

    if not torch.cuda.is_available():
        raise RuntimeError
    n = 4 << 30  # 4 GiB
    a = torch.empty(n, dtype=torch.uint8, device="cuda")
    b = torch.empty_like(a)
    a.random_(0, 255)
    for _ in range(3):
        b.copy_(a)
    times = []
    for _ in range(20):
        s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        s.record()
        b.copy_(a)
        e.record()
        e.synchronize()
        times.append(s.elapsed_time(e) / 1e3)
    times.sort()
    print("%.0f" % (2 * n / times[len(times) // 2] / 1e9))
except Exception:
    print("0")
