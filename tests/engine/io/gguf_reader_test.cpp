#include <gtest/gtest.h>

#include "neox/error.h"
#include "neox/gguf.h"

namespace {

const std::string kVocab = std::string(NEOX_SHARED_DIR) + "/reference/tokenizers/ggml-vocab-gpt-neox.gguf";

TEST(GgufReader, ReadsRealVocabFile) {
  neox::GgufFile g = neox::GgufFile::open(kVocab);
  EXPECT_EQ(g.version(), 3u);
  EXPECT_EQ(g.get_string("tokenizer.ggml.model"), "gpt2");
  const neox::GgufArray* tokens = g.get_array("tokenizer.ggml.tokens");
  ASSERT_NE(tokens, nullptr);
  EXPECT_EQ(tokens->count, 50432u);
  EXPECT_EQ(tokens->strings[0], "<|endoftext|>");
  const neox::GgufArray* merges = g.get_array("tokenizer.ggml.merges");
  ASSERT_NE(merges, nullptr);
  EXPECT_EQ(merges->count, 50009u);
}

TEST(GgufReader, RejectsNonGguf) {
  const char text[] = "hello, not a model";
  try {
    neox::GgufFile::parse(reinterpret_cast<const uint8_t*>(text), sizeof text, "x.bin");
    FAIL() << "expected an error";
  } catch (const neox::Error& e) {
    EXPECT_NE(std::string(e.what()).find("x.bin: not a GGUF file"), std::string::npos) << e.what();
  }
}

}  // namespace

namespace {

std::vector<uint8_t> read_bytes(const std::string& path) {
  neox::MappedFile f(path);
  return std::vector<uint8_t>(f.data(), f.data() + f.size());
}

const std::string kSeed = std::string(NEOX_SOURCE_DIR) + "/tests/fuzz/corpus/gguf/seed-gptneox.gguf";

TEST(GgufReader, ReadsEveryMetadataType) {
  neox::GgufFile g = neox::GgufFile::open(kSeed);
  EXPECT_EQ(g.get_int("seed.u8"), 7);
  EXPECT_EQ(g.get_int("seed.i8"), -7);
  EXPECT_EQ(g.get_int("seed.u16"), 700);
  EXPECT_EQ(g.get_int("seed.i16"), -700);
  EXPECT_EQ(g.get_int("seed.u32"), 70000);
  EXPECT_EQ(g.get_int("seed.i32"), -70000);
  EXPECT_EQ(g.get_int("seed.u64"), int64_t{1} << 40);
  EXPECT_EQ(g.get_int("seed.i64"), -(int64_t{1} << 40));
  EXPECT_EQ(g.get_float("seed.f32"), 0.5);
  EXPECT_EQ(g.get_float("seed.f64"), 0.25);
  EXPECT_EQ(g.get_bool("seed.bool"), true);
  EXPECT_EQ(g.get_string("seed.string"), "h\xc3\xa9llo");
  EXPECT_EQ(g.get_string("general.architecture"), "gptneox");
  const neox::GgufArray* ints = g.get_array("seed.array_i32");
  ASSERT_NE(ints, nullptr);
  ASSERT_EQ(ints->count, 3u);
  EXPECT_EQ(ints->int_at(2), 3);
  const neox::GgufArray* strs = g.get_array("seed.array_str");
  ASSERT_NE(strs, nullptr);
  EXPECT_EQ(strs->strings.at(1), "bc");
  EXPECT_EQ(strs->strings.at(2), "");
  EXPECT_THROW(g.get_string("seed.u8"), neox::Error);  // wrong type is an error, not a guess

  const neox::GgufTensor* f32 = g.find_tensor("f32");
  ASSERT_NE(f32, nullptr);
  EXPECT_EQ(f32->type, neox::DType::F32);
  ASSERT_EQ(f32->shape.size(), 2u);
  EXPECT_EQ(f32->shape[0], 8);  // contiguous dimension first
  EXPECT_EQ(f32->shape[1], 3);
  EXPECT_EQ(f32->nbytes, 3u * 8u * 4u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(f32->data) % g.alignment(), 0u);
  const neox::GgufTensor* f16 = g.find_tensor("f16");
  ASSERT_NE(f16, nullptr);
  EXPECT_EQ(f16->type, neox::DType::F16);
  EXPECT_EQ(f16->nbytes, 2u * 16u * 2u);
}

// Every proper prefix of a valid file must be rejected with an error (the
// reader checks every length against the bytes that are there).
TEST(GgufReader, EveryTruncationIsAnError) {
  std::vector<uint8_t> bytes = read_bytes(kSeed);
  for (size_t n = 0; n < bytes.size(); ++n) {
    std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<long>(n));
    EXPECT_THROW(neox::GgufFile::parse(cut.data(), cut.size(), "cut.gguf"), neox::Error) << "prefix " << n;
  }
  EXPECT_NO_THROW(neox::GgufFile::parse(bytes.data(), bytes.size(), "whole.gguf"));
}

TEST(GgufReader, TensorBeyondEndNamesTensorAndSizes) {
  std::vector<uint8_t> bytes = read_bytes(kSeed);
  bytes.resize(bytes.size() - 10);  // the last tensor loses its tail
  try {
    neox::GgufFile::parse(bytes.data(), bytes.size(), "model.gguf");
    FAIL() << "expected an error";
  } catch (const neox::Error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("model.gguf: tensor 'f16' is truncated"), std::string::npos) << msg;
  }
}

TEST(GgufReader, RejectsUnknownVersionAndTypes) {
  std::vector<uint8_t> bytes = read_bytes(kSeed);
  std::vector<uint8_t> v = bytes;
  v[4] = 9;  // version 9
  try {
    neox::GgufFile::parse(v.data(), v.size(), "v.gguf");
    FAIL();
  } catch (const neox::Error& e) {
    EXPECT_NE(std::string(e.what()).find("unsupported GGUF version 9"), std::string::npos) << e.what();
  }
  v = bytes;
  v[4] = 1;
  EXPECT_THROW(neox::GgufFile::parse(v.data(), v.size(), "v1.gguf"), neox::Error);
}

TEST(GgufReader, MissingFileNamesPath) {
  try {
    neox::GgufFile::open("/nonexistent/dir/model.gguf");
    FAIL();
  } catch (const neox::Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/dir/model.gguf: cannot open"), std::string::npos);
  }
}

TEST(DType, HalfConversionsRoundTripEveryValue) {
  for (uint32_t h = 0; h < 65536; ++h) {
    float f = neox::fp16_to_f32(static_cast<uint16_t>(h));
    if (f != f) continue;  // NaN payloads need not round-trip exactly
    EXPECT_EQ(neox::f32_to_fp16(f), h) << h;
  }
  EXPECT_EQ(neox::f32_to_fp16(1.0f + 1.0f / 4096.0f), 0x3c00);  // ties to even
  EXPECT_EQ(neox::f32_to_fp16(65520.0f), 0x7c00);               // rounds to inf
  EXPECT_EQ(neox::bf16_to_f32(neox::f32_to_bf16(3.0f)), 3.0f);
}

}  // namespace
