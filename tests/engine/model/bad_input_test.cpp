// Broken models, made at test time from the good fixtures in a temporary
// folder: each must give neox::Error naming the file and the problem, from
// both read_model_config and Model::load, never a crash.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

#include "model/model_test_support.h"
#include "neox/error.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::vector<uint8_t> read_bytes(const fs::path& p) {
  neox::MappedFile f(p.string());
  return std::vector<uint8_t>(f.data(), f.data() + f.size());
}

void write_bytes(const fs::path& p, const std::vector<uint8_t>& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

size_t find_unique(const std::vector<uint8_t>& bytes, const std::string& text) {
  auto it = std::search(bytes.begin(), bytes.end(), text.begin(), text.end());
  EXPECT_NE(it, bytes.end()) << text;
  EXPECT_EQ(std::search(it + 1, bytes.end(), text.begin(), text.end()), bytes.end())
      << text << " is not unique";
  return static_cast<size_t>(it - bytes.begin());
}

class BadModel : public neox_test::TempFolderTest {
 protected:

  // A copy of a fixture folder or file in the temporary folder.
  fs::path copy_fixture(const std::string& name) {
    const fs::path src = fs::path(neox_test::kModels) / name;
    const fs::path dst = dir_ / name;
    fs::copy(src, dst, fs::copy_options::recursive);
    return dst;
  }

  // Rewrites a safetensors file's header (keeping its data).
  static void edit_safetensors_header(const fs::path& file, const std::function<void(json&)>& edit) {
    std::vector<uint8_t> bytes = read_bytes(file);
    uint64_t n = 0;
    for (int i = 7; i >= 0; --i) n = (n << 8) | bytes[i];
    json header = json::parse(bytes.begin() + 8, bytes.begin() + 8 + static_cast<std::ptrdiff_t>(n));
    edit(header);
    std::string text = header.dump();
    text.resize((text.size() + 7) / 8 * 8, ' ');
    std::vector<uint8_t> out(8 + text.size());
    for (int i = 0; i < 8; ++i) out[i] = static_cast<uint8_t>(text.size() >> (8 * i));
    std::memcpy(out.data() + 8, text.data(), text.size());
    out.insert(out.end(), bytes.begin() + 8 + static_cast<std::ptrdiff_t>(n), bytes.end());
    write_bytes(file, out);
  }

  static void edit_json(const fs::path& file, const std::function<void(json&)>& edit) {
    json j = json::parse(neox::read_text_file(file.string()));
    edit(j);
    std::ofstream(file, std::ios::trunc) << j.dump(2);
  }

  // Both entry points must fail with a message containing every string in `parts`.
  static void expect_error(const fs::path& path, const std::vector<std::string>& parts) {
    for (bool load : {false, true}) {
      std::string message = "(no error)";
      try {
        if (load) {
          neox::Model::load(path.string(), neox_test::cpu_backend());
        } else {
          neox::read_model_config(path.string());
        }
      } catch (const neox::Error& e) {
        message = e.what();
      }
      for (const std::string& part : parts)
        EXPECT_NE(message.find(part), std::string::npos)
            << (load ? "Model::load" : "read_model_config") << ": \"" << part << "\" not in: " << message;
    }
  }

};

TEST_F(BadModel, MissingPathAndNonModelFiles) {
  expect_error(dir_ / "nowhere", {"nowhere: no such file or folder"});
  expect_error(dir_, {dir_.string() + ": folder has no config.json"});
  std::ofstream(dir_ / "notes.txt") << "hello, not a model";
  expect_error(dir_ / "notes.txt", {"notes.txt: not a model"});
  fs::create_directories(dir_ / "empty");
  std::ofstream(dir_ / "empty" / "config.json")
      << neox::read_text_file(neox_test::kModels + "/neox-par-r25/config.json");
  expect_error(dir_ / "empty",
               {"empty: folder has neither model.safetensors nor model.safetensors.index.json"});
}

TEST_F(BadModel, TruncatedGguf) {
  const fs::path p = copy_fixture("neox-par-r25.f32.gguf");
  std::vector<uint8_t> bytes = read_bytes(p);
  bytes.resize(bytes.size() / 2);
  write_bytes(p, bytes);
  expect_error(p, {"neox-par-r25.f32.gguf: ", "truncated"});
  bytes.resize(200);  // inside the metadata: its entry count cannot fit
  write_bytes(p, bytes);
  expect_error(p, {"neox-par-r25.f32.gguf: ", "file size"});
  bytes.resize(3);
  write_bytes(p, bytes);
  expect_error(p, {"neox-par-r25.f32.gguf: not a model"});
}

TEST_F(BadModel, GgufOfAnotherArchitecture) {
  const fs::path p = copy_fixture("neox-par-r25.f32.gguf");
  std::vector<uint8_t> bytes = read_bytes(p);
  // general.architecture: key, u32 type (string), u64 length 7, "gptneox".
  const size_t at = find_unique(bytes, "general.architecture") + std::strlen("general.architecture") + 4 + 8;
  ASSERT_EQ(std::memcmp(bytes.data() + at, "gptneox", 7), 0);
  std::memcpy(bytes.data() + at, "qwen2vl", 7);
  write_bytes(p, bytes);
  expect_error(p, {"neox-par-r25.f32.gguf: architecture qwen2vl is not supported yet"});
}

TEST_F(BadModel, GgufQuantizedTensor) {
  const fs::path p = copy_fixture("neox-par-r25.f32.gguf");
  std::vector<uint8_t> bytes = read_bytes(p);
  // Tensor info: name, u32 n_dims (2), u64 dims[2], u32 type.
  const std::string name = "blk.0.attn_qkv.weight";
  const size_t type_at = find_unique(bytes, name) + name.size() + 4 + 16;
  uint32_t type;
  std::memcpy(&type, bytes.data() + type_at, 4);
  ASSERT_EQ(type, 0u);  // F32
  type = 20;            // IQ4_NL: a GGML type the engine does not compute with (rows of 64 are whole blocks)
  std::memcpy(bytes.data() + type_at, &type, 4);
  write_bytes(p, bytes);
  expect_error(p, {"neox-par-r25.f32.gguf: quantized weights of type IQ4_NL are not supported",
                   "blk.0.attn_qkv.weight", "Q4_K"});
}

TEST_F(BadModel, GgufMissingTensor) {
  const fs::path p = copy_fixture("neox-seq-r100.f16.gguf");
  std::vector<uint8_t> bytes = read_bytes(p);
  const size_t at = find_unique(bytes, "blk.2.ffn_up.weight");
  std::memcpy(bytes.data() + at, "blk.2.ffn_UP.weight", 19);
  write_bytes(p, bytes);
  expect_error(p, {"neox-seq-r100.f16.gguf: tensor 'blk.2.ffn_up.weight' is missing"});
}

TEST_F(BadModel, SafetensorsTruncated) {
  const fs::path folder = copy_fixture("neox-par-r25");
  const fs::path st = folder / "model.safetensors";
  std::vector<uint8_t> bytes = read_bytes(st);
  bytes.resize(bytes.size() - 1000);
  write_bytes(st, bytes);
  expect_error(folder, {"model.safetensors: tensor '", "out of bounds"});
  bytes.resize(50);  // inside the header
  write_bytes(st, bytes);
  expect_error(folder, {"model.safetensors: header length", "runs past the end of the file"});
}

TEST_F(BadModel, SafetensorsCorruptHeaderJson) {
  const fs::path folder = copy_fixture("neox-par-r25-bf16");
  const fs::path st = folder / "model.safetensors";
  std::vector<uint8_t> bytes = read_bytes(st);
  bytes[8 + 40] = '}';
  bytes[8 + 41] = '"';
  write_bytes(st, bytes);
  expect_error(folder, {"model.safetensors: header is not valid JSON"});
}

TEST_F(BadModel, SafetensorsOffsetsOutOfBounds) {
  const fs::path folder = copy_fixture("neox-hd24");
  edit_safetensors_header(folder / "model.safetensors",
                          [](json& h) { h["gpt_neox.final_layer_norm.bias"]["data_offsets"][1] = 1u << 30; });
  expect_error(folder,
               {"model.safetensors: tensor 'gpt_neox.final_layer_norm.bias' data_offsets", "out of bounds"});
}

TEST_F(BadModel, SafetensorsMissingTensorInAShard) {
  const fs::path folder = copy_fixture("neox-seq-r100-sharded");
  // Renamed in the shard and in the index: the index stays consistent, the model lacks the tensor.
  const std::string name = "gpt_neox.layers.1.mlp.dense_h_to_4h.bias";
  json index = json::parse(neox::read_text_file((folder / "model.safetensors.index.json").string()));
  const std::string shard = index["weight_map"][name].get<std::string>();
  edit_safetensors_header(folder / shard, [&](json& h) {
    h["renamed"] = h[name];
    h.erase(name);
  });
  edit_json(folder / "model.safetensors.index.json", [&](json& j) {
    j["weight_map"]["renamed"] = shard;
    j["weight_map"].erase(name);
  });
  expect_error(folder, {"neox-seq-r100-sharded: tensor '" + name + "' is missing"});
}

TEST_F(BadModel, SafetensorsWrongShapeAndType) {
  const fs::path folder = copy_fixture("neox-par-r25");
  edit_safetensors_header(folder / "model.safetensors", [](json& h) {
    h["gpt_neox.layers.1.attention.query_key_value.weight"]["shape"] = {64, 192};  // transposed: same bytes
  });
  expect_error(folder, {"model.safetensors: tensor 'gpt_neox.layers.1.attention.query_key_value.weight' has "
                        "shape [64, 192], expected [192, 64]"});
  edit_safetensors_header(folder / "model.safetensors", [](json& h) {
    h["gpt_neox.layers.1.attention.query_key_value.weight"]["shape"] = {192, 64};
    h["gpt_neox.layers.0.mlp.dense_4h_to_h.bias"]["dtype"] = "I32";  // same element size
  });
  expect_error(folder, {"model.safetensors: tensor 'gpt_neox.layers.0.mlp.dense_4h_to_h.bias' has type I32, "
                        "which is not supported"});
}

TEST_F(BadModel, ConfigOfAnotherArchitecture) {
  const fs::path folder = copy_fixture("neox-par-r25");
  edit_json(folder / "config.json", [](json& j) {
    j["model_type"] = "llama";
    j["architectures"] = {"LlamaForCausalLM"};
  });
  expect_error(folder, {"config.json: llama is not supported yet (architecture LlamaForCausalLM)"});
}

TEST_F(BadModel, ConfigProblems) {
  const fs::path folder = copy_fixture("neox-par-r25");
  const fs::path cfg = folder / "config.json";
  edit_json(cfg, [](json& j) { j.erase("hidden_size"); });
  expect_error(folder, {"config.json: \"hidden_size\" is missing"});
  std::ofstream(cfg, std::ios::trunc) << "{\"model_type\": ";
  expect_error(folder, {"config.json: not valid JSON"});
  fs::copy_file(neox_test::kModels + "/neox-par-r25/config.json", cfg, fs::copy_options::overwrite_existing);
  edit_json(cfg, [](json& j) { j["num_attention_heads"] = 5; });
  expect_error(folder, {"config.json: hidden_size 64 is not a multiple of num_attention_heads 5"});
  fs::copy_file(neox_test::kModels + "/neox-par-r25/config.json", cfg, fs::copy_options::overwrite_existing);
  edit_json(cfg, [](json& j) { j["hidden_act"] = "relu"; });
  expect_error(folder, {"config.json: hidden_act \"relu\" is not supported"});
  fs::copy_file(neox_test::kModels + "/neox-par-r25/config.json", cfg, fs::copy_options::overwrite_existing);
  edit_json(cfg, [](json& j) { j["num_hidden_layers"] = 1000000; });
  expect_error(folder, {"neox-par-r25: implausible configuration: layer count = 1000000"});
  fs::copy_file(neox_test::kModels + "/neox-par-r25/config.json", cfg, fs::copy_options::overwrite_existing);
  edit_json(cfg, [](json& j) {
    j["hidden_size"] = 4611686018427387904ll;
    j["num_attention_heads"] = 1;
  });
  expect_error(folder, {"implausible configuration: hidden size"});
  fs::copy_file(neox_test::kModels + "/neox-par-r25/config.json", cfg, fs::copy_options::overwrite_existing);
  edit_json(cfg, [](json& j) { j["vocab_size"] = 2048; });  // the embedding has 1024 rows
  expect_error(folder, {"model.safetensors: tensor 'gpt_neox.embed_in.weight' has shape [1024, 64], expected "
                        "[2048, 64]"});
}

}  // namespace
