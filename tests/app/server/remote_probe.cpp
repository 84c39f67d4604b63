// neox_remote_probe URL MODEL [--key K] [--max-tokens N] [--stop S]... [--user TEXT]
//                   [--top-logprobs N]:
// drives OpenAiClient against any OpenAI-compatible server and prints one
// JSON line {"models", "text", "pieces", "finish_reason", "tokens": [[text,
// logprob, [[alternative, logprob], ...]], ...]} for a script to compare with
// what that server answers on its own (remote_llamacpp_check.py).
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>

#include "neox/error.h"
#include "neox/server/openai_client.h"

int main(int argc, char** argv) {
  using namespace neox::server;
  if (argc < 3) {
    std::fprintf(
        stderr,
        "usage: neox_remote_probe URL MODEL [--key K] [--max-tokens N] [--stop S]... [--user TEXT] "
        "[--top-logprobs N]\n");
    return 2;
  }
  RemoteEndpoint endpoint;
  endpoint.base_url = argv[1];
  RemoteChatRequest request;
  request.model = argv[2];
  request.temperature = 0.0f;
  request.max_tokens = 16;
  std::string user = "Tell me about GPT-NeoX.";
  for (int i = 3; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--key"))
      endpoint.api_key = argv[i + 1];
    else if (!std::strcmp(argv[i], "--max-tokens"))
      request.max_tokens = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--stop"))
      request.stop.push_back(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--user"))
      user = argv[i + 1];
    else if (!std::strcmp(argv[i], "--top-logprobs"))
      request.top_logprobs = std::atoi(argv[i + 1]);
  }
  request.messages = {{"user", user}};
  try {
    OpenAiClient client(endpoint);
    const std::vector<std::string> models = client.list_models();
    int pieces = 0;
    const RemoteChatReply reply = client.chat(request, [&](std::string_view) { ++pieces; });
    nlohmann::json tokens = nlohmann::json::array();
    for (const RemoteTokenLogprob& t : reply.tokens) {
      nlohmann::json top = nlohmann::json::array();
      for (const auto& [text, logprob] : t.top) top.push_back({text, logprob});
      tokens.push_back({t.text, t.logprob, top});
    }
    const nlohmann::json out = {{"models", models},
                                {"text", reply.text},
                                {"pieces", pieces},
                                {"finish_reason", reply.finish_reason},
                                {"tokens", tokens}};
    std::printf("%s\n", out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    return 0;
  } catch (const neox::Error& e) {
    std::fprintf(stderr, "neox_remote_probe: %s\n", e.what());
    return 1;
  }
}
