// The whole app, end to end, the way a user drives it: type a message and
// press Enter, watch the reply stream in, check it is in the database, stop a
// second reply midway with Esc, edit the first message (a branch appears),
// switch theme, open the code pane, and see a corrupt model's error in the
// window while the app keeps running. Then the model manager: the Models page
// over fixture stores, the catalog, a download in progress from a loopback
// server, the Settings page, the welcome screen, and the logged fit check. Screenshots (light, dark, code pane,
// model error) are saved as PNG and checked for blank or error screens.
#include <QDir>
#include <QFont>
#include <QImage>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QtQml/QQmlExtensionPlugin>
#include <cmath>

#include "app_test_support.h"
#include "controllers/chat_controller.h"
#include "controllers/conversation_list_model.h"
#include "controllers/model_controller.h"
#include "controllers/qt_text.h"
#include "loopback_http_server.h"
#include "manager/app_settings.h"
#include "manager/downloads_controller.h"
#include "manager/first_run.h"
#include "manager/fit_check.h"
#include "manager/models_controller.h"
#include "neox/storage/conversation_store.h"
#include "neox/storage/message_store.h"
#include "shell/studio_app.h"
#include "shell/studio_services.h"

Q_IMPORT_QML_PLUGIN(NeoxStudioPlugin)

using namespace neox::app;
using namespace neox::app::testing;
namespace storage = neox::storage;

namespace {

void collect(QQuickItem* item, const QString& name, QList<QQuickItem*>& out) {
  if (!item) return;
  if (item->objectName() == name) out << item;
  for (QQuickItem* child : item->childItems()) collect(child, name, out);
}

// Items with this objectName that are on screen (visible up the whole tree).
QList<QQuickItem*> visible_items(QQuickWindow* window, const QString& name) {
  QList<QQuickItem*> all;
  collect(window->contentItem(), name, all);
  QList<QQuickItem*> shown;
  for (QQuickItem* item : all) {
    if (item->isVisible() && item->width() > 0 && item->height() > 0) shown << item;
  }
  return shown;
}

// How much the picture varies: a blank (or nearly blank) screen has almost no
// spread of brightness and only a handful of colours.
struct ImageStats {
  double luminance_stddev = 0;
  int distinct_colours = 0;
};
ImageStats image_stats(const QImage& image) {
  double sum = 0, sum2 = 0;
  QSet<QRgb> colours;
  long n = 0;
  for (int y = 0; y < image.height(); y += 2) {
    for (int x = 0; x < image.width(); x += 2) {
      const QRgb p = image.pixel(x, y);
      const double l = 0.299 * qRed(p) + 0.587 * qGreen(p) + 0.114 * qBlue(p);
      sum += l;
      sum2 += l * l;
      if (colours.size() < 5000) colours.insert(p);
      ++n;
    }
  }
  const double mean = sum / n;
  return {std::sqrt(std::max(0.0, sum2 / n - mean * mean)), static_cast<int>(colours.size())};
}

}  // namespace

class EndToEndTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir data_;
  std::unique_ptr<StudioApp> app_;
  QQuickWindow* window_ = nullptr;
  QString shots_ = QStringLiteral(NEOX_SCREENSHOT_DIR);

  ChatController* chat() { return app_->chat(); }

  QQuickItem* one(const QString& name) {
    const auto items = visible_items(window_, name);
    return items.isEmpty() ? nullptr : items.first();
  }
  void click(QQuickItem* item) {
    QVERIFY2(item, "item to click not found");
    const QPointF centre = item->mapToScene(QPointF(item->width() / 2, item->height() / 2));
    QTest::mouseMove(window_, centre.toPoint());
    QTest::mouseClick(window_, Qt::LeftButton, Qt::NoModifier, centre.toPoint());
  }
  // Key presses for each character, as a keyboard would send them.
  void type_text(const QString& text) {
    for (const QChar c : text) {
      const Qt::Key key = c.isLetterOrNumber() ? Qt::Key(c.toUpper().unicode())
                          : c == u' '          ? Qt::Key_Space
                                               : Qt::Key_unknown;
      QTest::sendKeyEvent(QTest::Click, window_, key, QString(c), Qt::NoModifier);
    }
  }
  void type_message(const QString& text) {
    QTest::keyClick(window_, Qt::Key_L, Qt::ControlModifier);  // focus the input
    type_text(text);
  }
  // Does `action` (which starts a reply) and waits for the reply to end; returns its status.
  QString reply_to(const std::function<void()>& action) {
    QSignalSpy finished(chat(), &ChatController::replyFinished);
    action();
    if (!wait_until([&] { return finished.count() == 1; })) {
      QQuickItem* input = one(QStringLiteral("messageInput"));
      return QStringLiteral("timeout (input \"%1\", focus %2, %3 messages)")
          .arg(input ? input->property("text").toString() : QStringLiteral("?"))
          .arg(input && input->hasActiveFocus())
          .arg(chat()->messages()->rowCount());
    }
    wait_until([] { return false; }, 150);  // let the view settle (fonts, layout) before looking
    return finished.first().at(1).toString();
  }
  // Saves the window and fails on a blank picture or a visible error.
  void screenshot(const QString& name, bool error_expected = false) {
    wait_until([] { return false; }, 250);
    const QImage image = window_->grabWindow();
    QVERIFY(!image.isNull());
    QVERIFY(image.save(QDir(shots_).filePath(name)));
    const ImageStats stats = image_stats(image);
    QVERIFY2(stats.luminance_stddev > 8 && stats.distinct_colours > 40,
             qPrintable(QStringLiteral("%1 looks blank: stddev %2, %3 colours")
                            .arg(name)
                            .arg(stats.luminance_stddev)
                            .arg(stats.distinct_colours)));
    if (!error_expected) {
      QVERIFY2(!one(QStringLiteral("modelErrorBanner")), qPrintable(name + ": model error banner visible"));
      QVERIFY2(!one(QStringLiteral("chatErrorBanner")), qPrintable(name + ": chat error banner visible"));
      QVERIFY2(!one(QStringLiteral("replyError")), qPrintable(name + ": a reply failed"));
    }
  }

 private slots:
  void initTestCase() {
    QVERIFY(data_.isValid());
    QDir().mkpath(shots_);
    QCoreApplication::setOrganizationName(QStringLiteral("NeoX"));
    QCoreApplication::setApplicationName(QStringLiteral("NeoX Studio e2e"));
    // Remembered window settings go to the temporary folder, not the user's.
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope,
                       data_.filePath(QStringLiteral("config")));
    QQuickStyle::setStyle(QStringLiteral("Basic"));
    StudioOptions options;
    options.data_dir = data_.filePath(QStringLiteral("data"));
    options.model_path = fixture_model();
    options.theme = QStringLiteral("light");
    options.threads = 1;
    options.token_delay_ms = 4;  // a human pace (the fixture alone writes ~10k tokens/s), so Esc lands midway
    QElapsedTimer clock;
    clock.start();
    app_ = std::make_unique<StudioApp>(options, clock);
    QVERIFY2(app_->start(), qPrintable(app_->error()));
    window_ = app_->window();
    QVERIFY(window_);
    window_->resize(1280, 820);
    window_->requestActivate();
    QVERIFY(QTest::qWaitForWindowExposed(window_));
    QVERIFY(QTest::qWaitForWindowActive(window_));  // shortcuts need the focus window
    QVERIFY(wait_until([&] { return app_->models()->status() == ModelController::Status::Ready; }));
    chat()->settings()->setSeed(3);
  }
  void cleanupTestCase() { app_.reset(); }

  void sendAMessageAndWatchTheReplyStream() {
    int updates = 0;
    const auto connection =
        connect(chat()->messages(), &QAbstractItemModel::dataChanged, this, [&] { ++updates; });
    // A short reply: the next test's prompt holds this exchange and must fit
    // the fixture's 256-token context (random-weight text re-tokenizes long).
    chat()->settings()->setMaxTokens(24);
    type_message(QStringLiteral("Hello! Can you explain what a tokenizer does?"));
    QCOMPARE(reply_to([&] { QTest::keyClick(window_, Qt::Key_Return); }), QStringLiteral("complete"));
    disconnect(connection);
    QVERIFY(updates >= 1);  // it grew on screen
    // On screen: the user's bubble and the reply.
    QTRY_COMPARE(chat()->messages()->rowCount(), 2);
    const auto bubbles = visible_items(window_, QStringLiteral("userText"));
    QCOMPARE(bubbles.size(), 1);
    QCOMPARE(bubbles.first()->property("text").toString(),
             QStringLiteral("Hello! Can you explain what a tokenizer does?"));
    // In the database: the same two messages, the reply complete with its stats.
    storage::MessageStore store(app_->database());
    const auto path = store.shown_path(chat()->conversationId());
    QCOMPARE(path.size(), size_t(2));
    QCOMPARE(path[0].text, std::string("Hello! Can you explain what a tokenizer does?"));
    QCOMPARE(path[1].status, storage::MessageStatus::kComplete);
    QCOMPARE(to_qstring(path[1].text), chat()->messages()->get(1, "text").toString());
    QVERIFY(path[1].stats.completion_tokens > 0);
    QVERIFY(one(QStringLiteral("replyStats")));
    // The sidebar lists the new conversation, titled from the message.
    QCOMPARE(app_->conversations()->rowCount(), 1);
    QVERIFY(app_->conversations()
                ->get(0, "title")
                .toString()
                .startsWith(QStringLiteral("Hello! Can you explain")));
  }

  void stopASecondReplyMidway() {
    chat()->settings()->setMaxTokens(100000);  // runs until the context fills unless stopped
    bool pressed = false;
    const auto connection = connect(chat()->messages(), &QAbstractItemModel::dataChanged, this, [&] {
      const int last = chat()->messages()->rowCount() - 1;
      if (!pressed && chat()->generating() && chat()->messages()->get(last, "status") == "streaming" &&
          !chat()->messages()->get(last, "text").toString().isEmpty()) {
        pressed = true;
        QTest::keyClick(window_, Qt::Key_Escape);
      }
    });
    type_message(QStringLiteral("Now tell me a very long story."));
    const QString status = reply_to([&] { QTest::keyClick(window_, Qt::Key_Return); });
    disconnect(connection);
    QVERIFY(pressed);
    QCOMPARE(status, QStringLiteral("stopped"));
    storage::MessageStore store(app_->database());
    const auto path = store.shown_path(chat()->conversationId());
    QCOMPARE(path.size(), size_t(4));
    QCOMPARE(path[3].status, storage::MessageStatus::kStopped);
    QVERIFY(!path[3].text.empty());  // the text so far is kept
    QVERIFY(path[3].stats.completion_tokens < 200);
    chat()->settings()->setMaxTokens(40);
  }

  void editMakesABranch() {
    // The first message's Edit button (shown on hover), a new text, Send.
    const auto edits = visible_items(window_, QStringLiteral("editButton"));
    QVERIFY(edits.size() >= 1);
    QQuickItem* first_edit = edits.first();
    for (QQuickItem* e : edits) {
      if (e->mapToScene({0, 0}).y() < first_edit->mapToScene({0, 0}).y()) first_edit = e;
    }
    click(first_edit);
    QQuickItem* area = nullptr;
    QVERIFY(wait_until([&] { return (area = one(QStringLiteral("editArea"))) != nullptr; }, 3000));
    QTest::keyClick(window_, Qt::Key_A, Qt::ControlModifier);
    type_text(QStringLiteral("What is a byte-pair encoding?"));
    QSignalSpy finished(chat(), &ChatController::replyFinished);
    click(one(QStringLiteral("editSendButton")));
    QVERIFY(wait_until([&] { return finished.count() == 1; }));
    QCOMPARE(finished.first().at(1).toString(), QStringLiteral("complete"));
    // The branch: the edited message is 2 / 2, and the old one is still there.
    QTRY_COMPARE(chat()->messages()->rowCount(), 2);
    QCOMPARE(chat()->messages()->get(0, "text").toString(), QStringLiteral("What is a byte-pair encoding?"));
    QQuickItem* label = nullptr;
    QVERIFY(wait_until([&] { return (label = one(QStringLiteral("branchLabel"))) != nullptr; }, 3000));
    QCOMPARE(label->property("text").toString(), QStringLiteral("2 / 2"));
    storage::MessageStore store(app_->database());
    QCOMPARE(store.siblings(chat()->messages()->get(0, "messageId").toLongLong()).ids.size(), size_t(2));
    QTest::mouseMove(window_, QPoint(5, 5));  // no hover effects in the screenshot
    screenshot(QStringLiteral("light.png"));
    // Transparency: each token of the reply with its probability; hovering one lists the alternatives.
    click(one(QStringLiteral("tokensButton")));
    QTRY_VERIFY(visible_items(window_, QStringLiteral("tokenChip")).size() > 10);
    QQuickItem* chip = visible_items(window_, QStringLiteral("tokenChip")).at(3);
    QTest::mouseMove(window_, chip->mapToScene(QPointF(chip->width() / 2, chip->height() / 2)).toPoint());
    // The tooltip names the token and its probability, then the alternatives, one a line.
    QQuickItem* tip = nullptr;
    QVERIFY(wait_until([&] { return (tip = one(QStringLiteral("tokenTooltipText"))) != nullptr; }, 3000));
    QVERIFY(tip->property("text").toString().count(QLatin1Char('%')) >= 2);
    screenshot(QStringLiteral("token-probabilities.png"));
    click(one(QStringLiteral("tokensButton")));
  }

  void markdownAndCodeRenderInBothThemes() {
    // An imported conversation (as storage's JSON import would write it) with
    // Markdown the fixture model cannot write: headings, a list, a table, code.
    storage::ConversationStore conversations(app_->database());
    storage::MessageStore messages(app_->database());
    const auto c = conversations.create({}, "Parsing CSV in Python");
    const auto q =
        messages.add(c.id, 0, storage::Role::kUser, "How do I read a CSV file and sum a column in Python?");
    storage::MessageMeta meta;
    meta.model = "imported";
    meta.stats.prompt_tokens = 18;
    meta.stats.completion_tokens = 96;
    meta.stats.time_to_first_token_ms = 41;
    meta.stats.tokens_per_second = 57.3;
    messages.add(c.id, q.id, storage::Role::kAssistant,
                 "## Summing a column\n\nUse the standard library's **csv** module:\n\n"
                 "```python\nimport csv\n\ndef column_total(path: str, column: str) -> float:\n"
                 "    \"\"\"Adds up one column of a CSV file.\"\"\"\n    total = 0.0\n"
                 "    with open(path, newline=\"\") as f:\n        for row in csv.DictReader(f):\n"
                 "            total += float(row[column])  # skips nothing\n    return total\n```\n\n"
                 "| approach | speed | needs |\n|---|---|---|\n| `csv` | fine | nothing |\n| `pandas` | fast "
                 "| a package |\n\n"
                 "1. Open the file with `newline=\"\"`.\n2. Read rows as dictionaries.\n3. Convert and add.",
                 meta);
    app_->conversations()->refresh();
    QTRY_COMPARE(app_->conversations()->rowCount(), 2);
    chat()->openConversation(c.id);
    QTRY_VERIFY(one(QStringLiteral("codeBlock")) != nullptr);
    QTest::mouseMove(window_, QPoint(5, 5));
    screenshot(QStringLiteral("markdown-light.png"));

    QTest::keyClick(window_, Qt::Key_L, Qt::ControlModifier | Qt::ShiftModifier);  // dark theme
    QTRY_VERIFY(window_->color().lightness() < 60);
    screenshot(QStringLiteral("dark.png"));

    // Open the code block in the code pane (Ctrl+K shows it; the button fills it).
    click(one(QStringLiteral("openInCodePaneButton")));
    QQuickItem* editor = nullptr;
    QVERIFY(wait_until([&] { return (editor = one(QStringLiteral("codeEditor"))) != nullptr; }, 3000));
    QVERIFY(editor->property("text").toString().contains(QStringLiteral("def column_total")));
    QCOMPARE(one(QStringLiteral("codeBlockList"))->property("count").toInt(), 1);
    QTest::mouseMove(window_, QPoint(5, 5));
    screenshot(QStringLiteral("code-pane-dark.png"));
    QTest::keyClick(window_, Qt::Key_L, Qt::ControlModifier | Qt::ShiftModifier);  // back to light
    QTRY_VERIFY(window_->color().lightness() > 200);
    screenshot(QStringLiteral("code-pane-light.png"));
    // Completion: the model continues the code at the cursor (the end of the buffer here).
    const QString code = editor->property("text").toString();
    editor->setProperty("cursorPosition", code.size());
    QQuickItem* complete = one(QStringLiteral("completeButton"));
    click(complete);
    QVERIFY(wait_until([&] { return complete->property("text").toString() == QStringLiteral("Complete") &&
                                    editor->property("text").toString() != code; }));
    QVERIFY(editor->property("text").toString().startsWith(code));
    QTest::mouseMove(window_, QPoint(5, 5));
    screenshot(QStringLiteral("code-completion.png"));
    QTest::keyClick(window_, Qt::Key_K, Qt::ControlModifier);
    QTRY_VERIFY(!one(QStringLiteral("codePane")));
    // The settings drawer (Ctrl+,) over the chat.
    QTest::keyClick(window_, Qt::Key_Comma, Qt::ControlModifier);
    QTRY_VERIFY(one(QStringLiteral("temperatureSlider")) != nullptr);
    screenshot(QStringLiteral("settings-drawer.png"));
    // "Write my own…" chat template: the editable text appears under the picker.
    QQuickItem* templates = one(QStringLiteral("templateBox"));
    QVERIFY(templates);
    QMetaObject::invokeMethod(templates, "activated", Q_ARG(int, templates->property("count").toInt() - 1));
    QTRY_VERIFY(one(QStringLiteral("templateTextField")) != nullptr);
    QCOMPARE(chat()->templateName(), QStringLiteral("custom"));
    screenshot(QStringLiteral("settings-custom-template.png"));
    chat()->settings()->setChatTemplate({});
    QTest::keyClick(window_, Qt::Key_Escape);  // a drawer closes on Esc
    QTRY_VERIFY(!one(QStringLiteral("temperatureSlider")));
  }

  void aCorruptModelShowsAnErrorAndTheAppCarriesOn() {
    const QString bad = make_truncated_model(data_);
    app_->models()->load(bad);
    QVERIFY(wait_until([&] { return app_->models()->status() == ModelController::Status::Failed; }));
    QQuickItem* banner = nullptr;
    QVERIFY(wait_until([&] { return (banner = one(QStringLiteral("modelErrorBanner"))) != nullptr; }, 3000));
    bool names_file = false;
    for (QQuickItem* text : visible_items(window_, QStringLiteral("bannerText"))) {
      if (text->property("text").toString().contains(QStringLiteral("truncated.gguf"))) names_file = true;
    }
    QVERIFY(names_file);
    screenshot(QStringLiteral("model-error.png"), true);
    // Still usable: load the good model again and chat.
    app_->models()->load(fixture_model());
    QVERIFY(wait_until([&] { return app_->models()->status() == ModelController::Status::Ready; }));
    QTest::keyClick(window_, Qt::Key_N, Qt::ControlModifier);
    QTRY_COMPARE(chat()->messages()->rowCount(), 0);
    type_message(QStringLiteral("Still there?"));
    QCOMPARE(reply_to([&] { QTest::keyClick(window_, Qt::Key_Return); }), QStringLiteral("complete"));
  }
  // The Models page (Ctrl+M) over fixture stores laid out like each other
  // app's: every source, the fit at the chosen context, unsupported models
  // listed with the reason; then the catalog tab.
  void modelsPageListsEveryStore() {
    StudioServices* services = app_->services();
    const QString stores = QStringLiteral(NEOX_SOURCE_DIR "/tests/fixtures/models_stores/");
    neox::models::ScanRoots roots;
    roots.huggingface_hubs = {to_std(stores + QStringLiteral("huggingface/hub"))};
    roots.lm_studio = {to_std(stores + QStringLiteral("lmstudio/models"))};
    roots.ollama = {to_std(stores + QStringLiteral("ollama/models"))};
    roots.gpt4all = {to_std(stores + QStringLiteral("gpt4all"))};
    services->modelLibrary()->set_store_roots(roots);
    services->settings()->addModelsFolder(stores + QStringLiteral("unsupported"));
    QVERIFY(wait_until([&] { return !services->modelLibrary()->scanning() && services->modelLibrary()->count() > 8; }));
    QTest::keyClick(window_, Qt::Key_M, Qt::ControlModifier);
    QTRY_VERIFY(one(QStringLiteral("modelsPage")) != nullptr);
    QTRY_VERIFY(visible_items(window_, QStringLiteral("modelRow")).size() >= 5);
    QVERIFY(!visible_items(window_, QStringLiteral("fitSummary")).isEmpty());
    QStringList sources;
    for (QQuickItem* badge : visible_items(window_, QStringLiteral("sourceBadge")))
      sources << badge->property("text").toString();
    QVERIFY2(sources.contains(QStringLiteral("Hugging Face cache")), qPrintable(sources.join(',')));
    QTest::mouseMove(window_, QPoint(5, 5));
    screenshot(QStringLiteral("models-light.png"));
    QTest::keyClick(window_, Qt::Key_L, Qt::ControlModifier | Qt::ShiftModifier);
    QTRY_VERIFY(window_->color().lightness() < 60);
    screenshot(QStringLiteral("models-dark.png"));
    // Scrolled to the end: the models the engine cannot run, each with why.
    QQuickItem* list = one(QStringLiteral("modelList"));
    QVERIFY(list);
    QMetaObject::invokeMethod(list, "positionViewAtEnd");
    QTRY_VERIFY(!visible_items(window_, QStringLiteral("unsupportedReason")).isEmpty());
    screenshot(QStringLiteral("models-unsupported-dark.png"));
    QTest::keyClick(window_, Qt::Key_L, Qt::ControlModifier | Qt::ShiftModifier);
    QTRY_VERIFY(window_->color().lightness() > 200);
    click(one(QStringLiteral("catalogTab")));
    QTRY_VERIFY(visible_items(window_, QStringLiteral("catalogRow")).size() >= 3);
    screenshot(QStringLiteral("catalog.png"));
  }

  // A download in progress against a loopback server sending a slow file:
  // progress, speed and time left on screen; pause keeps the bytes, cancel removes them.
  void aDownloadInProgress() {
    neox::models::testing_support::LoopbackHttpServer server;
    auto& slow = server.resource("/pythia-70m-demo.Q8_0.gguf");
    slow.body = QByteArray(3000000, 'n');
    slow.trickle_bytes = 6000;
    slow.trickle_ms = 20;
    DownloadsController* downloads = app_->services()->downloads();
    QCOMPARE(downloads->downloadUrl(server.url(QStringLiteral("/pythia-70m-demo.Q8_0.gguf"))), QString());
    click(one(QStringLiteral("downloadsTab")));
    QVERIFY(wait_until([&] {
      QQuickItem* eta = one(QStringLiteral("downloadEta"));
      QQuickItem* fill = one(QStringLiteral("progressFill"));
      return eta && fill && fill->width() > fill->parentItem()->width() / 4;
    }));
    QVERIFY(one(QStringLiteral("downloadSpeed")) != nullptr);
    QTest::mouseMove(window_, QPoint(5, 5));
    screenshot(QStringLiteral("download-progress.png"));
    click(one(QStringLiteral("pauseButton")));
    QTRY_VERIFY(one(QStringLiteral("resumeButton")) != nullptr);
    click(one(QStringLiteral("cancelButton")));
    QTRY_VERIFY(visible_items(window_, QStringLiteral("downloadRow")).isEmpty());
    QTest::keyClick(window_, Qt::Key_Escape);  // back to the chat
    QTRY_VERIFY(!one(QStringLiteral("modelsPage")));
  }

  // The Settings page (Ctrl+Shift+,): devices with their memory, engine
  // choices, appearance, folders; in both themes.
  void settingsPage() {
    QTest::keyClick(window_, Qt::Key_Comma, Qt::ControlModifier | Qt::ShiftModifier);
    QTRY_VERIFY(one(QStringLiteral("settingsPage")) != nullptr);
    QVERIFY(!visible_items(window_, QStringLiteral("deviceMemory")).isEmpty());
    QTest::mouseMove(window_, QPoint(5, 5));
    screenshot(QStringLiteral("settings-light.png"));
    QTest::keyClick(window_, Qt::Key_L, Qt::ControlModifier | Qt::ShiftModifier);
    QTRY_VERIFY(window_->color().lightness() < 60);
    screenshot(QStringLiteral("settings-dark.png"));
    QTest::keyClick(window_, Qt::Key_L, Qt::ControlModifier | Qt::ShiftModifier);
    QTRY_VERIFY(window_->color().lightness() > 200);
    // A larger text size applies to the whole window at once.
    AppSettings* settings = app_->services()->settings();
    settings->setFontSize(18);
    QTRY_COMPARE(window_->property("font").value<QFont>().pixelSize(), 18);
    screenshot(QStringLiteral("settings-font-18.png"));
    QTest::keyClick(window_, Qt::Key_Escape);
    QTRY_VERIFY(!one(QStringLiteral("settingsPage")));
    // The chat too, with its fixed-size chips, badges and stats (Theme.scaled).
    QQuickItem* tag = one(QStringLiteral("deviceTag"));
    QVERIFY(tag);
    QCOMPARE(tag->property("font").value<QFont>().pixelSize(), 14);  // 11 px at 14
    screenshot(QStringLiteral("chat-font-18.png"));
    settings->setFontSize(14);
    QTRY_COMPARE(tag->property("font").value<QFont>().pixelSize(), 11);
  }

  // The welcome screen of a first start: hardware, models found, a recommendation; Skip dismisses it for good.
  void welcomeScreen() {
    FirstRun* first = app_->services()->firstRun();
    first->show();
    QTRY_VERIFY(one(QStringLiteral("welcomePage")) != nullptr);
    QVERIFY(one(QStringLiteral("welcomeRam"))->property("text").toString().contains(QStringLiteral("free of")));
    QTest::mouseMove(window_, QPoint(5, 5));
    screenshot(QStringLiteral("welcome.png"));
    click(one(QStringLiteral("welcomeSkipButton")));
    QTRY_VERIFY(!one(QStringLiteral("welcomePage")));
    QVERIFY(app_->services()->settings()->firstRunDone());
  }

  // The first reply after the load measured what the engine allocated: the fit check is logged.
  void theLoadLoggedItsFitCheck() {
    if (!FitCheck::runs_on_cpu(app_->services()->settings()->load_options())) QSKIP("a GPU load is not measured");
    QFile log(QDir(app_->services()->settings()->dataFolder()).filePath(QStringLiteral("fit_checks.jsonl")));
    QVERIFY(log.open(QIODevice::ReadOnly));
    QVERIFY(log.readAll().contains("\"estimate\""));
  }
};

QTEST_MAIN(EndToEndTest)
#include "e2e_test.moc"
