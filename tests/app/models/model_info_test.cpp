// Metadata without loading weights, for runnable and unrunnable models.
#include "neox/models/model_info.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "neox/error.h"

namespace neox::models {
namespace {
namespace fs = std::filesystem;

const fs::path kModels = fs::path(NEOX_SOURCE_DIR) / "tests/fixtures/models";
const fs::path kStores = fs::path(NEOX_SOURCE_DIR) / "tests/fixtures/models_stores";

nlohmann::json config_of(const std::string& folder) {
  std::ifstream in(kModels / folder / "config.json");
  return nlohmann::json::parse(in);
}

// Parameters of a GPT-NeoX model from its Hugging Face config, counted the
// way the architecture defines them (independent of any file reader).
int64_t gptneox_parameters(const nlohmann::json& c) {
  const int64_t v = c["vocab_size"], d = c["hidden_size"], l = c["num_hidden_layers"],
                ff = c["intermediate_size"];
  const int64_t per_layer = 4 * d                // two layer norms (weight, bias)
                            + d * 3 * d + 3 * d  // query_key_value
                            + d * d + d          // dense
                            + d * ff + ff        // dense_h_to_4h
                            + ff * d + d;        // dense_4h_to_h
  return 2 * v * d + l * per_layer + 2 * d;      // embed_in, embed_out, final layer norm
}

TEST(ModelInfo, GgufMetadataWithoutLoading) {
  const nlohmann::json c = config_of("neox-par-r25");
  const ModelInfo m = read_model_info(kModels / "neox-par-r25.f16.gguf");
  EXPECT_TRUE(m.supported) << m.unsupported_reason;
  EXPECT_EQ(m.format, "gguf");
  EXPECT_EQ(m.architecture, "gptneox");
  EXPECT_EQ(m.name, "neox-par-r25");
  EXPECT_EQ(m.license, "apache-2.0");
  EXPECT_EQ(m.context_length, c["max_position_embeddings"].get<int64_t>());
  EXPECT_EQ(m.parameter_count, gptneox_parameters(c));
  EXPECT_EQ(m.quantization, "F16");
  EXPECT_EQ(m.file_type, "MOSTLY_F16");
  ASSERT_EQ(m.type_mix.size(), 2u);  // F16 matrices, F32 norms and biases
  EXPECT_EQ(m.type_mix[1].type, "F32");
  EXPECT_EQ(m.size_bytes, fs::file_size(kModels / "neox-par-r25.f16.gguf"));
  EXPECT_EQ(m.n_layer, c["num_hidden_layers"].get<int64_t>());
  EXPECT_EQ(m.n_embd, c["hidden_size"].get<int64_t>());
  EXPECT_EQ(m.n_ff, c["intermediate_size"].get<int64_t>());
  EXPECT_EQ(m.n_vocab, c["vocab_size"].get<int64_t>());
  EXPECT_LT(m.weight_bytes, m.size_bytes);
  EXPECT_GT(m.layer_weight_bytes, 0u);
  EXPECT_LT(m.layer_weight_bytes, m.weight_bytes);
  EXPECT_EQ(m.chat_template, "raw");
}

TEST(ModelInfo, HuggingFaceFolderUsesStoreNameForNameAndTemplate) {
  const fs::path folder = kStores / "app_models/neox-par-r25-hf";
  const nlohmann::json c = config_of("neox-par-r25");
  const ModelInfo m = read_model_info(folder, "OpenAssistant/oasst-sft-4-pythia-12b-epoch-3.5");
  EXPECT_TRUE(m.supported) << m.unsupported_reason;
  EXPECT_EQ(m.format, "safetensors");
  EXPECT_EQ(m.architecture, "gptneox");
  EXPECT_EQ(m.name, "OpenAssistant/oasst-sft-4-pythia-12b-epoch-3.5");
  EXPECT_EQ(m.chat_template, "openassistant");
  EXPECT_EQ(m.quantization, "F32");
  EXPECT_EQ(m.context_length, c["max_position_embeddings"].get<int64_t>());
  EXPECT_EQ(m.parameter_count, gptneox_parameters(c));
  EXPECT_EQ(m.size_bytes, fs::file_size(folder / "model.safetensors"));
  // A file inside the folder names the folder.
  EXPECT_EQ(read_model_info(folder / "config.json").path, folder);
}

TEST(ModelInfo, ShardedAndBf16Folders) {
  const ModelInfo sharded = read_model_info(kModels / "neox-seq-r100-sharded");
  EXPECT_TRUE(sharded.supported) << sharded.unsupported_reason;
  EXPECT_EQ(sharded.parameter_count, gptneox_parameters(config_of("neox-seq-r100-sharded")));
  EXPECT_EQ(sharded.size_bytes,
            fs::file_size(kModels / "neox-seq-r100-sharded/model-00001-of-00002.safetensors") +
                fs::file_size(kModels / "neox-seq-r100-sharded/model-00002-of-00002.safetensors"));
  const ModelInfo bf16 = read_model_info(kModels / "neox-par-r25-bf16");
  EXPECT_TRUE(bf16.supported) << bf16.unsupported_reason;
  EXPECT_EQ(bf16.quantization, "BF16");
}

TEST(ModelInfo, ChatTemplateFromDolly) {
  const ModelInfo m = read_model_info(kModels / "neox-par-r25.f32.gguf", "databricks/dolly-v2-3b");
  EXPECT_EQ(m.chat_template, "dolly")
      << "general.name (neox-par-r25) says nothing; then the store name decides";
  const ModelInfo d = read_model_info(kStores / "app_models/neox-par-r25-hf", "databricks/dolly-v2-3b");
  EXPECT_EQ(d.chat_template, "dolly");
}

TEST(ModelInfo, UnknownArchitectureIsListedWithReason) {
  const ModelInfo m = read_model_info(kStores / "unsupported/llama-arch.gguf");
  EXPECT_FALSE(m.supported);
  EXPECT_EQ(m.architecture, "llama");
  EXPECT_EQ(m.context_length, 128);
  EXPECT_NE(m.unsupported_reason.find("llama"), std::string::npos) << m.unsupported_reason;
  EXPECT_NE(m.unsupported_reason.find("not supported"), std::string::npos) << m.unsupported_reason;
}

TEST(ModelInfo, UnsupportedQuantizationNamesTensorAndType) {
  const ModelInfo m = read_model_info(kStores / "unsupported/iq2-quant.gguf");
  EXPECT_FALSE(m.supported);
  EXPECT_EQ(m.quantization, "IQ2_XXS");
  EXPECT_NE(m.unsupported_reason.find("token_embd.weight"), std::string::npos) << m.unsupported_reason;
  EXPECT_NE(m.unsupported_reason.find("IQ2_XXS"), std::string::npos) << m.unsupported_reason;
}

TEST(ModelInfo, CorruptAndForeignFilesAreListedWithReason) {
  const ModelInfo t = read_model_info(kStores / "unsupported/truncated.gguf");
  EXPECT_FALSE(t.supported);
  EXPECT_EQ(t.format, "gguf");
  EXPECT_GT(t.size_bytes, 0u);
  EXPECT_NE(t.unsupported_reason.find("truncated.gguf"), std::string::npos) << t.unsupported_reason;

  const ModelInfo n = read_model_info(kStores / "unsupported/not-a-model.gguf");
  EXPECT_FALSE(n.supported);
  EXPECT_NE(n.unsupported_reason.find("not a model"), std::string::npos) << n.unsupported_reason;

  EXPECT_THROW(read_model_info(kStores / "unsupported/no-such-file.gguf"), neox::Error);
}

TEST(ModelInfo, PytorchOnlyFolderSaysWhy) {
  const ModelInfo m = read_model_info(kStores / "app_models/pytorch-only", "databricks/dolly-v2-3b");
  EXPECT_FALSE(m.supported);
  EXPECT_EQ(m.format, "pytorch");
  EXPECT_EQ(m.architecture, "gptneox");
  EXPECT_EQ(m.chat_template, "dolly");
  EXPECT_GT(m.size_bytes, 0u);
  EXPECT_NE(m.unsupported_reason.find("PyTorch .bin"), std::string::npos) << m.unsupported_reason;
}

TEST(ModelInfo, ReadmeLicenseOfHuggingFaceFolder) {
  const fs::path dir = fs::temp_directory_path() / ("neox_models_readme_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (const char* f : {"config.json", "model.safetensors"}) fs::copy(kModels / "neox-par-r25" / f, dir / f);
  std::ofstream(dir / "README.md") << "---\nlanguage: en\nlicense: mit\ntags:\n- dolly\n---\n# Model\n";
  const ModelInfo m = read_model_info(dir);
  EXPECT_EQ(m.license, "mit");
  std::ofstream(dir / "config.json") << "{ broken";
  const ModelInfo broken = read_model_info(dir);
  EXPECT_FALSE(broken.supported);
  EXPECT_NE(broken.unsupported_reason.find("config.json"), std::string::npos) << broken.unsupported_reason;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace neox::models
