// Byte layouts of GGML's quantized blocks, as gguf/quants.py reads them, and
// the scale unpacking the K-quants share. Used by the reference
// (de)quantizers in core and by the CPU kernels' chunk decoders.
//
// Every block size is even and tensor data is 32-byte aligned, so the 16-bit
// fields of a block in a row are always 2-byte aligned.
#pragma once

#include <cstdint>

namespace neox::quant {

constexpr int kQK = 32;     // elements per block of the 32-element formats
constexpr int kQK_K = 256;  // elements per K-quant super-block

// w = d * (q - 8), q = 4-bit. Element i < 16 is the low nibble of qs[i],
// element i + 16 the high nibble.
struct BlockQ4_0 {
  uint16_t d;  // fp16
  uint8_t qs[16];
};
// w = d * q + m
struct BlockQ4_1 {
  uint16_t d, m;  // fp16
  uint8_t qs[16];
};
// w = d * (q - 16), q = nibble as Q4_0 | bit i of qh (little-endian u32) << 4
struct BlockQ5_0 {
  uint16_t d;
  uint8_t qh[4];
  uint8_t qs[16];
};
// w = d * q + m
struct BlockQ5_1 {
  uint16_t d, m;
  uint8_t qh[4];
  uint8_t qs[16];
};
// w = d * q, q signed 8-bit
struct BlockQ8_0 {
  uint16_t d;
  int8_t qs[32];
};
// 16 sub-blocks of 16: w = d * (scales[j] & 15) * q - dmin * (scales[j] >> 4).
// Element e = 128h + 32s + l is bits 2s..2s+1 of qs[32h + l].
struct BlockQ2_K {
  uint8_t scales[16];
  uint8_t qs[64];
  uint16_t d, dmin;
};
// 16 sub-blocks of 16: w = d * (scale_j - 32) * (q - 4 * !hbit), 6-bit scales
// packed in 12 bytes (unpack_q3k_scales). q as Q2_K; hbit of element 32b + l
// is bit b of hmask[l].
struct BlockQ3_K {
  uint8_t hmask[32];
  uint8_t qs[64];
  uint8_t scales[12];
  uint16_t d;
};
// 8 sub-blocks of 32: w = d * sc_j * q - dmin * m_j, 6-bit sc/m packed in 12
// bytes (unpack_k4_scale_min). Element 64c + 32s + l is nibble s of qs[32c + l].
struct BlockQ4_K {
  uint16_t d, dmin;
  uint8_t scales[12];
  uint8_t qs[128];
};
// As Q4_K with a fifth bit: bit j of qh[l] for element 32j + l.
struct BlockQ5_K {
  uint16_t d, dmin;
  uint8_t scales[12];
  uint8_t qh[32];
  uint8_t qs[128];
};
// 16 sub-blocks of 16: w = d * scales[j] * (q - 32), q 6-bit. Element
// 128h + 64s + l (l < 64) has low bits nibble s of ql[64h + l]; element
// 128h + 32s + l (l < 32) has high bits 2s..2s+1 of qh[32h + l].
struct BlockQ6_K {
  uint8_t ql[128];
  uint8_t qh[64];
  int8_t scales[16];
  uint16_t d;
};

static_assert(sizeof(BlockQ4_0) == 18 && sizeof(BlockQ4_1) == 20 && sizeof(BlockQ5_0) == 22);
static_assert(sizeof(BlockQ5_1) == 24 && sizeof(BlockQ8_0) == 34 && sizeof(BlockQ2_K) == 84);
static_assert(sizeof(BlockQ3_K) == 110 && sizeof(BlockQ4_K) == 144 && sizeof(BlockQ5_K) == 176);
static_assert(sizeof(BlockQ6_K) == 210);

// Scale j (0..7) and min j of a Q4_K/Q5_K block, 6 bits each:
//   bytes 0-3: sc 0-3 (low 6 bits), high 2 bits of sc 4-7
//   bytes 4-7: m 0-3 (low 6 bits), high 2 bits of m 4-7
//   bytes 8-11: low 4 bits of sc 4-7 (low nibble) and m 4-7 (high nibble)
inline void unpack_k4_scale_min(const uint8_t* s, int j, uint8_t& sc, uint8_t& m) {
  if (j < 4) {
    sc = s[j] & 63;
    m = s[j + 4] & 63;
  } else {
    sc = static_cast<uint8_t>((s[j + 4] & 0xF) | ((s[j - 4] >> 6) << 4));
    m = static_cast<uint8_t>((s[j + 4] >> 4) | ((s[j] >> 6) << 4));
  }
}

// The 16 signed scales (-32..31) of a Q3_K block: low 4 bits of scale i are
// nibble i / 8 of byte i % 8; its high 2 bits are bits 2(i / 4).. of byte 8 + i % 4.
inline void unpack_q3k_scales(const uint8_t* s, int8_t out[16]) {
  for (int i = 0; i < 16; ++i) {
    int low = (s[i % 8] >> (4 * (i / 8))) & 0xF;
    int high = (s[8 + i % 4] >> (2 * (i / 4))) & 3;
    out[i] = static_cast<int8_t>((low | (high << 4)) - 32);
  }
}

}  // namespace neox::quant
