// Reference quantizers: f32 rows to GGML blocks, for `neox quantize`.
//
// The 32-element formats round exactly as gguf/quants.py (and ggml's
// reference quantizers) do, so our files hold the same bytes as theirs (this
// file is built with -ffp-contract=off: one rounding per float operation).
// The K-quants are our own: per sub-block, a small search over candidate
// scales with a least-squares fit of scale and min for each, then the
// sub-block scales quantized to 6 or 8 bits against one super-block scale.
#include <cmath>
#include <cstring>
#include <string>

#include "core/quant_blocks.h"
#include "neox/error.h"
#include "neox/quant.h"

namespace neox {
namespace {

using namespace quant;

uint16_t f2h(float f) {
  return f32_to_fp16(f);
}

// numpy's np_roundf in gguf/quants.py: round half away from zero.
float round_away(float v) {
  return std::round(v);
}
int nearest_int(float v) {
  return static_cast<int>(std::lround(v));
}

// Index of the first element with the largest |x| (numpy argmax of abs).
int argmax_abs(const float* x, int n) {
  int best = 0;
  for (int i = 1; i < n; ++i)
    if (std::fabs(x[i]) > std::fabs(x[best])) best = i;
  return best;
}

float inverse_or_zero(float d) {
  return d == 0.0f ? 0.0f : 1.0f / d;
}

void pack_nibbles(const uint8_t q[32], uint8_t qs[16]) {
  for (int i = 0; i < 16; ++i) qs[i] = static_cast<uint8_t>((q[i] & 0xF) | ((q[i + 16] & 0xF) << 4));
}

uint8_t clip_u8(float v, int hi) {
  int q = static_cast<int>(v);  // v ≥ 0 here: truncation, as numpy's astype(uint8)
  return static_cast<uint8_t>(q < 0 ? 0 : (q > hi ? hi : q));
}

// Q4_0 / Q5_0: d = (signed largest) / -(levels / 2); q = trunc(x / d + levels/2 + 0.5).
void symmetric_block(const float* x, int levels, float& d_out, uint8_t q[32]) {
  const float max = x[argmax_abs(x, 32)];
  const float d = max / static_cast<float>(-levels / 2);
  const float id = inverse_or_zero(d);
  const float bias = static_cast<float>(levels / 2) + 0.5f;
  for (int i = 0; i < 32; ++i) q[i] = clip_u8(std::trunc(x[i] * id + bias), levels - 1);
  d_out = d;
}

// Q4_1 / Q5_1: d = (max - min) / (levels - 1); q = trunc((x - min) / d + 0.5).
void affine_block(const float* x, int levels, float& d_out, float& min_out, uint8_t q[32]) {
  float mn = x[0], mx = x[0];
  for (int i = 1; i < 32; ++i) {
    mn = x[i] < mn ? x[i] : mn;
    mx = x[i] > mx ? x[i] : mx;
  }
  const float d = (mx - mn) / static_cast<float>(levels - 1);
  const float id = inverse_or_zero(d);
  for (int i = 0; i < 32; ++i) q[i] = clip_u8(std::trunc((x[i] - mn) * id + 0.5f), levels - 1);
  d_out = d;
  min_out = mn;
}

uint32_t fifth_bits(const uint8_t q[32]) {
  uint32_t h = 0;
  for (int i = 0; i < 32; ++i) h |= static_cast<uint32_t>((q[i] >> 4) & 1) << i;
  return h;
}

void q8_0(const float* x, BlockQ8_0& b) {
  float amax = 0.0f;
  for (int i = 0; i < 32; ++i) amax = std::fmax(amax, std::fabs(x[i]));
  const float d = amax / 127.0f;
  const float id = inverse_or_zero(d);
  for (int i = 0; i < 32; ++i) b.qs[i] = static_cast<int8_t>(round_away(x[i] * id));
  b.d = f2h(d);
}

void q4_0(const float* x, BlockQ4_0& b) {
  float d;
  uint8_t q[32];
  symmetric_block(x, 16, d, q);
  b.d = f2h(d);
  pack_nibbles(q, b.qs);
}

void q5_0(const float* x, BlockQ5_0& b) {
  float d;
  uint8_t q[32];
  symmetric_block(x, 32, d, q);
  b.d = f2h(d);
  const uint32_t h = fifth_bits(q);
  std::memcpy(b.qh, &h, 4);
  pack_nibbles(q, b.qs);
}

void q4_1(const float* x, BlockQ4_1& b) {
  float d, m;
  uint8_t q[32];
  affine_block(x, 16, d, m, q);
  b.d = f2h(d);
  b.m = f2h(m);
  pack_nibbles(q, b.qs);
}

void q5_1(const float* x, BlockQ5_1& b) {
  float d, m;
  uint8_t q[32];
  affine_block(x, 32, d, m, q);
  b.d = f2h(d);
  b.m = f2h(m);
  const uint32_t h = fifth_bits(q);
  std::memcpy(b.qh, &h, 4);
  pack_nibbles(q, b.qs);
}

// ---------------------------------------------------------------- K-quants

// Best w ≈ s·q − m (s > 0, m ≥ 0, q in 0..nmax) for one sub-block of n:
// candidate step sizes around (max − min) / nmax; for each, codes by rounding,
// then s and m refitted by least squares on those codes. Returns the squared error.
float fit_scale_min(const float* x, int n, int nmax, float& s_out, float& m_out) {
  float mn = x[0], mx = x[0];
  for (int i = 1; i < n; ++i) {
    mn = std::fmin(mn, x[i]);
    mx = std::fmax(mx, x[i]);
  }
  mn = std::fmin(mn, 0.0f);  // the min is stored as a non-negative offset
  if (mx <= mn) {
    s_out = 0.0f;
    m_out = -mn;
    return 0.0f;
  }
  float best_err = INFINITY;
  s_out = (mx - mn) / static_cast<float>(nmax);
  m_out = -mn;
  for (int step = -10; step <= 20; ++step) {
    const float iscale = (static_cast<float>(nmax) + 0.1f * static_cast<float>(step)) / (mx - mn);
    // Codes for this candidate, then least squares for (s, m) given the codes.
    double sq = 0, sx = 0, sqq = 0, sqx = 0;
    int q[32];
    for (int i = 0; i < n; ++i) {
      int v = nearest_int(iscale * (x[i] - mn));
      q[i] = v < 0 ? 0 : (v > nmax ? nmax : v);
      sq += q[i];
      sx += x[i];
      sqq += static_cast<double>(q[i]) * q[i];
      sqx += q[i] * static_cast<double>(x[i]);
    }
    const double det = n * sqq - sq * sq;
    if (det <= 0) continue;
    double s = (n * sqx - sq * sx) / det;
    double m = (sq * sqx - sqq * sx) / det;  // x ≈ s·q − m
    if (m < 0) {                             // offset must be ≥ 0: refit the scale alone
      m = 0;
      s = sqq > 0 ? sqx / sqq : 0;
    }
    if (s <= 0) continue;
    double err = 0;
    for (int i = 0; i < n; ++i) {
      const double e = s * q[i] - m - x[i];
      err += e * e;
    }
    if (err < best_err) {
      best_err = static_cast<float>(err);
      s_out = static_cast<float>(s);
      m_out = static_cast<float>(m);
    }
  }
  return best_err;
}

void pack_k4_scale_min(const uint8_t sc[8], const uint8_t m[8], uint8_t s[12]) {
  std::memset(s, 0, 12);
  for (int j = 0; j < 8; ++j) {
    if (j < 4) {
      s[j] |= static_cast<uint8_t>(sc[j] & 63);
      s[j + 4] |= static_cast<uint8_t>(m[j] & 63);
    } else {
      s[j + 4] = static_cast<uint8_t>((sc[j] & 0xF) | ((m[j] & 0xF) << 4));
      s[j - 4] |= static_cast<uint8_t>((sc[j] >> 4) << 6);
      s[j] |= static_cast<uint8_t>((m[j] >> 4) << 6);
    }
  }
}

// Q4_K (nmax 15) and Q5_K (nmax 31): codes q[256], d, dmin, packed scales.
void k4_block(const float* x, int nmax, uint16_t& d16, uint16_t& dmin16, uint8_t scales[12], uint8_t q[256]) {
  float s[8], m[8];
  float max_s = 0, max_m = 0;
  for (int j = 0; j < 8; ++j) {
    fit_scale_min(x + 32 * j, 32, nmax, s[j], m[j]);
    max_s = std::fmax(max_s, s[j]);
    max_m = std::fmax(max_m, m[j]);
  }
  const float d = max_s / 63.0f, dmin = max_m / 63.0f;
  d16 = f2h(d);
  dmin16 = f2h(dmin);
  // Round the scales against the fp16 values the reader will see.
  const float dr = fp16_to_f32(d16), dminr = fp16_to_f32(dmin16);
  uint8_t sc[8], mq[8];
  for (int j = 0; j < 8; ++j) {
    int a = dr > 0 ? nearest_int(s[j] / dr) : 0;
    int b = dminr > 0 ? nearest_int(m[j] / dminr) : 0;
    sc[j] = static_cast<uint8_t>(a < 0 ? 0 : (a > 63 ? 63 : a));
    mq[j] = static_cast<uint8_t>(b < 0 ? 0 : (b > 63 ? 63 : b));
    const float step = dr * sc[j], offset = dminr * mq[j];
    for (int i = 0; i < 32; ++i) {
      int v = step > 0 ? nearest_int((x[32 * j + i] + offset) / step) : 0;
      q[32 * j + i] = static_cast<uint8_t>(v < 0 ? 0 : (v > nmax ? nmax : v));
    }
  }
  pack_k4_scale_min(sc, mq, scales);
}

void q4_k(const float* x, BlockQ4_K& b) {
  uint8_t q[256];
  k4_block(x, 15, b.d, b.dmin, b.scales, q);
  for (int c = 0; c < 4; ++c)
    for (int l = 0; l < 32; ++l)
      b.qs[32 * c + l] = static_cast<uint8_t>(q[64 * c + l] | (q[64 * c + 32 + l] << 4));
}

void q5_k(const float* x, BlockQ5_K& b) {
  uint8_t q[256];
  k4_block(x, 31, b.d, b.dmin, b.scales, q);
  std::memset(b.qh, 0, 32);
  for (int j = 0; j < 8; ++j)
    for (int l = 0; l < 32; ++l) b.qh[l] |= static_cast<uint8_t>(((q[32 * j + l] >> 4) & 1) << j);
  for (int c = 0; c < 4; ++c)
    for (int l = 0; l < 32; ++l)
      b.qs[32 * c + l] = static_cast<uint8_t>((q[64 * c + l] & 0xF) | ((q[64 * c + 32 + l] & 0xF) << 4));
}

// Best w ≈ s·q, q in −32..31, for one sub-block of 16: candidate scales
// around (signed largest) / −32, each refitted by least squares.
float fit_symmetric(const float* x, int n, float& s_out) {
  const float max = x[argmax_abs(x, n)];
  s_out = 0.0f;
  if (max == 0.0f) return 0.0f;
  float best_err = INFINITY;
  for (int step = -6; step <= 6; ++step) {
    const float iscale = (-32.0f + 0.1f * static_cast<float>(step)) / max;
    double sqq = 0, sqx = 0;
    int q[16];
    for (int i = 0; i < n; ++i) {
      int v = nearest_int(iscale * x[i]);
      q[i] = v < -32 ? -32 : (v > 31 ? 31 : v);
      sqq += static_cast<double>(q[i]) * q[i];
      sqx += q[i] * static_cast<double>(x[i]);
    }
    if (sqq <= 0) continue;
    const double s = sqx / sqq;
    double err = 0;
    for (int i = 0; i < n; ++i) {
      const double e = s * q[i] - x[i];
      err += e * e;
    }
    if (err < best_err) {
      best_err = static_cast<float>(err);
      s_out = static_cast<float>(s);
    }
  }
  return best_err;
}

void q6_k(const float* x, BlockQ6_K& b) {
  float s[16];
  float max_abs = 0;
  for (int j = 0; j < 16; ++j) {
    fit_symmetric(x + 16 * j, 16, s[j]);
    max_abs = std::fmax(max_abs, std::fabs(s[j]));
  }
  const float d = max_abs / 127.0f;
  b.d = f2h(d);
  const float dr = fp16_to_f32(b.d);
  uint8_t q[256];
  for (int j = 0; j < 16; ++j) {
    int a = dr > 0 ? nearest_int(s[j] / dr) : 0;
    a = a < -128 ? -128 : (a > 127 ? 127 : a);
    b.scales[j] = static_cast<int8_t>(a);
    const float step = dr * static_cast<float>(a);
    for (int i = 0; i < 16; ++i) {
      int v = step != 0 ? nearest_int(x[16 * j + i] / step) : 0;
      v = v < -32 ? -32 : (v > 31 ? 31 : v);
      q[16 * j + i] = static_cast<uint8_t>(v + 32);
    }
  }
  std::memset(b.qh, 0, sizeof b.qh);
  for (int h = 0; h < 2; ++h) {
    const uint8_t* qq = q + 128 * h;
    for (int l = 0; l < 64; ++l)
      b.ql[64 * h + l] = static_cast<uint8_t>((qq[l] & 0xF) | ((qq[l + 64] & 0xF) << 4));
    for (int s4 = 0; s4 < 4; ++s4)
      for (int l = 0; l < 32; ++l)
        b.qh[32 * h + l] |= static_cast<uint8_t>(((qq[32 * s4 + l] >> 4) & 3) << (2 * s4));
  }
}

template <typename Block, int kElems, typename Fn>
void each_block(const float* src, void* dst, int64_t n, Fn fn) {
  Block* b = static_cast<Block*>(dst);
  for (int64_t i = 0; i < n / kElems; ++i) fn(src + i * kElems, b[i]);
}

}  // namespace

bool dtype_can_quantize(DType t) {
  switch (t) {
    case DType::Q8_0:
    case DType::Q4_0:
    case DType::Q4_1:
    case DType::Q5_0:
    case DType::Q5_1:
    case DType::Q4_K:
    case DType::Q5_K:
    case DType::Q6_K:
      return true;
    default:
      return false;
  }
}

void quantize_row(DType t, const float* src, void* dst, int64_t n) {
  auto layout = dtype_layout(static_cast<uint32_t>(t));
  if (!dtype_can_quantize(t)) throw Error("quantize_row: cannot write type " + dtype_name(t));
  if (n % layout->block_elems != 0)
    throw Error("quantize_row: " + std::to_string(n) + " elements are not whole " + dtype_name(t) +
                " blocks of " + std::to_string(layout->block_elems));
  switch (t) {
    case DType::Q8_0:
      return each_block<BlockQ8_0, kQK>(src, dst, n, q8_0);
    case DType::Q4_0:
      return each_block<BlockQ4_0, kQK>(src, dst, n, q4_0);
    case DType::Q4_1:
      return each_block<BlockQ4_1, kQK>(src, dst, n, q4_1);
    case DType::Q5_0:
      return each_block<BlockQ5_0, kQK>(src, dst, n, q5_0);
    case DType::Q5_1:
      return each_block<BlockQ5_1, kQK>(src, dst, n, q5_1);
    case DType::Q4_K:
      return each_block<BlockQ4_K, kQK_K>(src, dst, n, q4_k);
    case DType::Q5_K:
      return each_block<BlockQ5_K, kQK_K>(src, dst, n, q5_k);
    case DType::Q6_K:
      return each_block<BlockQ6_K, kQK_K>(src, dst, n, q6_k);
    default:
      return;
  }
}

}  // namespace neox
