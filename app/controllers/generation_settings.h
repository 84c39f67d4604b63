// The settings one conversation generates with (the settings drawer edits
// them): model, system prompt, chat template and sampling. Stored in the
// conversation's row (ConversationSettings; sampling as JSON), so they travel
// with it.
#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

#include "neox/sampler.h"
#include "neox/storage/records.h"

namespace neox::app {

class GenerationSettings : public QObject {
  Q_OBJECT
  Q_PROPERTY(QString modelPath READ modelPath WRITE setModelPath NOTIFY changed)
  Q_PROPERTY(QString systemPrompt READ systemPrompt WRITE setSystemPrompt NOTIFY changed)
  // "" means "the template the model was tuned with" (guessed from its name).
  Q_PROPERTY(QString chatTemplate READ chatTemplate WRITE setChatTemplate NOTIFY changed)
  Q_PROPERTY(QStringList chatTemplates READ chatTemplates CONSTANT)
  // A few-shot preset (storage::PresetStore id) whose examples go before the
  // conversation; 0: none.
  Q_PROPERTY(qint64 fewShotPreset READ fewShotPreset WRITE setFewShotPreset NOTIFY changed)
  Q_PROPERTY(double temperature READ temperature WRITE setTemperature NOTIFY changed)
  Q_PROPERTY(int topK READ topK WRITE setTopK NOTIFY changed)
  Q_PROPERTY(double topP READ topP WRITE setTopP NOTIFY changed)
  Q_PROPERTY(double minP READ minP WRITE setMinP NOTIFY changed)
  Q_PROPERTY(double repeatPenalty READ repeatPenalty WRITE setRepeatPenalty NOTIFY changed)
  Q_PROPERTY(int maxTokens READ maxTokens WRITE setMaxTokens NOTIFY changed)
  // KV cache size in tokens; 0: the model's default (min(trained context, 2048)).
  Q_PROPERTY(int contextLength READ contextLength WRITE setContextLength NOTIFY changed)
  // -1: a new random seed each reply.
  Q_PROPERTY(qint64 seed READ seed WRITE setSeed NOTIFY changed)

 public:
  explicit GenerationSettings(QObject* parent = nullptr);

  QString modelPath() const { return model_path_; }
  QString systemPrompt() const { return system_prompt_; }
  QString chatTemplate() const { return chat_template_; }
  QStringList chatTemplates() const;
  qint64 fewShotPreset() const { return few_shot_preset_; }
  double temperature() const { return temperature_; }
  int topK() const { return top_k_; }
  double topP() const { return top_p_; }
  double minP() const { return min_p_; }
  double repeatPenalty() const { return repeat_penalty_; }
  int maxTokens() const { return max_tokens_; }
  int contextLength() const { return context_length_; }
  qint64 seed() const { return seed_; }

  void setModelPath(const QString& v);
  void setSystemPrompt(const QString& v);
  void setChatTemplate(const QString& v);
  void setFewShotPreset(qint64 v);
  void setTemperature(double v);
  void setTopK(int v);
  void setTopP(double v);
  void setMinP(double v);
  void setRepeatPenalty(double v);
  void setMaxTokens(int v);
  void setContextLength(int v);
  void setSeed(qint64 v);

  // Back to the defaults (a new conversation), keeping the model.
  Q_INVOKABLE void resetToDefaults();

  // From and to the conversation's row. load() does not emit changed().
  void load(const storage::ConversationSettings& stored);
  storage::ConversationSettings toStored() const;
  // Sampler parameters for one reply (a random seed when seed is -1).
  SamplerParams samplerParams() const;

 signals:
  void changed();

 private:
  template <typename T>
  void assign(T& field, const T& value);

  QString model_path_;
  QString system_prompt_;
  QString chat_template_;
  qint64 few_shot_preset_ = 0;
  double temperature_;
  int top_k_;
  double top_p_;
  double min_p_;
  double repeat_penalty_;
  int max_tokens_;
  int context_length_;
  qint64 seed_;
  bool loading_ = false;
};

}  // namespace neox::app
