// Entry points: Model::load and read_model_config.
#include "neox/model.h"

#include "model/gptneox_model.h"
#include "model/gptneox_weights.h"
#include "model/model_files.h"

namespace neox {

std::unique_ptr<Model> Model::load(const std::string& path, Backend& backend) {
  return std::make_unique<model::GptNeoxModel>(model::open_model_files(path), backend);
}

ModelConfig read_model_config(const std::string& path) {
  model::ModelFiles files = model::open_model_files(path);
  model::load_gptneox_weights(files, nullptr);  // validates and counts; reads no weight data
  return files.config;
}

}  // namespace neox
