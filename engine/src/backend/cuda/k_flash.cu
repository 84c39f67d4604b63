// FlashAttention-2 style causal attention for prompts (head_dim 64, 80, 96,
// 128). Block (query tile of 64, head) with 4 warps; each warp owns 16 query
// rows. Per tile of 64 keys, in shared memory:
//   S = Q·Kᵀ          tensor cores (WMMA 16×16×16), f16 inputs, fp32 accumulation
//   online softmax    fp32, per row: running max m, sum l; P = exp(S - m) in f16
//   O = O·α + P·V     O kept in fp32 in shared memory, rescaled by the warp
// Q is pre-scaled by 1/sqrt(head_dim) before rounding to f16 (scores never
// pass through f16: they accumulate in fp32, which Pythia needs).
// Shared layout must match flash_smem_bytes() in host/launch_plan.cpp.
#include <cuda_fp16.h>
#include <mma.h>

#include <cfloat>

#include "backend/cuda/host/launch_plan.h"
#include "backend/cuda/kernels.h"

namespace neox::cuda {
namespace {

using namespace nvcuda;

constexpr int BQ = kFlashBlockQ;
constexpr int BK = kFlashBlockKv;
constexpr int kThreads = 128;

__host__ __device__ constexpr size_t round128(size_t b) {
  return (b + 127) / 128 * 128;
}

template <int HD>
struct FlashLayout {
  static constexpr int LDH = HD + 8;  // f16 rows of Q, K, V (32-byte aligned fragments)
  static constexpr int LDS = BK + 4;  // fp32 scores
  static constexpr int LDP = BK + 8;  // f16 probabilities
  static constexpr int LDO = HD + 4;  // fp32 output accumulator
  static constexpr size_t q = 0;
  static constexpr size_t k = q + round128(size_t{BQ} * LDH * 2);
  static constexpr size_t v = k + round128(size_t{BK} * LDH * 2);
  static constexpr size_t s = v + round128(size_t{BK} * LDH * 2);
  static constexpr size_t p = s + round128(size_t{BQ} * LDS * 4);
  static constexpr size_t o = p + round128(size_t{BQ} * LDP * 2);
  static constexpr size_t stats = o + round128(size_t{BQ} * LDO * 4);
  static constexpr size_t bytes = stats + round128(size_t{BQ} * 3 * 4);
};

template <int HD>
__global__ void __launch_bounds__(kThreads) flash_attention_kernel(AttentionArgs a) {
  using L = FlashLayout<HD>;
  extern __shared__ __align__(128) unsigned char smem[];
  __half* sQ = reinterpret_cast<__half*>(smem + L::q);
  __half* sK = reinterpret_cast<__half*>(smem + L::k);
  __half* sV = reinterpret_cast<__half*>(smem + L::v);
  float* sS = reinterpret_cast<float*>(smem + L::s);
  __half* sP = reinterpret_cast<__half*>(smem + L::p);
  float* sO = reinterpret_cast<float*>(smem + L::o);
  float* sM = reinterpret_cast<float*>(smem + L::stats);
  float* sL = sM + BQ;
  float* sAlpha = sL + BQ;

  const int h = blockIdx.y;
  const int64_t q0 = static_cast<int64_t>(blockIdx.x) * BQ;
  const int tid = threadIdx.x, lane = tid % 32, warp = tid / 32;
  const int64_t d = static_cast<int64_t>(a.n_head) * HD;
  const int64_t pos0 = *a.pos0;

  for (int idx = tid; idx < BQ * HD; idx += kThreads) {
    const int r = idx / HD, c = idx % HD;
    const int64_t qi = q0 + r;
    const float v = qi < a.n ? a.q[qi * d + h * HD + c] * a.scale : 0.0f;
    sQ[r * L::LDH + c] = __float2half_rn(v);
    sO[r * L::LDO + c] = 0.0f;
  }
  for (int r = tid; r < BQ; r += kThreads) {
    sM[r] = -FLT_MAX;
    sL[r] = 0.0f;
  }
  __syncthreads();

  const int64_t last_q = min(q0 + BQ, a.n) - 1;
  const int64_t kv_end = pos0 + last_q + 1;  // keys any query of this tile sees
  const int row = warp * 16 + lane / 2;      // softmax: two lanes per row, 32 columns each
  const int col0 = (lane % 2) * 32;
  const int64_t qi = q0 + row;
  const int64_t qpos = pos0 + qi;

  for (int64_t kv0 = 0; kv0 < kv_end; kv0 += BK) {
    for (int idx = tid; idx < BK * HD; idx += kThreads) {
      const int r = idx / HD, c = idx % HD;
      const int64_t key = kv0 + r;
      const bool in = key < kv_end;
      // Zeros past the end: a NaN there would survive a zero probability.
      sK[r * L::LDH + c] = __float2half_rn(in ? a.k_cache[key * d + h * HD + c] : 0.0f);
      sV[r * L::LDH + c] = __float2half_rn(in ? a.v_cache[key * d + h * HD + c] : 0.0f);
    }
    __syncthreads();

    // S[warp rows, 0..BK) = Q[warp rows] · K[tile]ᵀ
#pragma unroll
    for (int kt = 0; kt < BK / 16; ++kt) {
      wmma::fragment<wmma::accumulator, 16, 16, 16, float> s_frag;
      wmma::fill_fragment(s_frag, 0.0f);
#pragma unroll
      for (int c = 0; c < HD / 16; ++c) {
        wmma::fragment<wmma::matrix_a, 16, 16, 16, __half, wmma::row_major> qa;
        wmma::fragment<wmma::matrix_b, 16, 16, 16, __half, wmma::col_major> kb;
        wmma::load_matrix_sync(qa, sQ + warp * 16 * L::LDH + c * 16, L::LDH);
        wmma::load_matrix_sync(kb, sK + kt * 16 * L::LDH + c * 16, L::LDH);
        wmma::mma_sync(s_frag, qa, kb, s_frag);
      }
      wmma::store_matrix_sync(sS + warp * 16 * L::LDS + kt * 16, s_frag, L::LDS, wmma::mem_row_major);
    }
    __syncwarp();

    // Online softmax of this warp's rows, causal mask by position.
    float* srow = sS + row * L::LDS;
    float mx = -FLT_MAX;
#pragma unroll 8
    for (int j = 0; j < 32; ++j) {
      const int col = col0 + j;
      const bool ok = qi < a.n && kv0 + col <= qpos;
      const float v = ok ? srow[col] : -FLT_MAX;
      srow[col] = v;
      mx = fmaxf(mx, v);
    }
    mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 1));
    const float m_old = sM[row];
    const float m_new = fmaxf(m_old, mx);
    float sum = 0.0f;
#pragma unroll 8
    for (int j = 0; j < 32; ++j) {
      const int col = col0 + j;
      const float v = srow[col];
      const float p = v == -FLT_MAX ? 0.0f : __expf(v - m_new);
      sP[row * L::LDP + col] = __float2half_rn(p);
      sum += p;
    }
    sum += __shfl_xor_sync(0xffffffffu, sum, 1);
    const float alpha = __expf(m_old - m_new);
    const float l_old = sL[row];
    __syncwarp();
    if (lane % 2 == 0) {
      sM[row] = m_new;
      sL[row] = l_old * alpha + sum;
      sAlpha[row] = alpha;
    }
    __syncwarp();
    for (int idx = lane; idx < 16 * HD; idx += 32) {
      const int r = warp * 16 + idx / HD, c = idx % HD;
      sO[r * L::LDO + c] *= sAlpha[r];
    }
    __syncwarp();

    // O[warp rows] += P[warp rows] · V[tile]
#pragma unroll
    for (int c = 0; c < HD / 16; ++c) {
      wmma::fragment<wmma::accumulator, 16, 16, 16, float> o_frag;
      wmma::load_matrix_sync(o_frag, sO + warp * 16 * L::LDO + c * 16, L::LDO, wmma::mem_row_major);
#pragma unroll
      for (int kc = 0; kc < BK / 16; ++kc) {
        wmma::fragment<wmma::matrix_a, 16, 16, 16, __half, wmma::row_major> pa;
        wmma::fragment<wmma::matrix_b, 16, 16, 16, __half, wmma::row_major> vb;
        wmma::load_matrix_sync(pa, sP + warp * 16 * L::LDP + kc * 16, L::LDP);
        wmma::load_matrix_sync(vb, sV + kc * 16 * L::LDH + c * 16, L::LDH);
        wmma::mma_sync(o_frag, pa, vb, o_frag);
      }
      wmma::store_matrix_sync(sO + warp * 16 * L::LDO + c * 16, o_frag, L::LDO, wmma::mem_row_major);
    }
    __syncthreads();  // K and V of this tile are read by every warp before the next load
  }

  for (int idx = tid; idx < BQ * HD; idx += kThreads) {
    const int r = idx / HD, c = idx % HD;
    const int64_t out_q = q0 + r;
    if (out_q >= a.n) continue;
    const float l = sL[r];
    a.out[out_q * d + h * HD + c] = l > 0.0f ? sO[r * L::LDO + c] / l : 0.0f;
  }
}

template <int HD>
void launch_hd(const AttentionArgs& a, cudaStream_t stream) {
  static_assert(FlashLayout<HD>::bytes > 0);
  const dim3 grid(static_cast<unsigned>((a.n + BQ - 1) / BQ), static_cast<unsigned>(a.n_head));
  flash_attention_kernel<HD><<<grid, kThreads, FlashLayout<HD>::bytes, stream>>>(a);
}

template <int HD>
cudaError_t allow_smem() {
  return cudaFuncSetAttribute(flash_attention_kernel<HD>, cudaFuncAttributeMaxDynamicSharedMemorySize,
                              static_cast<int>(FlashLayout<HD>::bytes));
}

}  // namespace

size_t flash_kernel_smem_bytes(int head_dim) {
  switch (head_dim) {
    case 64:
      return FlashLayout<64>::bytes;
    case 80:
      return FlashLayout<80>::bytes;
    case 96:
      return FlashLayout<96>::bytes;
    case 128:
      return FlashLayout<128>::bytes;
    default:
      return 0;
  }
}

cudaError_t prepare_flash_attention() {
  for (cudaError_t e : {allow_smem<64>(), allow_smem<80>(), allow_smem<96>(), allow_smem<128>()})
    if (e != cudaSuccess) return e;
  return cudaSuccess;
}

void launch_attention_flash(const AttentionArgs& a, cudaStream_t stream) {
  if (a.n <= 0 || a.n_head <= 0) return;
  switch (a.head_dim) {
    case 64:
      return launch_hd<64>(a, stream);
    case 80:
      return launch_hd<80>(a, stream);
    case 96:
      return launch_hd<96>(a, stream);
    case 128:
      return launch_hd<128>(a, stream);
    default:
      return;
  }
}

}  // namespace neox::cuda
