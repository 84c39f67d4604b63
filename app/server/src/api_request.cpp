#include "neox/server/api_request.h"

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

namespace neox::server {
namespace {

using nlohmann::json;

const char* type_name(const json& v) {
  if (v.is_string()) return "a string";
  if (v.is_boolean()) return "a boolean";
  if (v.is_number_integer()) return "an integer";
  if (v.is_number()) return "a number";
  if (v.is_array()) return "an array";
  if (v.is_object()) return "an object";
  return "null";
}

// The field, or null when absent or JSON null (OpenAI treats both as "use the default").
const json* field(const json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

[[noreturn]] void wrong_type(const std::string& param, const json& v, const char* expected) {
  throw_invalid(param, "'" + param + "' must be " + expected + ", not " + type_name(v), "invalid_type");
}

bool read_bool(const json& object, const char* name, bool fallback) {
  const json* v = field(object, name);
  if (!v) return fallback;
  if (!v->is_boolean()) wrong_type(name, *v, "a boolean");
  return v->get<bool>();
}

float read_number(const json& object, const char* name, float fallback, double lo, double hi) {
  const json* v = field(object, name);
  if (!v) return fallback;
  if (!v->is_number()) wrong_type(name, *v, "a number");
  const double x = v->get<double>();
  if (!(x >= lo && x <= hi))  // also refuses NaN
    throw_invalid(name, "'" + std::string(name) + "' must be between " + json(lo).dump() + " and " +
                            json(hi).dump() + ", not " + v->dump());
  return static_cast<float>(x);
}

// An integer in [lo, hi]; 2.0 is not an integer here (OpenAI refuses it too).
int64_t as_integer(const std::string& param, const json& v, int64_t lo, int64_t hi) {
  if (!v.is_number_integer()) wrong_type(param, v, "an integer");
  if (v.is_number_unsigned() &&
      v.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
    throw_invalid(param, "'" + param + "' is out of range: " + v.dump());
  const int64_t x = v.get<int64_t>();
  if (x < lo || x > hi)
    throw_invalid(param, "'" + param + "' must be between " + std::to_string(lo) + " and " +
                             std::to_string(hi) + ", not " + std::to_string(x));
  return x;
}

std::optional<int64_t> read_integer(const json& object, const char* name, int64_t lo, int64_t hi) {
  const json* v = field(object, name);
  if (!v) return std::nullopt;
  return as_integer(name, *v, lo, hi);
}

void refuse_unsupported(const json& object, const char* name, const std::string& why) {
  throw_invalid(name, "'" + std::string(name) + "' " + why, "unsupported_parameter");
}

std::vector<std::string> read_stop(const json& object, const RequestLimits& limits) {
  std::vector<std::string> stops;
  const json* v = field(object, "stop");
  if (!v) return stops;
  auto add = [&](const json& s) {
    if (!s.is_string()) wrong_type("stop", s, "a string or an array of strings");
    const std::string& text = s.get_ref<const std::string&>();
    if (text.size() > limits.max_stop_bytes)
      throw_invalid("stop",
                    "a stop string may be at most " + std::to_string(limits.max_stop_bytes) + " bytes");
    if (!text.empty()) stops.push_back(text);  // "" could never be "found"; OpenAI ignores it too
  };
  if (v->is_array()) {
    if (v->size() > limits.max_stop_strings)
      throw_invalid("stop", "at most " + std::to_string(limits.max_stop_strings) + " stop strings, not " +
                                std::to_string(v->size()));
    for (const json& s : *v) add(s);
  } else {
    add(*v);
  }
  return stops;
}

std::map<int32_t, float> read_logit_bias(const json& object, const RequestLimits& limits) {
  std::map<int32_t, float> bias;
  const json* v = field(object, "logit_bias");
  if (!v) return bias;
  if (!v->is_object()) wrong_type("logit_bias", *v, "an object of token id → bias");
  if (v->size() > limits.max_logit_bias)
    throw_invalid("logit_bias", "at most " + std::to_string(limits.max_logit_bias) + " entries");
  for (const auto& [key, value] : v->items()) {
    // Keys are token ids written as decimal strings, as OpenAI's are.
    if (key.empty() || key.size() > 10 || key.find_first_not_of("0123456789") != std::string::npos ||
        std::stoll(key) > std::numeric_limits<int32_t>::max())
      throw_invalid("logit_bias",
                    "logit_bias keys must be token ids (decimal integers), not \"" + key + "\"");
    if (!value.is_number()) wrong_type("logit_bias", value, "a number");
    const double b = value.get<double>();
    if (!(b >= -100.0 && b <= 100.0))
      throw_invalid("logit_bias", "logit_bias values must be between -100 and 100, not " + value.dump());
    bias[static_cast<int32_t>(std::stoll(key))] = static_cast<float>(b);
  }
  return bias;
}

std::vector<int32_t> read_token_ids(const json& array) {
  std::vector<int32_t> ids;
  ids.reserve(array.size());
  for (const json& t : array)
    ids.push_back(static_cast<int32_t>(as_integer("prompt", t, 0, std::numeric_limits<int32_t>::max())));
  return ids;
}

void read_prompt(const json& object, CompletionRequest& r) {
  const json* v = field(object, "prompt");
  if (!v) throw_invalid("prompt", "'prompt' is required", "missing_required_parameter");
  if (v->is_string()) {
    r.prompt = v->get<std::string>();
    return;
  }
  if (!v->is_array() || v->empty())
    throw_invalid("prompt", "'prompt' must be a string, an array of token ids, or an array of one of those",
                  "invalid_type");
  const json& first = v->front();
  if (first.is_number()) {
    r.prompt_tokens = read_token_ids(*v);
    r.prompt_is_tokens = true;
    return;
  }
  if (v->size() != 1)
    throw_invalid("prompt", "only one prompt per request is supported (n = 1)", "unsupported_value");
  if (first.is_string()) {
    r.prompt = first.get<std::string>();
  } else if (first.is_array()) {
    if (first.empty()) throw_invalid("prompt", "the prompt has no tokens");
    r.prompt_tokens = read_token_ids(first);
    r.prompt_is_tokens = true;
  } else {
    throw_invalid("prompt", "'prompt' must be a string, an array of token ids, or an array of one of those",
                  "invalid_type");
  }
}

std::string read_content(const json& message, size_t index) {
  const std::string param = "messages[" + std::to_string(index) + "].content";
  const json* content = field(message, "content");
  if (!content) return "";  // an assistant turn that only called tools has null content
  if (content->is_string()) return content->get<std::string>();
  if (!content->is_array()) wrong_type(param, *content, "a string or an array of content parts");
  std::string text;
  for (const json& part : *content) {
    if (!part.is_object()) wrong_type(param, part, "an array of content parts");
    const json* type = field(part, "type");
    if (!type || !type->is_string() || type->get_ref<const std::string&>() != "text")
      throw_invalid(param, "only text content parts ({\"type\": \"text\", \"text\": ...}) are supported",
                    "unsupported_value");
    const json* t = field(part, "text");
    if (!t || !t->is_string()) throw_invalid(param, "a text part needs a string 'text'");
    text += t->get_ref<const std::string&>();
  }
  return text;
}

void read_messages(const json& object, CompletionRequest& r, const RequestLimits& limits) {
  const json* v = field(object, "messages");
  if (!v) throw_invalid("messages", "'messages' is required", "missing_required_parameter");
  if (!v->is_array()) wrong_type("messages", *v, "an array");
  if (v->empty()) throw_invalid("messages", "'messages' must not be empty");
  if (v->size() > limits.max_messages)
    throw_invalid("messages", "at most " + std::to_string(limits.max_messages) + " messages");
  for (size_t i = 0; i < v->size(); ++i) {
    const json& m = (*v)[i];
    const std::string param = "messages[" + std::to_string(i) + "]";
    if (!m.is_object()) wrong_type(param, m, "an object");
    const json* role = field(m, "role");
    if (!role || !role->is_string()) throw_invalid(param + ".role", "each message needs a string 'role'");
    std::string name = role->get<std::string>();
    if (name == "developer") name = "system";  // OpenAI's newer name for the system turn
    if (name != "system" && name != "user" && name != "assistant")
      throw_invalid(
          param + ".role",
          "role must be system, developer, user or assistant (tools are not supported), not \"" + name + "\"",
          "unsupported_value");
    r.messages.push_back({name, read_content(m, i)});
  }
}

}  // namespace

int json_nesting_depth(std::string_view text) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

CompletionRequest parse_completion_request(Endpoint endpoint, std::string_view body,
                                           const RequestLimits& limits) {
  if (json_nesting_depth(body) > limits.max_json_depth)
    throw_invalid("",
                  "the JSON body is nested deeper than " + std::to_string(limits.max_json_depth) + " levels",
                  "invalid_json");
  json j;
  try {
    j = json::parse(body.begin(), body.end());
  } catch (const json::exception& e) {
    throw_invalid("", std::string("the body is not valid JSON: ") + e.what(), "invalid_json");
  }
  if (!j.is_object())
    throw_invalid("", "the body must be a JSON object, not " + std::string(type_name(j)), "invalid_json");

  CompletionRequest r;
  r.endpoint = endpoint;
  const bool chat = endpoint == Endpoint::kChatCompletions;
  if (const json* model = field(j, "model")) {
    if (!model->is_string()) wrong_type("model", *model, "a string");
    r.model = model->get<std::string>();
  }
  if (chat)
    read_messages(j, r, limits);
  else
    read_prompt(j, r);

  constexpr int64_t kMaxTokens = std::numeric_limits<int32_t>::max();
  std::optional<int64_t> max_tokens = read_integer(j, "max_tokens", 1, kMaxTokens);
  if (chat) {
    if (auto newer = read_integer(j, "max_completion_tokens", 1, kMaxTokens)) max_tokens = newer;
  }
  // OpenAI's defaults: 16 for completions, the rest of the context for chat.
  r.max_tokens = static_cast<int>(max_tokens.value_or(chat ? -1 : 16));

  r.temperature = read_number(j, "temperature", 1.0f, 0.0, 2.0);
  r.top_p = read_number(j, "top_p", 1.0f, 0.0, 1.0);
  r.presence_penalty = read_number(j, "presence_penalty", 0.0f, -2.0, 2.0);
  r.frequency_penalty = read_number(j, "frequency_penalty", 0.0f, -2.0, 2.0);
  r.stop = read_stop(j, limits);
  r.logit_bias = read_logit_bias(j, limits);
  if (const json* seed = field(j, "seed")) {
    if (!seed->is_number_integer()) wrong_type("seed", *seed, "an integer");
    // Negative seeds are as good as any: keep their bits.
    r.seed = seed->is_number_unsigned() ? seed->get<uint64_t>() : static_cast<uint64_t>(seed->get<int64_t>());
  }

  if (chat) {
    r.logprobs = read_bool(j, "logprobs", false);
    if (auto top = read_integer(j, "top_logprobs", 0, limits.max_top_logprobs)) {
      if (!r.logprobs) throw_invalid("top_logprobs", "'top_logprobs' needs 'logprobs': true");
      r.top_logprobs = static_cast<int>(*top);
    }
  } else if (auto n = read_integer(j, "logprobs", 0, limits.max_completion_logprobs)) {
    r.logprobs = true;
    r.top_logprobs = static_cast<int>(*n);
  }

  r.stream = read_bool(j, "stream", false);
  if (const json* options = field(j, "stream_options")) {
    if (!options->is_object()) wrong_type("stream_options", *options, "an object");
    r.include_usage = read_bool(*options, "include_usage", false);
  }

  // Things we cannot do are refused, not ignored: a client relying on them
  // would otherwise get a quietly different answer.
  if (auto n = read_integer(j, "n", 1, 128); n && *n != 1)
    refuse_unsupported(j, "n", "must be 1 (one choice per request)");
  if (!chat) {
    if (auto best_of = read_integer(j, "best_of", 1, 128); best_of && *best_of != 1)
      refuse_unsupported(j, "best_of", "must be 1");
    if (read_bool(j, "echo", false)) refuse_unsupported(j, "echo", "is not supported");
    if (const json* suffix = field(j, "suffix");
        suffix && !(suffix->is_string() && suffix->get_ref<const std::string&>().empty()))
      refuse_unsupported(j, "suffix", "is not supported");
  } else {
    for (const char* name : {"tools", "functions"}) {
      const json* v = field(j, name);
      if (v && !(v->is_array() && v->empty())) refuse_unsupported(j, name, "(tool calling) is not supported");
    }
    if (const json* format = field(j, "response_format")) {
      const json* type = format->is_object() ? field(*format, "type") : nullptr;
      if (!type || !type->is_string() || type->get_ref<const std::string&>() != "text")
        refuse_unsupported(j, "response_format", "may only be {\"type\": \"text\"}");
    }
  }
  return r;
}

}  // namespace neox::server
