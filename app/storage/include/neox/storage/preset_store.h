// Prompt presets (named system prompts) and few-shot presets (named sets of
// example exchanges placed before the user's message). Names are unique per kind.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "neox/storage/database.h"
#include "neox/storage/records.h"

namespace neox::storage {

class PresetStore {
 public:
  explicit PresetStore(Database& db) : db_(db) {}

  // Throws kInvalidArgument when the name is empty or taken.
  PromptPreset add_prompt(std::string_view name, std::string_view text);
  void update_prompt(int64_t id, std::string_view name, std::string_view text);
  std::optional<PromptPreset> find_prompt(int64_t id);
  std::vector<PromptPreset> prompts();  // by name
  void remove_prompt(int64_t id);

  FewShotPreset add_few_shot(std::string_view name, const std::vector<FewShotExample>& examples);
  void update_few_shot(int64_t id, std::string_view name, const std::vector<FewShotExample>& examples);
  std::optional<FewShotPreset> find_few_shot(int64_t id);
  std::vector<FewShotPreset> few_shots();  // by name
  void remove_few_shot(int64_t id);

 private:
  Database& db_;
};

}  // namespace neox::storage
