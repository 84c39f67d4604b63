// Built-in chat templates: exact renderings and model-name guesses.
#include <gtest/gtest.h>

#include "neox/chat_template.h"
#include "neox/error.h"

namespace neox {
namespace {

const std::vector<ChatMessage> kTurns = {{"user", "Hi"}, {"assistant", "Hello!"}, {"user", "Why?"}};

TEST(ChatTemplate, OpenAssistant) {
  EXPECT_EQ(ChatTemplate::by_name("openassistant").render(kTurns),
            "<|prompter|>Hi<|endoftext|><|assistant|>Hello!<|endoftext|><|prompter|>Why?<|endoftext|><|assistant|>");
}

TEST(ChatTemplate, RedPajama) {
  EXPECT_EQ(ChatTemplate::by_name("redpajama").render(kTurns), "<human>: Hi\n<bot>: Hello!\n<human>: Why?\n<bot>:");
}

TEST(ChatTemplate, DollyUsesItsPreamble) {
  const std::string out = ChatTemplate::by_name("dolly").render({{"user", "Name a color."}});
  EXPECT_EQ(out,
            "Below is an instruction that describes a task. Write a response that appropriately completes the "
            "request.\n\n### Instruction:\nName a color.\n\n### Response:\n");
}

TEST(ChatTemplate, StableLmAndChatMlWithSystem) {
  const std::vector<ChatMessage> msgs = {{"system", "Be brief."}, {"user", "Hi"}};
  EXPECT_EQ(ChatTemplate::by_name("stablelm").render(msgs), "<|SYSTEM|>Be brief.<|USER|>Hi<|ASSISTANT|>");
  EXPECT_EQ(ChatTemplate::by_name("chatml").render(msgs),
            "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
  EXPECT_EQ(ChatTemplate::by_name("stablelm").stop_strings().front(), "<|USER|>");
}

TEST(ChatTemplate, UnknownNameAndRoleThrow) {
  EXPECT_THROW(ChatTemplate::by_name("nope"), Error);
  EXPECT_THROW(ChatTemplate::by_name("raw").render({{"robot", "x"}}), Error);
}

TEST(ChatTemplate, GuessFromModelName) {
  EXPECT_EQ(guess_chat_template("oasst-sft-4-pythia-12b-epoch-3.5"), "openassistant");
  EXPECT_EQ(guess_chat_template("RedPajama-INCITE-Chat-3B-v1"), "redpajama");
  EXPECT_EQ(guess_chat_template("GPT-NeoXT-Chat-Base-20B"), "redpajama");
  EXPECT_EQ(guess_chat_template("dolly-v2-3b"), "dolly");
  EXPECT_EQ(guess_chat_template("stablelm-tuned-alpha-7b"), "stablelm");
  EXPECT_EQ(guess_chat_template("pythia-70m"), "raw");
  EXPECT_EQ(guess_chat_template("RedPajama-INCITE-Base-3B-v1"), "raw");
}

}  // namespace
}  // namespace neox
