#include "model/weight_source.h"

#include <utility>

namespace neox::model {
namespace {

class GgufSource : public WeightSource {
 public:
  explicit GgufSource(std::shared_ptr<const GgufFile> gguf) : gguf_(std::move(gguf)) {}

  std::optional<RawTensor> find(std::string_view name) const override {
    const GgufTensor* t = gguf_->find_tensor(name);
    if (!t) return std::nullopt;
    RawTensor r;
    r.name = t->name;
    r.file = gguf_->path();
    r.type_name = dtype_name(t->type);
    if (dtype_is_supported_weight(t->type)) r.dtype = t->type;
    std::optional<DTypeLayout> layout = dtype_layout(static_cast<uint32_t>(t->type));
    r.quantized = layout && layout->block_elems > 1;
    // GGML lists the contiguous dimension first; reverse to row-major order.
    r.shape.assign(t->shape.rbegin(), t->shape.rend());
    r.data = t->data;
    r.nbytes = t->nbytes;
    return r;
  }

  std::string where(std::string_view) const override { return gguf_->path(); }

 private:
  std::shared_ptr<const GgufFile> gguf_;
};

class SafetensorsSource : public WeightSource {
 public:
  explicit SafetensorsSource(SafetensorsCheckpoint checkpoint) : checkpoint_(std::move(checkpoint)) {}

  std::optional<RawTensor> find(std::string_view name) const override {
    const SafetensorsTensor* t = checkpoint_.find_tensor(name);
    if (!t) return std::nullopt;
    RawTensor r;
    r.name = t->name;
    r.file = checkpoint_.file_of(name);
    r.type_name = t->dtype_name;
    r.dtype = t->dtype;
    r.shape = t->shape;
    r.data = t->data;
    r.nbytes = t->nbytes;
    return r;
  }

  std::string where(std::string_view name) const override { return checkpoint_.file_of(name); }

 private:
  SafetensorsCheckpoint checkpoint_;
};

}  // namespace

std::unique_ptr<WeightSource> make_gguf_source(std::shared_ptr<const GgufFile> gguf) {
  return std::make_unique<GgufSource>(std::move(gguf));
}

std::unique_ptr<WeightSource> make_safetensors_source(const std::string& folder) {
  return std::make_unique<SafetensorsSource>(SafetensorsCheckpoint::open_folder(folder));
}

}  // namespace neox::model
