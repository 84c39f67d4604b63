// How a conversation names a model on a remote endpoint: its model "path"
// (GenerationSettings::modelPath, stored with the conversation) is
// "remote:<endpoint id>:<model id>". The endpoint id is ours (no colon); the
// model id is the server's and may hold anything ("meta-llama/Llama-3-70B").
#pragma once

#include <QString>
#include <optional>

namespace neox::app {

struct RemoteModelRef {
  QString endpoint_id;
  QString model;
};

inline QString remote_model_path(const QString& endpoint_id, const QString& model) {
  return QStringLiteral("remote:") + endpoint_id + QLatin1Char(':') + model;
}

inline bool is_remote_model_path(const QString& path) {
  return path.startsWith(QStringLiteral("remote:"));
}

inline std::optional<RemoteModelRef> parse_remote_model_path(const QString& path) {
  if (!is_remote_model_path(path)) return std::nullopt;
  const qsizetype colon = path.indexOf(QLatin1Char(':'), 7);
  if (colon <= 7 || colon + 1 >= path.size()) return std::nullopt;
  return RemoteModelRef{path.mid(7, colon - 7), path.mid(colon + 1)};
}

}  // namespace neox::app
