// Tied output matrix (tie_word_embeddings, or a GGUF without output.weight):
// the model must use the embedding as its output. Two copies of a fixture are
// made: A keeps a separate output matrix whose bytes are overwritten with the
// embedding's; B drops the output matrix (renamed) and ties. Same logits.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "model/model_test_support.h"
#include "neox/error.h"
#include "neox/gguf.h"
#include "neox/safetensors.h"

namespace {

namespace fs = std::filesystem;

std::vector<uint8_t> read_bytes(const fs::path& p) {
  neox::MappedFile f(p.string());
  return std::vector<uint8_t>(f.data(), f.data() + f.size());
}

void write_bytes(const fs::path& p, const std::vector<uint8_t>& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

// Copies the bytes of tensor `from` over tensor `to` (same size) in `bytes`,
// given where each starts in the file.
void copy_tensor_bytes(std::vector<uint8_t>& bytes, size_t from, size_t to, size_t n) {
  ASSERT_LE(from + n, bytes.size());
  ASSERT_LE(to + n, bytes.size());
  std::memmove(bytes.data() + to, bytes.data() + from, n);
}

class TiedEmbeddings : public neox_test::TempFolderTest {
 protected:

  static std::vector<float> logits_of(const fs::path& path) {
    std::unique_ptr<neox::Model> m = neox::Model::load(path.string(), neox_test::cpu_backend());
    return neox_test::all_logits(*m, neox_test::references().prompts[1]);
  }

};

TEST_F(TiedEmbeddings, HuggingFaceTieWordEmbeddings) {
  const fs::path a = dir_ / "a", b = dir_ / "b";
  fs::copy(neox_test::kModels + "/neox-par-r25", a, fs::copy_options::recursive);
  std::vector<uint8_t> bytes = read_bytes(a / "model.safetensors");
  {
    neox::SafetensorsFile st = neox::SafetensorsFile::parse(bytes.data(), bytes.size(), "a");
    const neox::SafetensorsTensor* in = st.find_tensor("gpt_neox.embed_in.weight");
    const neox::SafetensorsTensor* out = st.find_tensor("embed_out.weight");
    ASSERT_TRUE(in && out);
    ASSERT_EQ(in->nbytes, out->nbytes);
    copy_tensor_bytes(bytes, static_cast<size_t>(in->data - bytes.data()),
                      static_cast<size_t>(out->data - bytes.data()), in->nbytes);
  }
  write_bytes(a / "model.safetensors", bytes);
  fs::copy(a, b, fs::copy_options::recursive);
  // B: the same bytes, with embed_out renamed in the header (same length keeps offsets) and tied.
  const std::string from = "\"embed_out.weight\"", to = "\"embed_xxx.weight\"";
  auto at = std::search(bytes.begin(), bytes.end(), from.begin(), from.end());
  ASSERT_NE(at, bytes.end());
  std::copy(to.begin(), to.end(), at);
  write_bytes(b / "model.safetensors", bytes);
  nlohmann::json cfg = nlohmann::json::parse(neox::read_text_file((b / "config.json").string()));
  cfg["tie_word_embeddings"] = true;
  std::ofstream(b / "config.json", std::ios::trunc) << cfg.dump();

  const std::vector<float> la = logits_of(a), lb = logits_of(b);
  ASSERT_EQ(la.size(), lb.size());
  EXPECT_EQ(neox_test::max_abs_diff(la.data(), lb.data(), la.size()), 0.0);
  // And the untouched fixture differs (the test would notice an ignored output matrix).
  const std::vector<float> original = logits_of(neox_test::kModels + "/neox-par-r25");
  EXPECT_GT(neox_test::max_abs_diff(la.data(), original.data(), la.size()), 0.1);
  // Without tie_word_embeddings, the missing matrix is an error.
  cfg["tie_word_embeddings"] = false;
  std::ofstream(b / "config.json", std::ios::trunc) << cfg.dump();
  try {
    neox::read_model_config(b.string());
    FAIL() << "expected an error";
  } catch (const neox::Error& e) {
    EXPECT_NE(std::string(e.what()).find("tensor 'embed_out.weight' is missing"), std::string::npos)
        << e.what();
  }
}

TEST_F(TiedEmbeddings, GgufWithoutOutputMatrix) {
  const fs::path a = dir_ / "a.gguf", b = dir_ / "b.gguf";
  std::vector<uint8_t> bytes = read_bytes(neox_test::kModels + "/neox-hd24.f16.gguf");
  {
    neox::GgufFile g = neox::GgufFile::parse(bytes.data(), bytes.size(), "a");
    const neox::GgufTensor* in = g.find_tensor("token_embd.weight");
    const neox::GgufTensor* out = g.find_tensor("output.weight");
    ASSERT_TRUE(in && out);
    ASSERT_EQ(in->type, out->type);
    ASSERT_EQ(in->nbytes, out->nbytes);
    copy_tensor_bytes(bytes, static_cast<size_t>(g.data_offset() + in->offset),
                      static_cast<size_t>(g.data_offset() + out->offset), in->nbytes);
  }
  write_bytes(a, bytes);
  // The name with its u64 length prefix (13), so blk.N.attn_output.weight does not match.
  const std::string from = std::string("\x0d\0\0\0\0\0\0\0", 8) + "output.weight";
  const std::string to = std::string("\x0d\0\0\0\0\0\0\0", 8) + "outpux.weight";
  auto at = std::search(bytes.begin(), bytes.end(), from.begin(), from.end());
  ASSERT_NE(at, bytes.end());
  std::copy(to.begin(), to.end(), at);
  write_bytes(b, bytes);
  const std::vector<float> la = logits_of(a), lb = logits_of(b);
  EXPECT_EQ(neox_test::max_abs_diff(la.data(), lb.data(), la.size()), 0.0);
  const std::vector<float> original = logits_of(neox_test::kModels + "/neox-hd24.f16.gguf");
  EXPECT_GT(neox_test::max_abs_diff(la.data(), original.data(), la.size()), 0.1);
}

}  // namespace
