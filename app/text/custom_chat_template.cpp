#include "text/custom_chat_template.h"

namespace neox::app {

namespace {

constexpr std::string_view kSystem = "{{system}}";
constexpr std::string_view kUser = "{{user}}";
constexpr std::string_view kAssistant = "{{assistant}}";

std::string trimmed(std::string_view s) {
  const size_t first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const size_t last = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(first, last - first + 1));
}

std::string replaced(std::string text, std::string_view placeholder, std::string_view value) {
  for (size_t at = text.find(placeholder); at != std::string::npos;
       at = text.find(placeholder, at + value.size())) {
    text.replace(at, placeholder.size(), value);
  }
  return text;
}

}  // namespace

std::optional<CustomChatTemplate> CustomChatTemplate::parse(std::string_view text) {
  CustomChatTemplate t;
  std::string_view turn = text;
  if (const size_t system = text.find(kSystem); system != std::string_view::npos) {
    // The system part runs to the end of its line and the blank lines after it.
    size_t end = text.find('\n', system + kSystem.size());
    end = end == std::string_view::npos ? text.size() : end + 1;
    while (end < text.size() && (text[end] == '\n' || text[end] == '\r')) ++end;
    t.system_ = std::string(text.substr(0, end));
    turn = text.substr(end);
  }
  const size_t user = turn.find(kUser);
  if (user == std::string_view::npos) return std::nullopt;
  const size_t assistant = turn.find(kAssistant, user + kUser.size());
  if (assistant == std::string_view::npos) return std::nullopt;
  t.turn_before_ = std::string(turn.substr(0, user));
  t.turn_middle_ = std::string(turn.substr(user + kUser.size(), assistant - user - kUser.size()));
  t.turn_after_ = std::string(turn.substr(assistant + kAssistant.size()));
  for (const std::string& stop : {trimmed(t.turn_before_), trimmed(t.turn_after_)}) {
    if (!stop.empty()) t.stops_.push_back(stop);
  }
  return t;
}

std::string CustomChatTemplate::render(const std::vector<ChatMessage>& messages) const {
  std::string out;
  for (const ChatMessage& m : messages) {
    if (m.role == "system") {
      if (!system_.empty() && !m.content.empty()) out += replaced(system_, kSystem, m.content);
    } else if (m.role == "user") {
      out += turn_before_ + m.content + turn_middle_;
    } else if (m.role == "assistant") {
      out += m.content + turn_after_;
    }
  }
  return out;
}

}  // namespace neox::app
