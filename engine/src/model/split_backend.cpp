// Partial offload: a Backend made of two, layers [0, n_first) on the first
// (a GPU backend), everything else on the second (the CPU). The model asks
// layer_backend() where each layer lives and hands the residual stream over
// with read_rows()/write_rows(); ops called on the split itself run on the
// second part (it holds the embedding and the output).
#include <utility>

#include "neox/error.h"
#include "neox/forwarding_backend.h"

namespace neox {
namespace {

class SplitBackend final : public ForwardingBackend {
 public:
  SplitBackend(std::shared_ptr<Backend> first, std::shared_ptr<Backend> rest, int64_t n_first)
      : ForwardingBackend(std::move(rest)), first_(std::move(first)), n_first_(n_first) {
    if (!first_) throw Error("split backend: both parts are required");
  }

  std::string name() const override {
    return first_->name() + " (" + std::to_string(n_first_) + " layers) + " + inner().name();
  }
  std::string device_name() const override { return first_->device_name() + " + " + inner().device_name(); }
  Backend& layer_backend(int64_t layer) override {
    return layer >= 0 && layer < n_first_ ? *first_ : inner();
  }
  void synchronize() override {
    first_->synchronize();
    inner().synchronize();
  }
  // Every other call (alloc, the embedding, the output) runs on the second part.

 private:
  std::shared_ptr<Backend> first_;
  int64_t n_first_;
};

}  // namespace

std::unique_ptr<Backend> make_split_backend(std::shared_ptr<Backend> first, std::shared_ptr<Backend> rest,
                                            int64_t n_first) {
  return std::make_unique<SplitBackend>(std::move(first), std::move(rest), n_first);
}

}  // namespace neox
