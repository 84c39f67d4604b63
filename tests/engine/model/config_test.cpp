// read_model_config and Model::load: configuration of every fixture, as the
// fixture script (tests/fixtures/make_model_fixtures.py) defines it.
#include <gtest/gtest.h>

#include "model/model_test_support.h"
#include "neox/error.h"

namespace {

// Parameters of a GPT-NeoX network from its sizes (all tensors, untied output).
int64_t neox_params(int64_t vocab, int64_t d, int64_t ff, int64_t layers) {
  const int64_t per_layer = 4 * d                // two layer norms, weight + bias
                            + 3 * d * d + 3 * d  // query_key_value
                            + d * d + d          // dense
                            + ff * d + ff        // dense_h_to_4h
                            + d * ff + d;        // dense_4h_to_h
  return 2 * vocab * d + layers * per_layer + 2 * d;
}

struct Expected {
  std::string path;  // relative to the fixtures folder
  neox::ModelFormat format;
  neox::DType weight_type;
  int64_t n_embd, n_head, head_dim, n_layer, n_ff, n_rot;
  float rope_base, norm_eps;
  bool parallel, gelu_tanh;
  uint64_t bytes_per_matrix_element, bytes_per_vector_element;
};

class FixtureConfig : public ::testing::TestWithParam<Expected> {};

TEST_P(FixtureConfig, ReadWithoutLoadingAndWhenLoaded) {
  const Expected& e = GetParam();
  const std::string path = neox_test::kModels + "/" + e.path;
  neox::ModelConfig c = neox::read_model_config(path);
  EXPECT_EQ(c.architecture, "gptneox");
  EXPECT_EQ(c.format, e.format);
  EXPECT_EQ(c.weight_type, e.weight_type);
  EXPECT_EQ(c.n_vocab, 1024);
  EXPECT_EQ(c.n_embd, e.n_embd);
  EXPECT_EQ(c.n_head, e.n_head);
  EXPECT_EQ(c.head_dim, e.head_dim);
  EXPECT_EQ(c.n_layer, e.n_layer);
  EXPECT_EQ(c.n_ff, e.n_ff);
  EXPECT_EQ(c.n_ctx_train, 256);
  EXPECT_EQ(c.n_rot, e.n_rot);
  EXPECT_FLOAT_EQ(c.rope_base, e.rope_base);
  EXPECT_FLOAT_EQ(c.norm_eps, e.norm_eps);
  EXPECT_EQ(c.parallel_residual, e.parallel);
  EXPECT_EQ(c.bos_id, 0);
  EXPECT_EQ(c.eos_id, 0);
  const int64_t params = neox_params(1024, e.n_embd, e.n_ff, e.n_layer);
  EXPECT_EQ(c.n_params, params);
  const int64_t matrix_elems =
      2 * 1024 * e.n_embd + e.n_layer * (4 * e.n_embd * e.n_embd + 2 * e.n_ff * e.n_embd);
  EXPECT_EQ(c.weight_bytes, static_cast<uint64_t>(matrix_elems) * e.bytes_per_matrix_element +
                                static_cast<uint64_t>(params - matrix_elems) * e.bytes_per_vector_element);
  if (e.format == neox::ModelFormat::kGguf) {
    EXPECT_EQ(c.qkv_layout, neox::QkvLayout::kBlocked);
    EXPECT_EQ(c.license, "apache-2.0");
    EXPECT_FALSE(c.gelu_tanh);  // GGUF records no activation: the erf GELU of published checkpoints
    EXPECT_EQ(c.name, e.path.substr(0, e.path.find('.')));
  } else {
    EXPECT_EQ(c.qkv_layout, neox::QkvLayout::kPerHead);
    EXPECT_EQ(c.gelu_tanh, e.gelu_tanh);
    EXPECT_EQ(c.name, e.path);
  }

  std::unique_ptr<neox::Model> model = neox::Model::load(path, neox_test::cpu_backend());
  EXPECT_EQ(model->path(), path);
  EXPECT_EQ(&model->backend(), &neox_test::cpu_backend());
  EXPECT_EQ(model->config().n_params, c.n_params);
  EXPECT_EQ(model->config().weight_bytes, c.weight_bytes);
  EXPECT_EQ(model->config().name, c.name);
}

using F = neox::ModelFormat;
using D = neox::DType;
INSTANTIATE_TEST_SUITE_P(Fixtures, FixtureConfig,
                         ::testing::Values(Expected{"neox-par-r25", F::kHuggingFace, D::F32, 64, 4, 16, 2,
                                                    256, 4, 10000, 1e-5f, true, false, 4, 4},
                                           Expected{"neox-seq-r100", F::kHuggingFace, D::F32, 64, 4, 16, 3,
                                                    256, 16, 10000, 1e-5f, false, true, 4, 4},
                                           Expected{"neox-seq-r100-sharded", F::kHuggingFace, D::F32, 64, 4,
                                                    16, 3, 256, 16, 10000, 1e-5f, false, true, 4, 4},
                                           Expected{"neox-hd24", F::kHuggingFace, D::F32, 72, 3, 24, 2, 192,
                                                    6, 20000, 1e-6f, true, false, 4, 4},
                                           Expected{"neox-par-r25-f16", F::kHuggingFace, D::F16, 64, 4, 16, 2,
                                                    256, 4, 10000, 1e-5f, true, false, 2, 2},
                                           Expected{"neox-par-r25-bf16", F::kHuggingFace, D::BF16, 64, 4, 16,
                                                    2, 256, 4, 10000, 1e-5f, true, false, 2, 2},
                                           Expected{"neox-par-r25.f32.gguf", F::kGguf, D::F32, 64, 4, 16, 2,
                                                    256, 4, 10000, 1e-5f, true, false, 4, 4},
                                           Expected{"neox-seq-r100.f16.gguf", F::kGguf, D::F16, 64, 4, 16, 3,
                                                    256, 16, 10000, 1e-5f, false, false, 2, 4},
                                           Expected{"neox-hd24.f16.gguf", F::kGguf, D::F16, 72, 3, 24, 2, 192,
                                                    6, 20000, 1e-6f, true, false, 2, 4}),
                         [](const ::testing::TestParamInfo<Expected>& info) {
                           std::string s = info.param.path;
                           for (char& ch : s)
                             if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return s;
                         });

TEST(ModelPath, AFileInsideAFolderOpensTheFolder) {
  const std::string folder = neox_test::kModels + "/neox-par-r25";
  for (const char* file : {"/config.json", "/model.safetensors", "/tokenizer.json"}) {
    neox::ModelConfig c = neox::read_model_config(folder + file);
    EXPECT_EQ(c.format, neox::ModelFormat::kHuggingFace);
    EXPECT_EQ(c.n_layer, 2);
  }
  std::unique_ptr<neox::Model> m = neox::Model::load(folder + "/model.safetensors", neox_test::cpu_backend());
  EXPECT_EQ(m->config().n_embd, 64);
}

}  // namespace
