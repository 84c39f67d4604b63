#include "controllers/generation_settings.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <algorithm>

#include "controllers/qt_text.h"
#include "neox/chat_template.h"

namespace neox::app {

namespace {
constexpr int kDefaultMaxTokens = 512;
}

GenerationSettings::GenerationSettings(QObject* parent) : QObject(parent) {
  resetToDefaults();
}

template <typename T>
void GenerationSettings::assign(T& field, const T& value) {
  if (field == value) return;
  field = value;
  if (!loading_) emit changed();
}

QStringList GenerationSettings::chatTemplates() const {
  QStringList names;
  for (const std::string& n : ChatTemplate::names()) names << to_qstring(n);
  return names;
}

void GenerationSettings::setModelPath(const QString& v) {
  assign(model_path_, v);
}
void GenerationSettings::setSystemPrompt(const QString& v) {
  assign(system_prompt_, v);
}
void GenerationSettings::setChatTemplate(const QString& v) {
  assign(chat_template_, v);
}
void GenerationSettings::setTemperature(double v) {
  assign(temperature_, std::clamp(v, 0.0, 5.0));
}
void GenerationSettings::setTopK(int v) {
  assign(top_k_, std::max(0, v));
}
void GenerationSettings::setTopP(double v) {
  assign(top_p_, std::clamp(v, 0.0, 1.0));
}
void GenerationSettings::setMinP(double v) {
  assign(min_p_, std::clamp(v, 0.0, 1.0));
}
void GenerationSettings::setRepeatPenalty(double v) {
  assign(repeat_penalty_, std::clamp(v, 0.5, 3.0));
}
void GenerationSettings::setMaxTokens(int v) {
  assign(max_tokens_, std::max(1, v));
}
void GenerationSettings::setContextLength(int v) {
  assign(context_length_, std::max(0, v));
}
void GenerationSettings::setFewShotPreset(qint64 v) {
  assign(few_shot_preset_, std::max<qint64>(0, v));
}
void GenerationSettings::setSeed(qint64 v) {
  assign(seed_, std::max<qint64>(-1, v));
}

void GenerationSettings::resetToDefaults() {
  const SamplerParams defaults;
  const bool was_loading = loading_;
  loading_ = true;
  system_prompt_.clear();
  chat_template_.clear();
  few_shot_preset_ = 0;
  temperature_ = defaults.temperature;
  top_k_ = defaults.top_k;
  top_p_ = defaults.top_p;
  min_p_ = defaults.min_p;
  repeat_penalty_ = defaults.repeat_penalty;
  max_tokens_ = kDefaultMaxTokens;
  context_length_ = 0;
  seed_ = -1;
  loading_ = was_loading;
  if (!loading_) emit changed();
}

void GenerationSettings::load(const storage::ConversationSettings& stored) {
  loading_ = true;
  resetToDefaults();
  model_path_ = to_qstring(stored.model);
  system_prompt_ = to_qstring(stored.system_prompt);
  chat_template_ = to_qstring(stored.chat_template);
  const QJsonObject s = QJsonDocument::fromJson(QByteArray::fromStdString(stored.sampling_json)).object();
  temperature_ = s.value("temperature").toDouble(temperature_);
  top_k_ = s.value("top_k").toInt(top_k_);
  top_p_ = s.value("top_p").toDouble(top_p_);
  min_p_ = s.value("min_p").toDouble(min_p_);
  repeat_penalty_ = s.value("repeat_penalty").toDouble(repeat_penalty_);
  max_tokens_ = s.value("max_tokens").toInt(max_tokens_);
  context_length_ = s.value("context_length").toInt(context_length_);
  seed_ = s.value("seed").toInteger(seed_);
  few_shot_preset_ = s.value("few_shot_preset").toInteger(0);
  loading_ = false;
  emit changed();
}

storage::ConversationSettings GenerationSettings::toStored() const {
  QJsonObject s;
  s["temperature"] = temperature_;
  s["top_k"] = top_k_;
  s["top_p"] = top_p_;
  s["min_p"] = min_p_;
  s["repeat_penalty"] = repeat_penalty_;
  s["max_tokens"] = max_tokens_;
  s["context_length"] = context_length_;
  s["seed"] = seed_;
  if (few_shot_preset_ > 0) s["few_shot_preset"] = few_shot_preset_;
  storage::ConversationSettings stored;
  stored.model = to_std(model_path_);
  stored.system_prompt = to_std(system_prompt_);
  stored.chat_template = to_std(chat_template_);
  stored.sampling_json = QJsonDocument(s).toJson(QJsonDocument::Compact).toStdString();
  return stored;
}

SamplerParams GenerationSettings::samplerParams() const {
  SamplerParams p;
  p.temperature = static_cast<float>(temperature_);
  p.top_k = top_k_;
  p.top_p = static_cast<float>(top_p_);
  p.min_p = static_cast<float>(min_p_);
  p.repeat_penalty = static_cast<float>(repeat_penalty_);
  p.seed = seed_ >= 0 ? static_cast<uint64_t>(seed_) : QRandomGenerator::global()->generate64();
  return p;
}

}  // namespace neox::app
