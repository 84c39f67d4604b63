// The CUDA kernels' block decoder (backend/cuda/host/block_decode.h), built
// here by the host compiler, against the reference dequantize_row(): every
// group of every block-quantized type, on random blocks (every code pattern)
// and on blocks written by quantize_row. Runs without a GPU.
#include "backend/cuda/host/block_decode.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "neox/quant.h"
#include "support/random_quant_blocks.h"

namespace neox::cuda {
namespace {

const DType kBlockTypes[] = {DType::Q4_0, DType::Q4_1, DType::Q5_0, DType::Q5_1, DType::Q8_0,
                             DType::Q2_K, DType::Q3_K, DType::Q4_K, DType::Q5_K, DType::Q6_K};

void expect_same_as_reference(DType t, const std::vector<uint8_t>& row, int64_t n, const char* what) {
  std::vector<float> ref(static_cast<size_t>(n));
  dequantize_row(t, row.data(), ref.data(), n);
  for (int64_t g = 0; g < n / 32; ++g) {
    float got[32];
    ASSERT_TRUE(decode_group_any(t, row.data(), g, got));
    for (int j = 0; j < 32; ++j)
      ASSERT_EQ(got[j], ref[static_cast<size_t>(32 * g + j)])
          << dtype_name(t) << " " << what << ": element " << 32 * g + j;
  }
}

TEST(CudaBlockDecode, ShapesMatchTheTypeTable) {
  for (DType t : kBlockTypes) {
    const auto layout = dtype_layout(static_cast<uint32_t>(t));
    ASSERT_TRUE(layout.has_value());
    EXPECT_EQ(block_shape(t).elems, static_cast<int>(layout->block_elems)) << dtype_name(t);
    EXPECT_EQ(block_shape(t).bytes, static_cast<int>(layout->block_bytes)) << dtype_name(t);
  }
  EXPECT_EQ(block_shape(DType::F16).elems, 0);
}

TEST(CudaBlockDecode, RandomBlocksMatchDequantizeRow) {
  std::mt19937 rng(42);
  for (DType t : kBlockTypes) {
    const int64_t n = 4 * 256;  // several blocks of every size
    expect_same_as_reference(t, testing::random_quant_blocks(t, n, rng), n, "random bytes");
  }
}

TEST(CudaBlockDecode, QuantizedRowsMatchDequantizeRow) {
  std::mt19937 rng(7);
  std::normal_distribution<float> value(0.0f, 1.0f);
  for (DType t : kBlockTypes) {
    if (!dtype_can_quantize(t)) continue;
    const int64_t n = 512;
    std::vector<float> src(static_cast<size_t>(n));
    for (float& v : src) v = value(rng);
    std::vector<uint8_t> row(static_cast<size_t>(dtype_row_bytes(t, n)));
    quantize_row(t, src.data(), row.data(), n);
    expect_same_as_reference(t, row, n, "quantize_row output");
  }
}

TEST(CudaBlockDecode, PlainTypesAreNotBlockDecoded) {
  float out[32];
  const uint8_t row[64] = {};
  EXPECT_FALSE(decode_group_any(DType::F16, row, 0, out));
  EXPECT_FALSE(decode_group_any(DType::IQ4_NL, row, 0, out));
}

}  // namespace
}  // namespace neox::cuda
