// Reference dequantization against the gguf package: blocks and expected
// floats from tests/fixtures/quant/make_quant_fixtures.py, compared bit for bit.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "neox/error.h"
#include "neox/mapped_file.h"
#include "neox/quant.h"

namespace neox {
namespace {

const std::string kQuantFixtures = std::string(NEOX_SOURCE_DIR) + "/tests/fixtures/quant/";

class Dequantize : public ::testing::TestWithParam<DType> {};

TEST_P(Dequantize, BitExactWithGgufPackage) {
  const DType t = GetParam();
  ASSERT_TRUE(dtype_is_block_quantized(t));
  const DTypeLayout layout = *dtype_layout(static_cast<uint32_t>(t));
  MappedFile blocks(kQuantFixtures + dtype_name(t) + ".blocks");
  MappedFile expected(kQuantFixtures + dtype_name(t) + ".f32");
  ASSERT_EQ(blocks.size() % layout.block_bytes, 0u);
  const int64_t n = static_cast<int64_t>(blocks.size() / layout.block_bytes * layout.block_elems);
  ASSERT_EQ(expected.size(), static_cast<size_t>(n) * 4);
  ASSERT_EQ(dtype_row_bytes(t, n), blocks.size());

  // Whole file as one row, and block by block (a row of one block).
  std::vector<float> got(static_cast<size_t>(n));
  dequantize_row(t, blocks.data(), got.data(), n);
  std::vector<float> want(static_cast<size_t>(n));
  std::memcpy(want.data(), expected.data(), expected.size());
  size_t mismatches = 0;
  for (int64_t i = 0; i < n; ++i) {
    uint32_t a, b;
    std::memcpy(&a, &got[i], 4);
    std::memcpy(&b, &want[i], 4);
    if (a != b && mismatches++ < 5)
      ADD_FAILURE() << dtype_name(t) << " element " << i << " (block " << i / layout.block_elems << "): got "
                    << got[i] << ", gguf says " << want[i];
  }
  EXPECT_EQ(mismatches, 0u);

  std::vector<float> one(layout.block_elems);
  const int64_t n_blocks = n / layout.block_elems;
  for (int64_t b = 0; b < n_blocks; ++b) {
    dequantize_row(t, blocks.data() + b * layout.block_bytes, one.data(), layout.block_elems);
    ASSERT_EQ(std::memcmp(one.data(), want.data() + b * layout.block_elems, one.size() * 4), 0)
        << "block " << b;
  }
}

INSTANTIATE_TEST_SUITE_P(Types, Dequantize,
                         ::testing::Values(DType::Q8_0, DType::Q4_0, DType::Q4_1, DType::Q5_0, DType::Q5_1,
                                           DType::Q2_K, DType::Q3_K, DType::Q4_K, DType::Q5_K, DType::Q6_K),
                         [](const ::testing::TestParamInfo<DType>& info) { return dtype_name(info.param); });

TEST(Dequantize, RejectsPartialBlocksAndUnsupportedTypes) {
  std::vector<uint8_t> bytes(1024);
  std::vector<float> out(512);
  EXPECT_THROW(dequantize_row(DType::Q4_0, bytes.data(), out.data(), 31), Error);
  EXPECT_THROW(dequantize_row(DType::Q4_K, bytes.data(), out.data(), 32), Error);
  EXPECT_THROW(dequantize_row(DType::IQ4_NL, bytes.data(), out.data(), 32), Error);
  EXPECT_FALSE(dtype_is_block_quantized(DType::IQ4_XS));
  EXPECT_FALSE(dtype_is_block_quantized(DType::F16));
}

}  // namespace
}  // namespace neox
