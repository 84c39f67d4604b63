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
  for (Activations& a : acts_)
    for (Tensor* t : {&a.x, &a.normed, &a.qkv, &a.q, &a.k, &a.v, &a.attn, &a.attn_out, &a.ff})
      if (t->data) a.backend->free(*t);
  acts_.clear();
  if (logits_.data) logits_backend_->free(logits_);
  logit_rows_ = 0;
}

GptNeoxModel::Activations& GptNeoxModel::activations(Backend& b, int64_t rows) {
  Activations* found = nullptr;
  for (Activations& a : acts_)
    if (a.backend == &b) found = &a;
  if (!found) {
    acts_.reserve(2);  // at most two backends; references into acts_ stay valid
    found = &acts_.emplace_back();
    found->backend = &b;
  }
  Activations& a = *found;
  if (rows <= a.rows) return a;
  const ModelConfig& c = files_.config;
  for (Tensor* t : {&a.x, &a.normed, &a.qkv, &a.q, &a.k, &a.v, &a.attn, &a.attn_out, &a.ff})
    if (t->data) b.free(*t);
  a.rows = 0;
  a.x = b.alloc(rows, c.n_embd);
  a.normed = b.alloc(rows, c.n_embd);
  a.qkv = b.alloc(rows, 3 * c.n_embd);
  a.q = b.alloc(rows, c.n_embd);
  a.k = b.alloc(rows, c.n_embd);
  a.v = b.alloc(rows, c.n_embd);
  a.attn = b.alloc(rows, c.n_embd);
  a.attn_out = b.alloc(rows, c.n_embd);
  a.ff = b.alloc(rows, c.n_ff);
  a.rows = rows;
  return a;
}

void GptNeoxModel::ensure_logits(Backend& b, int64_t rows) {
  if (rows <= logit_rows_ && logits_backend_ == &b) return;
  if (logits_.data) logits_backend_->free(logits_);
  logit_rows_ = 0;
  logits_backend_ = &b;
  logits_ = b.alloc(rows, files_.config.n_vocab);
  logit_rows_ = rows;
}

GptNeoxModel::Activations& GptNeoxModel::hand_over(Activations& from, Backend& to, int64_t n) {
  if (from.backend == &to) return from;
  const int64_t d = files_.config.n_embd;
  // Activations of `to` first: growing acts_ must not move `from` (reserved for two).
  Activations& dst = activations(to, n);
  hand_over_.resize(static_cast<size_t>(n * d));
  from.backend->read_rows(from.x, 0, n, hand_over_.data());  // waits for `from`'s recorded work
  dst.backend->write_rows(dst.x, 0, n, hand_over_.data());
  return dst;
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
  Backend& first = backend_.layer_backend(-1);
  Activations* a = &activations(first, n);
  Tensor x = first.view_rows(a->x, 0, n);  // [n, n_embd]
  first.embedding(w_.embed, tokens, n, x);
  for (int64_t l = 0; l < c.n_layer; ++l) {
    a = &hand_over(*a, backend_.layer_backend(l), n);
    layer(*a, w_.layers[static_cast<size_t>(l)], l, n, pos0, cache);
  }

  const int64_t n_logits = n - out0;
  if (n_logits == 0) {
    a->backend->synchronize();  // the KV cache is written before forward() returns
    return;
  }
  // Final norm and the output matrix only for the rows whose logits are wanted.
  Backend& b = backend_.layer_backend(c.n_layer);
  a = &hand_over(*a, b, n);
  ensure_logits(b, n_logits);
  Tensor last = b.view_rows(a->x, out0, n_logits);
  Tensor normed = b.view_rows(a->normed, 0, n_logits);
  Tensor out = b.view_rows(logits_, 0, n_logits);  // [n_logits, n_vocab]
  b.layer_norm(last, w_.out_norm_w, w_.out_norm_b, c.norm_eps, normed);
  b.matmul(normed, w_.output, nullptr, out);
  b.read_rows(out, 0, n_logits, logits);
}

void GptNeoxModel::layer(Activations& a, const GptNeoxLayer& l, int64_t layer_index, int64_t n, int64_t pos0,
                         KvCache& cache) {
  const ModelConfig& c = files_.config;
  const int n_head = static_cast<int>(c.n_head);
  const int head_dim = static_cast<int>(c.head_dim);
  Backend& be = *a.backend;
  Tensor x = be.view_rows(a.x, 0, n);            // [n, n_embd]
  Tensor normed = be.view_rows(a.normed, 0, n);  // [n, n_embd]
  Tensor qkv = be.view_rows(a.qkv, 0, n);        // [n, 3*n_embd]
  Tensor q = be.view_rows(a.q, 0, n);            // [n, n_embd]
  Tensor k = be.view_rows(a.k, 0, n);
  Tensor v = be.view_rows(a.v, 0, n);
  Tensor attn = be.view_rows(a.attn, 0, n);          // [n, n_embd]
  Tensor attn_out = be.view_rows(a.attn_out, 0, n);  // [n, n_embd]
  Tensor ff = be.view_rows(a.ff, 0, n);              // [n, n_ff]
  Tensor& k_cache = cache.k(layer_index);            // [n_ctx, n_embd]
  Tensor& v_cache = cache.v(layer_index);

  // Attention branch.
  be.layer_norm(x, l.attn_norm_w, l.attn_norm_b, c.norm_eps, normed);
  be.matmul(normed, l.qkv_w, bias_or_null(l.qkv_b), qkv);
  be.split_qkv(qkv, c.qkv_layout, n_head, head_dim, q, k, v);
  be.rope(q, pos0, n_head, head_dim, static_cast<int>(c.n_rot), c.rope_base);
  be.rope(k, pos0, n_head, head_dim, static_cast<int>(c.n_rot), c.rope_base);
  be.copy_rows(k, k_cache, pos0);
  be.copy_rows(v, v_cache, pos0);
  be.attention(q, k_cache, v_cache, pos0, n_head, head_dim, attn);
  be.matmul(attn, l.attn_out_w, bias_or_null(l.attn_out_b), attn_out);

  // MLP branch: reads x before (parallel) or after (sequential) the attention
  // output is added. Its result lands in `normed`, free again once ff is computed.
  if (!c.parallel_residual) be.add(x, attn_out);
  be.layer_norm(x, l.ffn_norm_w, l.ffn_norm_b, c.norm_eps, normed);
  be.matmul(normed, l.up_w, &l.up_b, ff);
  be.gelu(ff, c.gelu_tanh);
  be.matmul(ff, l.down_w, &l.down_b, normed);
  if (c.parallel_residual) be.add(x, attn_out);
  be.add(x, normed);
}

}  // namespace neox::model
