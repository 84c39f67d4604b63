// Built-in chat prompt formats of the GPT-NeoX family, each with the stop
// strings that end an assistant turn. A template renders a whole conversation
// ending with the opening of the assistant's turn; the session's prefix reuse
// means re-rendering the conversation each turn costs only the new tokens.
//
//   raw               base models: the messages' text, one per line
//   openassistant     <|prompter|>Q<|endoftext|><|assistant|>A<|endoftext|>
//   redpajama         <human>: Q\n<bot>: A\n     (RedPajama-INCITE-Chat, GPT-NeoXT-Chat)
//   dolly             Dolly-v2: preamble, ### Instruction:, ### Response:, ### End
//   stablelm          StableLM-Tuned-Alpha: <|SYSTEM|>…<|USER|>Q<|ASSISTANT|>A
//   chatml            <|im_start|>role\ncontent<|im_end|>\n
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace neox {

struct ModelConfig;

struct ChatMessage {
  std::string role;  // "system", "user" or "assistant"
  std::string content;
};

class ChatTemplate {
 public:
  enum class Kind { kRaw, kOpenAssistant, kRedPajama, kDolly, kStableLm, kChatMl };

  // Throws neox::Error for an unknown name, listing the known ones.
  static ChatTemplate by_name(std::string_view name);
  static std::vector<std::string> names();

  Kind kind() const { return kind_; }
  const std::string& name() const { return name_; }
  // Strings that end the assistant's turn (never shown to the user).
  const std::vector<std::string>& stop_strings() const { return stops_; }
  // The system prompt used when the conversation has none ("" for most).
  const std::string& default_system() const { return default_system_; }

  // The conversation as the model was trained to see it; with
  // add_generation_prompt the text ends where the assistant's reply begins.
  // Throws neox::Error for a role other than system/user/assistant.
  std::string render(const std::vector<ChatMessage>& messages, bool add_generation_prompt = true) const;

 private:
  explicit ChatTemplate(Kind kind);
  Kind kind_;
  std::string name_;
  std::vector<std::string> stops_;
  std::string default_system_;
};

// The template a model was tuned with, from its name (general.name or the
// folder name): "oasst"/"openassistant" → openassistant, "dolly" → dolly,
// "redpajama…chat"/"neoxt-chat" → redpajama, "stablelm…tuned" → stablelm,
// "chatml" → chatml; anything else → raw.
std::string guess_chat_template(std::string_view model_name);
std::string guess_chat_template(const ModelConfig& config);

}  // namespace neox
