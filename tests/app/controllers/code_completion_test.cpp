// The code pane's completion mode: the prompt builder (fill-in-the-middle
// token order, family detection), and CodeCompletion driving the real
// fixture model on the EngineWorker (same text as the engine's own greedy
// continuation, Stop within a token, no model -> an error, not a crash).
#include "controllers/code_completion.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <map>

#include "app_test_support.h"
#include "controllers/chat_controller.h"
#include "controllers/model_controller.h"
#include "controllers/qt_text.h"
#include "engine/completion_prompt.h"
#include "engine/engine_thread.h"
#include "engine/token_counter.h"
#include "neox/loaded_model.h"
#include "neox/session.h"
#include "neox/tokenizer.h"

using namespace neox::app;
using namespace neox::app::testing;
namespace storage = neox::storage;

namespace {

// A vocabulary of named special tokens, for the prompt builder.
TokenLookup lookup_in(std::map<std::string, int32_t> vocabulary) {
  return [vocabulary = std::move(vocabulary)](std::string_view content) -> std::optional<int32_t> {
    const auto it = vocabulary.find(std::string(content));
    if (it == vocabulary.end()) return std::nullopt;
    return it->second;
  };
}

// One id per byte (+1000), so the test can see which text went where.
std::vector<int32_t> bytes_as_ids(std::string_view text) {
  std::vector<int32_t> ids;
  for (const char c : text) ids.push_back(1000 + static_cast<unsigned char>(c));
  return ids;
}

}  // namespace

class CodeCompletionTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  std::optional<storage::Database> db_;
  std::unique_ptr<EngineThread> engine_;
  std::unique_ptr<TokenCounter> counter_;
  std::unique_ptr<ModelController> model_;
  std::unique_ptr<ChatController> chat_;
  std::unique_ptr<CodeCompletion> completion_;

  // Runs a completion to its end; returns finished()'s arguments.
  QList<QVariant> complete(const QString& before, const QString& after) {
    QSignalSpy finished(completion_.get(), &CodeCompletion::finished);
    if (!completion_->start(before, after)) return {};
    if (!wait_until([&] { return finished.count() == 1; })) return {};
    return finished.first();
  }

 private slots:
  void fimTokensAreFoundByFamily() {
    QVERIFY(!find_fim_tokens(lookup_in({{"<|endoftext|>", 0}})).has_value());
    // Two of three is not FIM.
    QVERIFY(!find_fim_tokens(lookup_in({{"<fim_prefix>", 5}, {"<fim_middle>", 7}})).has_value());
    const auto neox_style =
        find_fim_tokens(lookup_in({{"<fim_prefix>", 5}, {"<fim_suffix>", 6}, {"<fim_middle>", 7}}));
    QVERIFY(neox_style.has_value());
    QCOMPARE(neox_style->prefix, 5);
    QCOMPARE(neox_style->suffix, 6);
    QCOMPARE(neox_style->middle, 7);
    const auto bar_style =
        find_fim_tokens(lookup_in({{"<|fim_prefix|>", 50}, {"<|fim_suffix|>", 51}, {"<|fim_middle|>", 52}}));
    QVERIFY(bar_style.has_value());
    QCOMPARE(bar_style->prefix, 50);
    QCOMPARE(bar_style->middle, 52);
  }

  void fimPromptIsPrefixBeforeSuffixAfterMiddle() {
    const FimTokens fim{5, 6, 7};
    const std::vector<int32_t> ids = completion_prompt(fim, bytes_as_ids, "ab", "c");
    const std::vector<int32_t> expected{5, 1000 + 'a', 1000 + 'b', 6, 1000 + 'c', 7};
    QCOMPARE(ids, expected);
    // Without FIM the model sees only the text before the cursor.
    QCOMPARE(completion_prompt(std::nullopt, bytes_as_ids, "ab", "c"), bytes_as_ids("ab"));
  }

  void initTestCase() {
    QVERIFY(dir_.isValid());
    const QString path = dir_.filePath(QStringLiteral("conversations.db"));
    db_.emplace(storage::Database::open(path.toStdString()));
    engine_ = std::make_unique<EngineThread>(path);
    counter_ = std::make_unique<TokenCounter>();
    model_ = std::make_unique<ModelController>(engine_->worker(), counter_.get());
    model_->setThreads(1);
    chat_ = std::make_unique<ChatController>(*db_, engine_->worker(), model_.get(), counter_.get());
    completion_ = std::make_unique<CodeCompletion>(engine_->worker(), chat_.get());
    chat_->newConversation();
  }
  void cleanupTestCase() {
    completion_.reset();
    chat_.reset();
    model_.reset();
    counter_.reset();
    engine_.reset();
  }

  void withoutAModelItSaysSo() {
    const QList<QVariant> result = complete(QStringLiteral("def f():"), {});
    QCOMPARE(result.size(), 2);
    QVERIFY(result.at(1).toString().contains(QStringLiteral("No model")));
    QVERIFY(!completion_->running());
    model_->load(fixture_model());
    QVERIFY(wait_until([&] { return model_->status() == ModelController::Status::Ready; }));
  }

  void completionIsTheModelsGreedyContinuation() {
    chat_->settings()->setTemperature(0.0);  // greedy: the reference below must match token for token
    const std::string before = "int main() {\n  return";
    const QList<QVariant> result = complete(to_qstring(before), QStringLiteral("\n}\n"));
    QCOMPARE(result.size(), 2);
    QCOMPARE(result.at(1).toString(), QString());  // no error
    QVERIFY(!completion_->fillInTheMiddle());      // the fixture's tokenizer has no FIM tokens

    // The engine itself, on the same text before the cursor.
    neox::LoadOptions load_options;
    load_options.n_threads = 1;  // as the worker: the same sums in the same order
    auto model = neox::LoadedModel::open(to_std(fixture_model()), load_options);
    neox::Session session(model, {});
    neox::GenerateOptions options;
    options.sampling = chat_->settings()->samplerParams();
    options.max_tokens = CodeCompletion::kMaxTokens;
    const neox::GenerationResult reference =
        session.generate_tokens(model->tokenizer().encode(before, false), options);
    QCOMPARE(completion_->text(), to_qstring(reference.text));
    QVERIFY(!completion_->text().isEmpty());
  }

  void stopEndsItWithinAToken() {
    chat_->settings()->setTemperature(0.8);
    engine_->worker()->setTokenDelay(20);
    QSignalSpy finished(completion_.get(), &CodeCompletion::finished);
    QVERIFY(completion_->start(QStringLiteral("for (int i = 0;"), {}));
    QVERIFY(completion_->running());
    // Stop as soon as the first text arrives.
    connect(completion_.get(), &CodeCompletion::textChanged, completion_.get(), &CodeCompletion::stop,
            Qt::SingleShotConnection);
    QVERIFY(!completion_->start(QStringLiteral("x"), {}));  // one at a time
    QVERIFY(wait_until([&] { return finished.count() == 1; }));
    engine_->worker()->setTokenDelay(0);
    // Stopped well before max tokens (128 tokens at 20 ms would take 2.5 s).
    QVERIFY(finished.first().at(0).toBool() || completion_->text().isEmpty());
    QVERIFY(!completion_->running());
  }
};

QTEST_GUILESS_MAIN(CodeCompletionTest)
#include "code_completion_test.moc"
