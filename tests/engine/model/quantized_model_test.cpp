// Quantized GGUF files (made by llama.cpp's quantizer,
// tests/fixtures/quant/make_quant_models.py) run end to end:
//  - prefill logits against the exact answer for the file's weights
//    (transformers float64 on weights dequantized by the gguf package);
//  - decode logits (one token at a time: the int8-activation path) against
//    the same exact answer;
//  - logits and greedy continuations against llama.cpp on the same file.
// Tolerances are max |ours − reference| over all logits (logits up to ~11);
// measured maxima are in the comments (AVX-512 VNNI kernels).
#include <gtest/gtest.h>

#include <cstdio>
#include <set>

#include "model/model_test_support.h"
#include "neox/gguf.h"
#include "neox/quant.h"

namespace {

const std::string kQuantModels = std::string(NEOX_SOURCE_DIR) + "/tests/fixtures/quant/models";

// Prefill with AVX-512 rounds activations to 8 bits per 32 as decode does
// (the int8 matrix-matrix product, backend/cpu/quant_gemm_avx512.h): decode's
// bound; measured 0.178 on Q4_1. Kernel families without it expand weights
// to f32 (float32 rounding only, < 1e-3).
constexpr double kPrefillVsExact = 0.3;
// Decode rounds activations to 8 bits per 32 elements before each quantized
// matmul (relative step 1/254 of the chunk's largest value), as llama.cpp
// does: measured 0.154 .. 0.209, llama.cpp's own prefill 0.165 .. 0.33.
constexpr double kDecodeVsExact = 0.3;
// Q4_K, Q5_K and Q6_K weights in the AVX families' decode meet activations
// rounded per 256-element superblock (one scale per weight superblock, the
// whole block in integers: backend/cpu/quant_decode_k.h), as llama.cpp's
// Q8_K does: measured 0.207 .. 0.351 on the files with them, within
// llama.cpp's own distance to the exact answer (up to 0.33) plus its margin.
constexpr double kDecodeSuperblockVsExact = 0.4;
// llama.cpp rounds activations to 8 bits per 32 (Q8_0) or per 256 (Q8_K, for
// K-quants) in prefill too; its own distance to the exact answer on these
// files is up to 0.33 (make_quant_models.py prints it).
constexpr double kVsLlamaCpp = 0.5;

struct QuantModelRef {
  std::string name, path, type;
  std::vector<float> llama_logits, exact_logits;
  std::vector<int32_t> greedy_tokens;
  std::vector<double> greedy_margins;
};

struct QuantRefs {
  int64_t n_vocab = 0;
  std::vector<std::vector<int32_t>> prompts;
  std::vector<QuantModelRef> models;
  size_t rows() const {
    size_t r = 0;
    for (const auto& p : prompts) r += p.size();
    return r;
  }
};

std::vector<float> read_floats(const std::string& path, size_t expected) {
  neox::MappedFile f(path);
  if (f.size() != expected * sizeof(float)) throw std::runtime_error(path + ": wrong size");
  std::vector<float> v(expected);
  std::memcpy(v.data(), f.data(), f.size());
  return v;
}

const QuantRefs& quant_refs() {
  static const QuantRefs refs = [] {
    QuantRefs r;
    nlohmann::json j = nlohmann::json::parse(neox::read_text_file(kQuantModels + "/references.json"));
    r.n_vocab = j["n_vocab"].get<int64_t>();
    r.prompts = j["prompts"].get<std::vector<std::vector<int32_t>>>();
    const size_t n = r.rows() * static_cast<size_t>(r.n_vocab);
    for (const auto& m : j["models"]) {
      QuantModelRef q;
      q.name = m["name"].get<std::string>();
      q.path = kQuantModels + "/" + m["path"].get<std::string>();
      q.type = m["type"].get<std::string>();
      q.llama_logits = read_floats(kQuantModels + "/" + m["llama_logits"].get<std::string>(), n);
      q.exact_logits = read_floats(kQuantModels + "/" + m["exact_logits"].get<std::string>(), n);
      q.greedy_tokens = m["greedy_tokens"].get<std::vector<int32_t>>();
      q.greedy_margins = m["greedy_margins"].get<std::vector<double>>();
      r.models.push_back(std::move(q));
    }
    return r;
  }();
  return refs;
}

const QuantModelRef& quant_model(const std::string& name) {
  for (const QuantModelRef& m : quant_refs().models)
    if (m.name == name) return m;
  throw std::runtime_error("no quantized fixture " + name);
}

std::vector<std::string> quant_model_names() {
  std::vector<std::string> out;
  for (const QuantModelRef& m : quant_refs().models) out.push_back(m.name);
  return out;
}

class QuantizedModel : public ::testing::TestWithParam<std::string> {};

double worst_row_diff(const float* ours, const float* ref, size_t rows, size_t nv) {
  double worst = 0;
  for (size_t r = 0; r < rows; ++r)
    worst = std::max(worst, neox_test::max_abs_diff(ours + r * nv, ref + r * nv, nv));
  return worst;
}

TEST_P(QuantizedModel, PrefillLogitsMatchExactAndLlamaCpp) {
  const QuantRefs& refs = quant_refs();
  const QuantModelRef& m = quant_model(GetParam());
  std::unique_ptr<neox::Model> model = neox::Model::load(m.path, neox_test::cpu_backend());
  ASSERT_EQ(model->config().n_vocab, refs.n_vocab);
  const size_t nv = static_cast<size_t>(refs.n_vocab);
  double worst_exact = 0, worst_llama = 0;
  size_t row = 0;
  for (const auto& prompt : refs.prompts) {
    ASSERT_GT(prompt.size(), 4u) << "prompts must take the prefill path";
    std::vector<float> ours = neox_test::all_logits(*model, prompt);
    worst_exact =
        std::max(worst_exact, worst_row_diff(ours.data(), &m.exact_logits[row * nv], prompt.size(), nv));
    worst_llama =
        std::max(worst_llama, worst_row_diff(ours.data(), &m.llama_logits[row * nv], prompt.size(), nv));
    row += prompt.size();
  }
  EXPECT_LE(worst_exact, kPrefillVsExact);
  EXPECT_LE(worst_llama, kVsLlamaCpp);
  std::printf("    %s prefill: max |diff| vs exact %.3g, vs llama.cpp %.3g\n", m.name.c_str(), worst_exact,
              worst_llama);
}

TEST_P(QuantizedModel, DecodeOneTokenAtATimeMatchesExact) {
  const QuantRefs& refs = quant_refs();
  const QuantModelRef& m = quant_model(GetParam());
  std::unique_ptr<neox::Model> model = neox::Model::load(m.path, neox_test::cpu_backend());
  const size_t nv = static_cast<size_t>(refs.n_vocab);
  double worst = 0;
  size_t row = 0;
  for (const auto& prompt : refs.prompts) {
    neox::KvCache cache(model->backend(), model->config(), 64);
    std::vector<float> logits(nv);
    for (size_t i = 0; i < prompt.size(); ++i, ++row) {
      model->forward(&prompt[i], 1, static_cast<int64_t>(i), cache, 1, logits.data());
      worst = std::max(worst, neox_test::max_abs_diff(logits.data(), &m.exact_logits[row * nv], nv));
    }
  }
  // Files whose matrices include Q4_K, Q5_K or Q6_K ones (every K-quant recipe).
  const bool superblock_acts = m.type.find("_K") != std::string::npos;
  EXPECT_LE(worst, superblock_acts ? kDecodeSuperblockVsExact : kDecodeVsExact);
  std::printf("    %s decode: max |diff| vs exact %.3g\n", m.name.c_str(), worst);
}

// llama.cpp's greedy continuation: teacher-forced (feed its tokens, compare
// our argmax where its top-1/top-2 margin exceeds kGreedyMargin), then
// free-running up to its first step with a smaller margin. Both sides round
// activations to 8 bits, so a logit may move by up to ~0.2 (ours) and ~0.3
// (llama.cpp) from the exact value; the top two move together for most of
// that, and a margin of 0.5 is not flipped on any fixture.
constexpr double kGreedyMargin = 0.5;
TEST_P(QuantizedModel, GreedyContinuationMatchesLlamaCpp) {
  const QuantRefs& refs = quant_refs();
  const QuantModelRef& m = quant_model(GetParam());
  std::unique_ptr<neox::Model> model = neox::Model::load(m.path, neox_test::cpu_backend());
  const int64_t nv = refs.n_vocab;
  const std::vector<int32_t>& prompt = refs.prompts[0];
  const double threshold = kGreedyMargin;
  size_t clear = 0;
  for (double margin : m.greedy_margins) clear += margin > threshold;
  EXPECT_GE(clear, 10u) << "too few clear steps to test greedy decoding";
  for (bool teacher_forced : {true, false}) {
    neox::KvCache cache(model->backend(), model->config(), 128);
    std::vector<float> logits(static_cast<size_t>(nv));
    model->forward(prompt.data(), static_cast<int64_t>(prompt.size()), 0, cache, 1, logits.data());
    int64_t pos = static_cast<int64_t>(prompt.size());
    for (size_t i = 0; i < m.greedy_tokens.size(); ++i) {
      const int32_t ours = neox_test::argmax(logits.data(), nv);
      if (m.greedy_margins[i] > threshold) {
        EXPECT_EQ(ours, m.greedy_tokens[i]) << (teacher_forced ? "teacher-forced" : "free-running")
                                            << " step " << i << ", llama.cpp margin " << m.greedy_margins[i];
      } else if (!teacher_forced) {
        break;
      }
      const int32_t next = teacher_forced ? m.greedy_tokens[i] : ours;
      model->forward(&next, 1, pos++, cache, 1, logits.data());
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, QuantizedModel, ::testing::ValuesIn(quant_model_names()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string s = info.param;
                           for (char& ch : s)
                             if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return s;
                         });

// The fixtures exercise every block type the engine computes with, and the
// weights stay in the file: the model counts the file's bytes, not f32 ones.
TEST(QuantizedModelFiles, CoverEveryTypeAndStayQuantized) {
  std::set<neox::DType> seen;
  for (const QuantModelRef& m : quant_refs().models) {
    neox::GgufFile g = neox::GgufFile::open(m.path);
    uint64_t tensor_bytes = 0;
    for (const neox::GgufTensor& t : g.tensors()) {
      seen.insert(t.type);
      tensor_bytes += t.nbytes;
    }
    std::unique_ptr<neox::Model> model = neox::Model::load(m.path, neox_test::cpu_backend());
    EXPECT_EQ(model->config().weight_bytes, tensor_bytes) << m.name;
    EXPECT_LT(model->config().weight_bytes, static_cast<uint64_t>(model->config().n_params) * 4 / 3)
        << m.name;
  }
  for (neox::DType t :
       {neox::DType::Q8_0, neox::DType::Q4_0, neox::DType::Q4_1, neox::DType::Q5_0, neox::DType::Q5_1,
        neox::DType::Q2_K, neox::DType::Q3_K, neox::DType::Q4_K, neox::DType::Q5_K, neox::DType::Q6_K})
    EXPECT_TRUE(seen.count(t)) << neox::dtype_name(t) << " is in no fixture";
}

}  // namespace
