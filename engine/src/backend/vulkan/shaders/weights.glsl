// Reading weights of every supported type from a buffer of 32-bit words
// `W` (declared by the including shader), byte-addressed, so blocks of any
// size (18, 22, 110, 210 bytes...) need no 8/16-bit storage feature.
// One TYPE_<T> define selects the type. Provides:
//   BLOCK_ELEMS, BLOCK_BYTES        the GGML block layout (1 and 4/2 for plain types)
//   vec4 dq4(uint row_byte, uint col)   elements col..col+3 (col % 4 == 0) of the row
//                                       starting at byte row_byte
//   float dq1(uint row_byte, uint col)  one element
// Layouts: engine/src/core/quant_blocks.h (GGML's, as gguf/quants.py reads them).
// Block fields of 16 bits are 2-byte aligned (blocks are even-sized, rows start
// at even bytes), so w_u16/w_u32 read them at even addresses only.

uint w_u8(uint b) { return (W[b >> 2] >> ((b & 3u) << 3)) & 0xffu; }
uint w_u16(uint b) { return (W[b >> 2] >> ((b & 2u) << 3)) & 0xffffu; }        // b even
uint w_u32(uint b) { return w_u16(b) | (w_u16(b + 2u) << 16); }                 // b even
float w_f16(uint b) { return unpackHalf2x16(w_u16(b)).x; }
vec4 bytes4(uint u) { return vec4(u & 0xffu, (u >> 8) & 0xffu, (u >> 16) & 0xffu, u >> 24); }
vec4 nibbles4(uint u, uint shift) { return vec4(uvec4(u >> shift, u >> (shift + 8u), u >> (shift + 16u), u >> (shift + 24u)) & 15u); }
vec4 bits4(uint u, uint shift, uint mask) {
  return vec4(uvec4(u >> shift, u >> (shift + 8u), u >> (shift + 16u), u >> (shift + 24u)) & mask);
}

#if defined(TYPE_F32)
const uint BLOCK_ELEMS = 1, BLOCK_BYTES = 4;
vec4 dq4(uint rb, uint col) {
  const uint w = (rb >> 2) + col;
  return vec4(uintBitsToFloat(W[w]), uintBitsToFloat(W[w + 1]), uintBitsToFloat(W[w + 2]), uintBitsToFloat(W[w + 3]));
}
float dq1(uint rb, uint col) { return uintBitsToFloat(W[(rb >> 2) + col]); }

#elif defined(TYPE_F16)
const uint BLOCK_ELEMS = 1, BLOCK_BYTES = 2;
vec4 dq4(uint rb, uint col) {
  const uint b = rb + 2u * col;
  return vec4(unpackHalf2x16(w_u32(b)), unpackHalf2x16(w_u32(b + 4u)));
}
float dq1(uint rb, uint col) { return w_f16(rb + 2u * col); }

#elif defined(TYPE_BF16)
const uint BLOCK_ELEMS = 1, BLOCK_BYTES = 2;
float bf(uint h) { return uintBitsToFloat(h << 16); }
vec4 dq4(uint rb, uint col) {
  const uint b = rb + 2u * col;
  return vec4(bf(w_u16(b)), bf(w_u16(b + 2u)), bf(w_u16(b + 4u)), bf(w_u16(b + 6u)));
}
float dq1(uint rb, uint col) { return bf(w_u16(rb + 2u * col)); }

#else  // block-quantized: dq1 through dq4
#if defined(TYPE_Q8_0)
const uint BLOCK_ELEMS = 32, BLOCK_BYTES = 34;
vec4 dq_block(uint base, uint j) {  // w = d * q, q int8
  const ivec4 q = ivec4(bytes4(w_u32(base + 2u + j)));
  return w_f16(base) * vec4((q ^ 128) - 128);
}
#elif defined(TYPE_Q4_0) || defined(TYPE_Q4_1) || defined(TYPE_Q5_0) || defined(TYPE_Q5_1)
#if defined(TYPE_Q4_0)
const uint BLOCK_ELEMS = 32, BLOCK_BYTES = 18, QS = 2, QH = 0, HAS_MIN = 0, HAS_HIGH = 0;
#elif defined(TYPE_Q4_1)
const uint BLOCK_ELEMS = 32, BLOCK_BYTES = 20, QS = 4, QH = 0, HAS_MIN = 1, HAS_HIGH = 0;
#elif defined(TYPE_Q5_0)
const uint BLOCK_ELEMS = 32, BLOCK_BYTES = 22, QS = 6, QH = 2, HAS_MIN = 0, HAS_HIGH = 1;
#else
const uint BLOCK_ELEMS = 32, BLOCK_BYTES = 24, QS = 8, QH = 4, HAS_MIN = 1, HAS_HIGH = 1;
#endif
// Element j < 16: low nibble of qs[j]; j ≥ 16: high nibble of qs[j - 16];
// Q5: bit j of qh is the fifth bit. Q4_0/Q5_0: w = d (q - 8|16); _1: w = d q + m.
vec4 dq_block(uint base, uint j) {
  vec4 q = nibbles4(w_u32(base + QS + (j & 15u)), j < 16u ? 0u : 4u);
  if (HAS_HIGH != 0) {
    const uint qh = w_u32(base + QH) >> j;
    q += 16.0 * vec4(uvec4(qh, qh >> 1, qh >> 2, qh >> 3) & 1u);
  }
  const float d = w_f16(base);
  if (HAS_MIN != 0) return d * q + w_f16(base + 2u);
  return d * (q - (HAS_HIGH != 0 ? 16.0 : 8.0));
}
#elif defined(TYPE_Q2_K)
const uint BLOCK_ELEMS = 256, BLOCK_BYTES = 84;
// scales[16] @0, qs[64] @16, d @80, dmin @82. Element 128h + 32s + l is bits
// 2s.. of qs[32h + l]; sub-block j/16: w = d (sc & 15) q - dmin (sc >> 4).
vec4 dq_block(uint base, uint j) {
  const uint h = j >> 7, s = (j >> 5) & 3u, l = j & 31u;
  const vec4 q = bits4(w_u32(base + 16u + 32u * h + l), 2u * s, 3u);
  const uint sc = w_u8(base + (j >> 4));
  return w_f16(base + 80u) * float(sc & 15u) * q - w_f16(base + 82u) * float(sc >> 4);
}
#elif defined(TYPE_Q3_K)
const uint BLOCK_ELEMS = 256, BLOCK_BYTES = 110;
// hmask[32] @0, qs[64] @32, scales[12] @96, d @108. q2 as Q2_K; the high bit of
// element 32b + l is bit b of hmask[l] (clear: subtract 4). Scale i (6 bits,
// minus 32): low 4 bits nibble i/8 of byte i%8, high 2 bits 2(i/4).. of byte 8 + i%4.
vec4 dq_block(uint base, uint j) {
  const uint h = j >> 7, s = (j >> 5) & 3u, l = j & 31u;
  const vec4 q2 = bits4(w_u32(base + 32u + 32u * h + l), 2u * s, 3u);
  const vec4 hb = bits4(w_u32(base + l), j >> 5, 1u);
  const uint i = j >> 4;
  const uint lo = (w_u8(base + 96u + (i & 7u)) >> (4u * (i >> 3))) & 15u;
  const uint hi = (w_u8(base + 104u + (i & 3u)) >> (2u * (i >> 2))) & 3u;
  const float sc = float(int(lo | (hi << 4)) - 32);
  return w_f16(base + 108u) * sc * (q2 - 4.0 * (1.0 - hb));
}
#elif defined(TYPE_Q4_K) || defined(TYPE_Q5_K)
#if defined(TYPE_Q4_K)
const uint BLOCK_ELEMS = 256, BLOCK_BYTES = 144, QS = 16;
#else
const uint BLOCK_ELEMS = 256, BLOCK_BYTES = 176, QS = 48;
#endif
// d @0, dmin @2, scales[12] @4 (6-bit scale and min of 8 sub-blocks of 32),
// [Q5_K: qh[32] @16,] qs[128]. Element 64c + 32s + l is nibble s of qs[32c + l];
// Q5_K: its fifth bit is bit (j / 32) of qh[l]. w = d sc q - dmin m.
vec4 dq_block(uint base, uint j) {
  const uint c = j >> 6, s = (j >> 5) & 1u, l = j & 31u, sub = j >> 5;
  vec4 q = nibbles4(w_u32(base + QS + 32u * c + l), 4u * s);
#if defined(TYPE_Q5_K)
  q += 16.0 * bits4(w_u32(base + 16u + l), sub, 1u);
#endif
  uint sc, m;
  if (sub < 4u) {
    sc = w_u8(base + 4u + sub) & 63u;
    m = w_u8(base + 8u + sub) & 63u;
  } else {
    const uint b = w_u8(base + 8u + sub);  // scales[sub + 4]
    sc = (b & 15u) | ((w_u8(base + sub) >> 6) << 4);
    m = (b >> 4) | ((w_u8(base + 4u + sub) >> 6) << 4);
  }
  return w_f16(base) * float(sc) * q - w_f16(base + 2u) * float(m);
}
#elif defined(TYPE_Q6_K)
const uint BLOCK_ELEMS = 256, BLOCK_BYTES = 210;
// ql[128] @0, qh[64] @128, scales[16] int8 @192, d @208. Element 128h + 64s + l
// (l < 64): low 4 bits nibble s of ql[64h + l]; element 128h + 32t + m (m < 32):
// high 2 bits, bits 2t.. of qh[32h + m]. w = d scale[j/16] (q - 32).
vec4 dq_block(uint base, uint j) {
  const uint h = j >> 7, r = j & 127u;
  const vec4 lo = nibbles4(w_u32(base + 64u * h + (r & 63u)), 4u * (r >> 6));
  const vec4 hi = bits4(w_u32(base + 128u + 32u * h + (r & 31u)), 2u * (r >> 5), 3u);
  const int sc = (int(w_u8(base + 192u + (j >> 4))) ^ 128) - 128;
  return w_f16(base + 208u) * float(sc) * (lo + 16.0 * hi - 32.0);
}
#else
#error "define one TYPE_<T>"
#endif
vec4 dq4(uint rb, uint col) {
  return dq_block(rb + (col / BLOCK_ELEMS) * BLOCK_BYTES, col % BLOCK_ELEMS);
}
float dq1(uint rb, uint col) { return dq4(rb, col & ~3u)[col & 3u]; }
#endif
