// A chat template the user writes as text, for models none of the built-in
// templates fit. Placeholders: {{system}} (optional), {{user}}, {{assistant}}.
//
//   {{system}}                       <- the system part: up to the end of the
//                                       {{system}} line and the blank lines after it;
//   ### Instruction:                 <- the turn: the rest, repeated for each
//   {{user}}                            exchange; the last one ends where
//                                       {{assistant}} begins (the reply follows).
//   ### Response:
//   {{assistant}}
//
// Stop strings: the turn's text before {{user}} and after {{assistant}},
// each trimmed, when not empty (the model starting the next turn).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "neox/chat_template.h"

namespace neox::app {

class CustomChatTemplate {
 public:
  // nullopt unless the text has {{user}} followed by {{assistant}}.
  static std::optional<CustomChatTemplate> parse(std::string_view text);

  // messages: roles system/user/assistant (others are skipped). Ends with the
  // opening of the assistant's reply.
  std::string render(const std::vector<ChatMessage>& messages) const;
  const std::vector<std::string>& stop_strings() const { return stops_; }

 private:
  std::string system_;       // with {{system}}; empty: no system part
  std::string turn_before_;  // the turn up to {{user}}
  std::string turn_middle_;  // between {{user}} and {{assistant}}
  std::string turn_after_;   // after {{assistant}}
  std::vector<std::string> stops_;
};

}  // namespace neox::app
