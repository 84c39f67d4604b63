// Built-in chat prompt formats; see neox/chat_template.h.
#include "neox/chat_template.h"

#include <algorithm>
#include <cctype>

#include "neox/error.h"
#include "neox/model.h"

namespace neox {

namespace {

struct NamedKind {
  const char* name;
  ChatTemplate::Kind kind;
};
constexpr NamedKind kTemplates[] = {
    {"raw", ChatTemplate::Kind::kRaw},           {"openassistant", ChatTemplate::Kind::kOpenAssistant},
    {"redpajama", ChatTemplate::Kind::kRedPajama}, {"dolly", ChatTemplate::Kind::kDolly},
    {"stablelm", ChatTemplate::Kind::kStableLm}, {"chatml", ChatTemplate::Kind::kChatMl},
};

// Dolly-v2's training format (databricks/dolly, instruct_pipeline.py).
constexpr const char* kDollyIntro =
    "Below is an instruction that describes a task. Write a response that appropriately completes the "
    "request.";

// StableLM-Tuned-Alpha's published system prompt.
constexpr const char* kStableLmSystem =
    "# StableLM Tuned (Alpha version)\n"
    "- StableLM is a helpful and harmless open-source AI language model developed by StabilityAI.\n"
    "- StableLM is excited to be able to help the user, but will refuse to do anything that could be "
    "considered harmful to the user.\n"
    "- StableLM is more than just an information source, StableLM is also able to write poetry, short "
    "stories, and make jokes.\n"
    "- StableLM will refuse to participate in anything that could harm a human.\n";

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

ChatTemplate::ChatTemplate(Kind kind) : kind_(kind) {
  for (const auto& t : kTemplates)
    if (t.kind == kind) name_ = t.name;
  switch (kind) {
    case Kind::kRaw:
      break;
    case Kind::kOpenAssistant:
      stops_ = {"<|endoftext|>", "<|prompter|>"};
      break;
    case Kind::kRedPajama:
      stops_ = {"<human>:", "\n<human>", "<bot>:"};
      break;
    case Kind::kDolly:
      stops_ = {"### End", "### Instruction:"};
      default_system_ = kDollyIntro;
      break;
    case Kind::kStableLm:
      stops_ = {"<|USER|>", "<|SYSTEM|>", "<|ASSISTANT|>", "<|endoftext|>"};
      default_system_ = kStableLmSystem;
      break;
    case Kind::kChatMl:
      stops_ = {"<|im_end|>", "<|im_start|>"};
      break;
  }
}

ChatTemplate ChatTemplate::by_name(std::string_view name) {
  const std::string wanted = lower(name);
  for (const auto& t : kTemplates)
    if (wanted == t.name) return ChatTemplate(t.kind);
  std::string known;
  for (const auto& t : kTemplates) known += std::string(known.empty() ? "" : ", ") + t.name;
  throw Error("unknown chat template \"" + std::string(name) + "\" (known: " + known + ")");
}

std::vector<std::string> ChatTemplate::names() {
  std::vector<std::string> out;
  for (const auto& t : kTemplates) out.emplace_back(t.name);
  return out;
}

std::string ChatTemplate::render(const std::vector<ChatMessage>& messages, bool add_generation_prompt) const {
  for (const auto& m : messages)
    if (m.role != "system" && m.role != "user" && m.role != "assistant")
      throw Error("chat message has role \"" + m.role + "\" (expected system, user or assistant)");

  // The system text: the conversation's own, else the template's default.
  std::string system = default_system_;
  for (const auto& m : messages)
    if (m.role == "system") system = m.content;

  std::string out;
  switch (kind_) {
    case Kind::kRaw:
      for (const auto& m : messages) {
        if (!out.empty()) out += "\n";
        out += m.content;
      }
      if (add_generation_prompt && !out.empty()) out += "\n";
      return out;

    case Kind::kOpenAssistant:
      if (!system.empty()) out += "<|system|>" + system + "<|endoftext|>";
      for (const auto& m : messages) {
        if (m.role == "user") out += "<|prompter|>" + m.content + "<|endoftext|>";
        if (m.role == "assistant") out += "<|assistant|>" + m.content + "<|endoftext|>";
      }
      if (add_generation_prompt) out += "<|assistant|>";
      return out;

    case Kind::kRedPajama:
      if (!system.empty()) out += system + "\n";
      for (const auto& m : messages) {
        if (m.role == "user") out += "<human>: " + m.content + "\n";
        if (m.role == "assistant") out += "<bot>: " + m.content + "\n";
      }
      if (add_generation_prompt) out += "<bot>:";
      return out;

    case Kind::kDolly:
      // Each exchange is one instruction/response block with the preamble.
      for (const auto& m : messages) {
        if (m.role == "user")
          out += system + "\n\n### Instruction:\n" + m.content + "\n\n### Response:\n";
        if (m.role == "assistant") out += m.content + "\n\n### End\n\n";
      }
      if (!add_generation_prompt && out.ends_with("### Response:\n")) out.resize(out.size() - 14);
      return out;

    case Kind::kStableLm:
      if (!system.empty()) out += "<|SYSTEM|>" + system;
      for (const auto& m : messages) {
        if (m.role == "user") out += "<|USER|>" + m.content;
        if (m.role == "assistant") out += "<|ASSISTANT|>" + m.content;
      }
      if (add_generation_prompt) out += "<|ASSISTANT|>";
      return out;

    case Kind::kChatMl:
      for (const auto& m : messages) out += "<|im_start|>" + m.role + "\n" + m.content + "<|im_end|>\n";
      if (add_generation_prompt) out += "<|im_start|>assistant\n";
      return out;
  }
  return out;
}

std::string guess_chat_template(std::string_view model_name) {
  const std::string n = lower(model_name);
  if (contains(n, "oasst") || contains(n, "openassistant")) return "openassistant";
  if (contains(n, "dolly")) return "dolly";
  if ((contains(n, "redpajama") && contains(n, "chat")) || contains(n, "neoxt-chat")) return "redpajama";
  if (contains(n, "stablelm") && contains(n, "tuned")) return "stablelm";
  if (contains(n, "chatml")) return "chatml";
  return "raw";
}

std::string guess_chat_template(const ModelConfig& config) { return guess_chat_template(config.name); }

}  // namespace neox
