// The GPT-NeoX forward pass. Per layer (HF GPTNeoXLayer):
//   parallel residual (Pythia):  x = x + attn(ln1(x)) + mlp(ln2(x))
//   sequential residual:         x = x + attn(ln1(x));  x = x + mlp(ln2(x))
// attn: qkv = ln·Wqkvᵀ + b → q, k, v; rotary on q, k; k, v into the cache;
// causal softmax(q·kᵀ/√hd)·v over the cache; dense projection.
// mlp: dense_4h_to_h(gelu(dense_h_to_4h(ln))).
#include "model/gptneox_model.h"

#include <algorithm>
#include <utility>

#include "neox/error.h"

namespace neox::model {
namespace {

// Longest run of tokens pushed through the network at once: bounds the
// activation memory of a long prompt (the [chunk, n_ff] MLP buffer is the
// largest: 512 × 24576 × 4 B = 48 MB on NeoX-20B).
constexpr int64_t kMaxChunk = 512;

// Rows [row0, row0 + n) of an activation tensor, as a tensor of its own.
// Activations are host memory on the CPU backend, the only backend today; a
// device backend will need an offset view op here.
Tensor rows_view(const Tensor& t, int64_t row0, int64_t n) {
  Tensor v = t;
  v.rows = n;
  v.data = static_cast<float*>(t.data) + row0 * t.cols;
  return v;
}

const Tensor* bias_or_null(const Tensor& b) {
  return b.data ? &b : nullptr;
}

}  // namespace

GptNeoxModel::GptNeoxModel(ModelFiles files, Backend& backend) : files_(std::move(files)), backend_(backend) {
  w_ = load_gptneox_weights(files_, &backend_);
}

GptNeoxModel::~GptNeoxModel() {
  free_buffers();
}

void GptNeoxModel::free_buffers() {
  for (Tensor* t : {&act_.x, &act_.normed, &act_.qkv, &act_.q, &act_.k, &act_.v, &act_.attn, &act_.attn_out,
                    &act_.ff, &logits_})
    if (t->data) backend_.free(*t);
  act_.rows = 0;
  logit_rows_ = 0;
}

void GptNeoxModel::ensure_activations(int64_t rows) {
  if (rows <= act_.rows) return;
  const ModelConfig& c = files_.config;
  for (Tensor* t :
       {&act_.x, &act_.normed, &act_.qkv, &act_.q, &act_.k, &act_.v, &act_.attn, &act_.attn_out, &act_.ff})
    if (t->data) backend_.free(*t);
  act_.rows = 0;
  act_.x = backend_.alloc(rows, c.n_embd);
  act_.normed = backend_.alloc(rows, c.n_embd);
  act_.qkv = backend_.alloc(rows, 3 * c.n_embd);
  act_.q = backend_.alloc(rows, c.n_embd);
  act_.k = backend_.alloc(rows, c.n_embd);
  act_.v = backend_.alloc(rows, c.n_embd);
  act_.attn = backend_.alloc(rows, c.n_embd);
  act_.attn_out = backend_.alloc(rows, c.n_embd);
  act_.ff = backend_.alloc(rows, c.n_ff);
  act_.rows = rows;
}

void GptNeoxModel::ensure_logits(int64_t rows) {
  if (rows <= logit_rows_) return;
  if (logits_.data) backend_.free(logits_);
  logit_rows_ = 0;
  logits_ = backend_.alloc(rows, files_.config.n_vocab);
  logit_rows_ = rows;
}

void GptNeoxModel::forward(const int32_t* tokens, int64_t n, int64_t pos0, KvCache& cache, int64_t n_out,
                           float* logits) {
  const ModelConfig& c = files_.config;
  const std::string& where = files_.path;
  if (n < 0 || pos0 < 0) throw Error(where + ": forward: negative token count or position");
  if (n_out < 0 || n_out > n)
    throw Error(where + ": forward: asked for logits of " + std::to_string(n_out) + " of " +
                std::to_string(n) + " tokens");
  if (n_out > 0 && !logits) throw Error(where + ": forward: no logits buffer");
  if (cache.n_layer() != c.n_layer || cache.k(0).cols != c.n_embd)
    throw Error(where + ": forward: the KV cache was made for another model");
  if (n > cache.n_ctx() || pos0 > cache.n_ctx() - n)  // pos0 + n > n_ctx, without overflow
    throw Error(where + ": context is full: positions " + std::to_string(pos0) + ".." +
                std::to_string(pos0 + n) + " do not fit a context of " + std::to_string(cache.n_ctx()) +
                " tokens");
  // Check every id before any state changes.
  for (int64_t i = 0; i < n; ++i)
    if (tokens[i] < 0 || tokens[i] >= c.n_vocab)
      throw Error(where + ": token id " + std::to_string(tokens[i]) + " is out of range (the model has " +
                  std::to_string(c.n_vocab) + " tokens)");
  if (n == 0) return;

  const int64_t out_begin = n - n_out;  // first token whose logits are wanted
  for (int64_t c0 = 0; c0 < n; c0 += kMaxChunk) {
    const int64_t rows = std::min(kMaxChunk, n - c0);
    const int64_t out0 = std::clamp<int64_t>(out_begin - c0, 0, rows);  // first chunk row with logits
    float* chunk_logits = out0 < rows ? logits + (c0 + out0 - out_begin) * c.n_vocab : nullptr;
    forward_chunk(tokens + c0, rows, pos0 + c0, cache, out0, chunk_logits);
  }
}

void GptNeoxModel::forward_chunk(const int32_t* tokens, int64_t n, int64_t pos0, KvCache& cache, int64_t out0,
                                 float* logits) {
  const ModelConfig& c = files_.config;
  ensure_activations(n);
  Tensor x = rows_view(act_.x, 0, n);  // [n, n_embd]
  backend_.embedding(w_.embed, tokens, n, x);
  for (int64_t l = 0; l < c.n_layer; ++l) layer(w_.layers[static_cast<size_t>(l)], l, n, pos0, cache);

  const int64_t n_logits = n - out0;
  if (n_logits == 0) return;
  // Final norm and the output matrix only for the rows whose logits are wanted.
  ensure_logits(n_logits);
  Tensor last = rows_view(act_.x, out0, n_logits);
  Tensor normed = rows_view(act_.normed, 0, n_logits);
  Tensor out = rows_view(logits_, 0, n_logits);  // [n_logits, n_vocab]
  backend_.layer_norm(last, w_.out_norm_w, w_.out_norm_b, c.norm_eps, normed);
  backend_.matmul(normed, w_.output, nullptr, out);
  backend_.read_rows(out, 0, n_logits, logits);
}

void GptNeoxModel::layer(const GptNeoxLayer& l, int64_t layer_index, int64_t n, int64_t pos0,
                         KvCache& cache) {
  const ModelConfig& c = files_.config;
  const int n_head = static_cast<int>(c.n_head);
  const int head_dim = static_cast<int>(c.head_dim);
  Tensor x = rows_view(act_.x, 0, n);            // [n, n_embd]
  Tensor normed = rows_view(act_.normed, 0, n);  // [n, n_embd]
  Tensor qkv = rows_view(act_.qkv, 0, n);        // [n, 3*n_embd]
  Tensor q = rows_view(act_.q, 0, n);            // [n, n_embd]
  Tensor k = rows_view(act_.k, 0, n);
  Tensor v = rows_view(act_.v, 0, n);
  Tensor attn = rows_view(act_.attn, 0, n);          // [n, n_embd]
  Tensor attn_out = rows_view(act_.attn_out, 0, n);  // [n, n_embd]
  Tensor ff = rows_view(act_.ff, 0, n);              // [n, n_ff]
  Tensor& k_cache = cache.k(layer_index);            // [n_ctx, n_embd]
  Tensor& v_cache = cache.v(layer_index);

  // Attention branch.
  backend_.layer_norm(x, l.attn_norm_w, l.attn_norm_b, c.norm_eps, normed);
  backend_.matmul(normed, l.qkv_w, bias_or_null(l.qkv_b), qkv);
  backend_.split_qkv(qkv, c.qkv_layout, n_head, head_dim, q, k, v);
  backend_.rope(q, pos0, n_head, head_dim, static_cast<int>(c.n_rot), c.rope_base);
  backend_.rope(k, pos0, n_head, head_dim, static_cast<int>(c.n_rot), c.rope_base);
  backend_.copy_rows(k, k_cache, pos0);
  backend_.copy_rows(v, v_cache, pos0);
  backend_.attention(q, k_cache, v_cache, pos0, n_head, head_dim, attn);
  backend_.matmul(attn, l.attn_out_w, bias_or_null(l.attn_out_b), attn_out);

  // MLP branch: reads x before (parallel) or after (sequential) the attention
  // output is added. Its result lands in `normed`, free again once ff is computed.
  if (!c.parallel_residual) backend_.add(x, attn_out);
  backend_.layer_norm(x, l.ffn_norm_w, l.ffn_norm_b, c.norm_eps, normed);
  backend_.matmul(normed, l.up_w, &l.up_b, ff);
  backend_.gelu(ff, c.gelu_tanh);
  backend_.matmul(ff, l.down_w, &l.down_b, normed);
  if (c.parallel_residual) backend_.add(x, attn_out);
  backend_.add(x, normed);
}

}  // namespace neox::model
