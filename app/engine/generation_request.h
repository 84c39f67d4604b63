// What the chat asks the EngineWorker to generate, and what a finished reply
// reports back. Plain values: they cross threads in queued signals.
#pragma once

#include <QMetaType>
#include <QString>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "neox/sampler.h"

namespace neox::app {

struct GenerationRequest {
  quint64 id = 0;              // increasing; Stop cancels every request up to an id
  qint64 conversation_id = 0;  // one engine Session (KV cache) per conversation
  qint64 parent_id = 0;        // the user message the reply answers
  std::string prompt;          // the whole conversation rendered with its chat template
  // When the whole conversation does not fit the context, the worker renders
  // it without its oldest turns: shorter(n) is the prompt without the first
  // n turns (a user message and the replies after it; the system prompt and
  // few-shot examples stay), n in [1, messages_dropped.size()], leaving out
  // messages_dropped[n - 1] messages. Unset: `prompt` is used as it is.
  std::function<std::string(size_t n)> shorter;
  std::vector<int> messages_dropped;
  SamplerParams sampling;
  int max_tokens = 512;
  std::vector<std::string> stop;  // the template's stop strings
  qint64 context_length = 0;      // KV cache size; 0: the model's default
  QString model_label;            // stored with the reply ("neox-par-r25.f32.gguf")
};

}  // namespace neox::app

Q_DECLARE_METATYPE(neox::app::GenerationRequest)
