// Safetensors reader: the committed fixture checkpoints (written by the
// Python safetensors library), compared with the same weights in the GGUF
// fixtures (written by the gguf library), and hand-made bad headers.
#include "neox/safetensors.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "neox/error.h"
#include "neox/gguf.h"

namespace {

namespace fs = std::filesystem;
const std::string kModels = std::string(NEOX_SOURCE_DIR) + "/tests/fixtures/models";

// A safetensors file from a header text and a data buffer.
std::vector<uint8_t> make_file(const std::string& header, const std::vector<uint8_t>& data) {
  std::vector<uint8_t> bytes(8 + header.size() + data.size());
  uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<uint8_t>(n >> (8 * i));
  if (!header.empty()) std::memcpy(bytes.data() + 8, header.data(), header.size());
  if (!data.empty()) std::memcpy(bytes.data() + 8 + header.size(), data.data(), data.size());
  return bytes;
}

std::string error_of(const std::vector<uint8_t>& bytes) {
  try {
    neox::SafetensorsFile::parse(bytes.data(), bytes.size(), "bad.safetensors");
  } catch (const neox::Error& e) {
    return e.what();
  }
  return "(no error)";
}

#define EXPECT_ERROR_HAS(bytes, text)                                         \
  do {                                                                        \
    std::string message = error_of(bytes);                                    \
    EXPECT_NE(message.find("bad.safetensors"), std::string::npos) << message; \
    EXPECT_NE(message.find(text), std::string::npos) << message;              \
  } while (0)

TEST(Safetensors, FixtureMatchesGgufOfTheSameWeights) {
  neox::SafetensorsFile st = neox::SafetensorsFile::open(kModels + "/neox-par-r25/model.safetensors");
  neox::GgufFile gg = neox::GgufFile::open(kModels + "/neox-par-r25.f32.gguf");
  // 2 layers × 12 tensors + embed_in, final norm (2), embed_out.
  EXPECT_EQ(st.tensors().size(), 28u);
  EXPECT_EQ(st.metadata().at("format"), "pt");
  const neox::SafetensorsTensor* emb = st.find_tensor("gpt_neox.embed_in.weight");
  ASSERT_NE(emb, nullptr);
  EXPECT_EQ(emb->dtype_name, "F32");
  ASSERT_TRUE(emb->dtype.has_value());
  EXPECT_EQ(*emb->dtype, neox::DType::F32);
  EXPECT_EQ(emb->shape, (std::vector<int64_t>{1024, 64}));
  EXPECT_EQ(emb->nbytes, 1024u * 64 * 4);
  const neox::GgufTensor* g = gg.find_tensor("token_embd.weight");
  ASSERT_NE(g, nullptr);
  ASSERT_EQ(g->nbytes, emb->nbytes);
  EXPECT_EQ(std::memcmp(g->data, emb->data, emb->nbytes), 0);
  const neox::SafetensorsTensor* down = st.find_tensor("gpt_neox.layers.1.mlp.dense_4h_to_h.weight");
  ASSERT_NE(down, nullptr);
  EXPECT_EQ(down->shape, (std::vector<int64_t>{64, 256}));
  EXPECT_EQ(std::memcmp(gg.find_tensor("blk.1.ffn_down.weight")->data, down->data, down->nbytes), 0);
  EXPECT_EQ(st.find_tensor("no.such.tensor"), nullptr);
}

TEST(Safetensors, Bf16FixtureIsTheF32WeightsRounded) {
  neox::SafetensorsFile f32 = neox::SafetensorsFile::open(kModels + "/neox-par-r25/model.safetensors");
  neox::SafetensorsFile b16 = neox::SafetensorsFile::open(kModels + "/neox-par-r25-bf16/model.safetensors");
  const neox::SafetensorsTensor* a = f32.find_tensor("gpt_neox.layers.0.attention.query_key_value.weight");
  const neox::SafetensorsTensor* b = b16.find_tensor("gpt_neox.layers.0.attention.query_key_value.weight");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(b->dtype_name, "BF16");
  EXPECT_EQ(*b->dtype, neox::DType::BF16);
  ASSERT_EQ(a->shape, b->shape);
  ASSERT_EQ(b->nbytes * 2, a->nbytes);
  for (int64_t i = 0; i < a->elements(); ++i) {
    float x;
    uint16_t h;
    std::memcpy(&x, a->data + 4 * i, 4);
    std::memcpy(&h, b->data + 2 * i, 2);
    ASSERT_EQ(h, neox::f32_to_bf16(x)) << "element " << i;  // torch rounds to nearest even too
  }
}

TEST(Safetensors, ShardedCheckpointFindsEveryTensorInItsShard) {
  neox::SafetensorsCheckpoint sharded =
      neox::SafetensorsCheckpoint::open_folder(kModels + "/neox-seq-r100-sharded");
  neox::SafetensorsCheckpoint single = neox::SafetensorsCheckpoint::open_folder(kModels + "/neox-seq-r100");
  EXPECT_EQ(sharded.files().size(), 2u);
  ASSERT_EQ(single.files().size(), 1u);
  for (const neox::SafetensorsTensor& t : single.files()[0].tensors()) {
    const neox::SafetensorsTensor* s = sharded.find_tensor(t.name);
    ASSERT_NE(s, nullptr) << t.name;
    EXPECT_EQ(s->shape, t.shape);
    ASSERT_EQ(s->nbytes, t.nbytes);
    EXPECT_EQ(std::memcmp(s->data, t.data, t.nbytes), 0) << t.name;
    EXPECT_NE(sharded.file_of(t.name).find("-of-00002.safetensors"), std::string::npos);
  }
}

TEST(Safetensors, ParsesHandMadeFileAndRecognisesOtherTypes) {
  std::vector<uint8_t> data(4 * 6 + 8 * 2);
  float v[6] = {1, 2, 3, 4, 5, 6};
  std::memcpy(data.data(), v, sizeof v);
  auto bytes = make_file(
      R"({"__metadata__":{"format":"pt","n":"1"},"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},)"
      R"("ids":{"dtype":"I64","shape":[2],"data_offsets":[24,40]},"e":{"dtype":"F16","shape":[0,5],"data_offsets":[40,40]}}  )",
      data);
  neox::SafetensorsFile f = neox::SafetensorsFile::parse(bytes.data(), bytes.size(), "ok.safetensors");
  ASSERT_EQ(f.tensors().size(), 3u);
  const neox::SafetensorsTensor* w = f.find_tensor("w");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->shape, (std::vector<int64_t>{2, 3}));
  float back[6];
  std::memcpy(back, w->data, sizeof back);
  EXPECT_EQ(back[5], 6.0f);
  const neox::SafetensorsTensor* ids = f.find_tensor("ids");
  ASSERT_NE(ids, nullptr);
  EXPECT_EQ(ids->dtype_name, "I64");
  EXPECT_FALSE(ids->dtype.has_value());  // recognised, not computed with
  EXPECT_EQ(f.find_tensor("e")->elements(), 0);
  EXPECT_EQ(f.metadata().at("n"), "1");
  EXPECT_EQ(f.find_tensor("__metadata__"), nullptr);
}

// The fuzzer's seeds, written by the Python safetensors library (numpy).
TEST(Safetensors, ReadsFilesOfThePythonLibrary) {
  const std::string dir = std::string(NEOX_SOURCE_DIR) + "/tests/fuzz/corpus/safetensors/";
  neox::SafetensorsFile f = neox::SafetensorsFile::open(dir + "mixed.safetensors");
  ASSERT_EQ(f.tensors().size(), 3u);
  EXPECT_EQ(f.find_tensor("w")->shape, (std::vector<int64_t>{3, 4}));
  EXPECT_EQ(f.find_tensor("b")->dtype, neox::DType::F16);
  const neox::SafetensorsTensor* ids = f.find_tensor("ids");
  ASSERT_NE(ids, nullptr);
  int64_t values[3];
  ASSERT_EQ(ids->nbytes, sizeof values);
  std::memcpy(values, ids->data, sizeof values);
  EXPECT_EQ(values[0], 0);
  EXPECT_EQ(values[2], 2);
  EXPECT_EQ(f.metadata().at("format"), "np");
  EXPECT_TRUE(neox::SafetensorsFile::open(dir + "empty.safetensors").tensors().empty());
  neox::SafetensorsFile b = neox::SafetensorsFile::open(dir + "bf16.safetensors");
  EXPECT_EQ(b.find_tensor("e")->elements(), 0);
  EXPECT_EQ(b.find_tensor("gpt_neox.layers.0.attention.query_key_value.weight")->dtype, neox::DType::BF16);
}

TEST(Safetensors, ZeroSizedTensorWithHugeDimsHasNoElements) {
  auto bytes = make_file(R"({"z":{"dtype":"F32","shape":[4611686018427387904,4611686018427387904,0],)"
                         R"("data_offsets":[0,0]}})",
                         {});
  neox::SafetensorsFile f = neox::SafetensorsFile::parse(bytes.data(), bytes.size(), "z.safetensors");
  EXPECT_EQ(f.find_tensor("z")->elements(), 0);
}

TEST(Safetensors, RejectsBadHeaders) {
  const std::vector<uint8_t> d24(24);
  EXPECT_ERROR_HAS(std::vector<uint8_t>(5), "8-byte header length");
  auto past_eof = make_file(R"({"w":{"dtype":"F32","shape":[6],"data_offsets":[0,24]}})", d24);
  past_eof[0] = 0xff;
  past_eof[3] = 0x01;
  EXPECT_ERROR_HAS(past_eof, "runs past the end of the file");
  EXPECT_ERROR_HAS(make_file("{\"w\": {\"dtype\": \"F32\", ", d24), "not valid JSON");
  EXPECT_ERROR_HAS(make_file("[1, 2]", d24), "not a JSON object");
  EXPECT_ERROR_HAS(make_file(R"({"w":{"dtype":"F32","shape":[6],"data_offsets":[0,28]}})", d24),
                   "out of bounds");
  EXPECT_ERROR_HAS(make_file(R"({"w":{"dtype":"F32","shape":[6],"data_offsets":[24,0]}})", d24),
                   "end before begin");
  EXPECT_ERROR_HAS(make_file(R"({"w":{"dtype":"F32","shape":[5],"data_offsets":[0,24]}})", d24), "need 20");
  EXPECT_ERROR_HAS(make_file(R"({"w":{"dtype":"F32","shape":[-6],"data_offsets":[0,24]}})", d24),
                   "not a non-negative integer");
  EXPECT_ERROR_HAS(
      make_file(R"({"w":{"dtype":"F32","shape":[4294967296,4294967296,16],"data_offsets":[0,24]}})", d24),
      "more than 2^64");
  EXPECT_ERROR_HAS(make_file(R"({"w":{"dtype":"Q4","shape":[6],"data_offsets":[0,24]}})", d24),
                   "unknown dtype \"Q4\"");
  EXPECT_ERROR_HAS(make_file(R"({"w":{"shape":[6],"data_offsets":[0,24]}})", d24), "no \"dtype\"");
  EXPECT_ERROR_HAS(make_file(R"({"w":{"dtype":"F32","data_offsets":[0,24]}})", d24), "no \"shape\"");
  EXPECT_ERROR_HAS(make_file(R"({"w":{"dtype":"F32","shape":[6]}})", d24), "data_offsets");
  EXPECT_ERROR_HAS(make_file(R"({"w":3})", d24), "not described by a JSON object");
  EXPECT_ERROR_HAS(make_file(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},)"
                             R"("b":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}})",
                             d24),
                   "overlaps");
  EXPECT_ERROR_HAS(make_file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                             R"("b":{"dtype":"F32","shape":[2],"data_offsets":[16,24]}})",
                             d24),
                   "hole of 8 bytes");
  EXPECT_ERROR_HAS(make_file(R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", d24),
                   "8 bytes after the last tensor");
  EXPECT_ERROR_HAS(make_file(R"({"__metadata__":[1]})", {}), "__metadata__");
}

TEST(Safetensors, TruncatedFixtureIsAnErrorNamingTheTensor) {
  neox::MappedFile good(kModels + "/neox-par-r25/model.safetensors");
  for (size_t cut : {size_t{0}, size_t{7}, size_t{100}, good.size() / 2, good.size() - 1}) {
    std::vector<uint8_t> bytes(good.data(), good.data() + cut);
    std::string message = error_of(bytes);
    EXPECT_NE(message.find("bad.safetensors: "), std::string::npos) << cut << ": " << message;
  }
  std::vector<uint8_t> bytes(good.data(), good.data() + good.size() - 1);
  EXPECT_ERROR_HAS(bytes, "out of bounds");
}

class SafetensorsFolder : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("neox_safetensors_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }
  std::string open_error() {
    try {
      neox::SafetensorsCheckpoint::open_folder(dir_.string());
    } catch (const neox::Error& e) {
      return e.what();
    }
    return "(no error)";
  }
  fs::path dir_;
};

TEST_F(SafetensorsFolder, EmptyFolderNamesWhatIsMissing) {
  EXPECT_NE(open_error().find("neither model.safetensors nor model.safetensors.index.json"),
            std::string::npos);
}

TEST_F(SafetensorsFolder, IndexProblemsAreErrors) {
  write("model.safetensors.index.json", "{not json");
  EXPECT_NE(open_error().find("model.safetensors.index.json: not valid JSON"), std::string::npos)
      << open_error();
  write("model.safetensors.index.json", R"({"metadata":{}})");
  EXPECT_NE(open_error().find("no \"weight_map\""), std::string::npos) << open_error();
  write("model.safetensors.index.json", R"({"weight_map":{"w":"model-1.safetensors"}})");
  EXPECT_NE(open_error().find("shard 'model-1.safetensors' (holding 'w') is missing"), std::string::npos)
      << open_error();
  write("model.safetensors.index.json", R"({"weight_map":{"w":"../elsewhere.safetensors"}})");
  EXPECT_NE(open_error().find("not a file in the folder"), std::string::npos) << open_error();
  fs::copy_file(kModels + "/neox-seq-r100-sharded/model-00001-of-00002.safetensors",
                dir_ / "model-00001-of-00002.safetensors");
  write("model.safetensors.index.json", R"({"weight_map":{"not.there":"model-00001-of-00002.safetensors"}})");
  EXPECT_NE(open_error().find("does not hold it"), std::string::npos) << open_error();
}

}  // namespace
