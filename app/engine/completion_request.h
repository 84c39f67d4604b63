// What the code pane asks the EngineWorker to complete: the text around the
// cursor. Plain values: it crosses threads in a queued call.
#pragma once

#include <QMetaType>
#include <QtGlobal>
#include <string>

#include "neox/sampler.h"

namespace neox::app {

struct CompletionRequest {
  quint64 id = 0;      // increasing; stopCompletion cancels every request up to an id
  std::string before;  // the code before the cursor (UTF-8)
  std::string after;   // the code after it; used only by fill-in-the-middle models
  SamplerParams sampling;
  int max_tokens = 128;
  qint64 context_length = 0;  // 0: the model's default
};

}  // namespace neox::app

Q_DECLARE_METATYPE(neox::app::CompletionRequest)
