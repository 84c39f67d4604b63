// Export as Markdown, HTML and JSON; JSON imports back to the identical export.
#include "neox/storage/export.h"

#include <nlohmann/json.hpp>
#include <random>

#include "neox/storage/conversation_store.h"
#include "neox/storage/message_store.h"
#include "neox/storage/reply_stream.h"
#include "storage_test_util.h"

namespace neox::storage {
namespace {

class ExportTest : public testing::TempFolderTest {
 protected:
  void SetUp() override {
    TempFolderTest::SetUp();
    db_.emplace(Database::open(db_path_));
    ConversationStore conversations(*db_);
    MessageStore messages(*db_);
    const ConversationSettings settings{"/models/pythia-1b.gguf", "You are <careful> & brief.", "chatml",
                                        R"({"temperature":0.7})"};
    code_ = conversations.create(settings, "Print <html> in C++").id;
    const auto q = messages.add(code_, 0, Role::kUser, "How do I print `<b>` & \"quotes\"?");
    MessageMeta meta;
    meta.model = "pythia-1b";
    meta.stats = {17, 42, 85.25, 31.5};
    messages.add(code_, q.id, Role::kAssistant, "Old answer", meta);
    messages.add(
        code_, q.id, Role::kAssistant,
        "Like this:\n\n```cpp\nstd::cout << \"<b>\" << '&' << std::endl;\n```\n\nThen **build**.\nDone.",
        meta);
    const int64_t stopped = messages.begin_reply(code_, q.id, "pythia-1b");
    messages.finish_reply(stopped, "Half", MessageStatus::kStopped, {});
    messages.show(messages.siblings(stopped).ids[1]);  // show the code answer
    conversations.set_pinned(code_, true);

    second_ = conversations.create({}, "").id;
    const auto hi = messages.add(second_, 0, Role::kUser, "héllo 🙂\ttab\r\nline");
    const int64_t failed = messages.begin_reply(second_, hi.id, "m");
    messages.finish_reply(failed, "", MessageStatus::kFailed, {}, "model file vanished");
    conversations.set_archived(second_, true);
  }
  void TearDown() override {
    db_.reset();
    TempFolderTest::TearDown();
  }
  std::optional<Database> db_;
  int64_t code_ = 0, second_ = 0;
};

TEST_F(ExportTest, MarkdownShowsTheShownBranch) {
  const std::string md = export_conversations(*db_, {code_}, ExportFormat::kMarkdown);
  EXPECT_EQ(md.rfind("# Print <html> in C++\n", 0), 0u) << md;
  EXPECT_NE(md.find("- Model: /models/pythia-1b.gguf"), std::string::npos);
  EXPECT_NE(md.find("  > You are <careful> & brief."), std::string::npos);
  EXPECT_NE(md.find("## User\n\nHow do I print `<b>` & \"quotes\"?\n"), std::string::npos) << md;
  EXPECT_NE(md.find("## Assistant \u00b7 pythia-1b\n\nLike this:\n\n```cpp\nstd::cout"), std::string::npos)
      << md;
  EXPECT_EQ(md.find("Old answer"), std::string::npos) << "only the shown branch";
  EXPECT_EQ(md.find("Half"), std::string::npos);
  const std::string failed = export_conversations(*db_, {second_}, ExportFormat::kMarkdown);
  EXPECT_NE(failed.find("# Untitled conversation"), std::string::npos);
  EXPECT_NE(failed.find("## Assistant \u00b7 m (failed: model file vanished)"), std::string::npos) << failed;
}

TEST_F(ExportTest, HtmlIsSelfContainedEscapedAndKeepsCodeBlocks) {
  const std::string html = export_conversations(*db_, {code_}, ExportFormat::kHtml);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<style>"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos) << "nothing loaded from elsewhere";
  EXPECT_EQ(html.find("href="), std::string::npos);
  EXPECT_NE(html.find("<title>Print &lt;html&gt; in C++</title>"), std::string::npos);
  EXPECT_NE(html.find("<h1>Print &lt;html&gt; in C++</h1>"), std::string::npos);
  EXPECT_NE(html.find("How do I print <code>&lt;b&gt;</code> &amp; &quot;quotes&quot;?"), std::string::npos)
      << html;
  EXPECT_NE(html.find("<pre><code class=\"language-cpp\">std::cout &lt;&lt; &quot;&lt;b&gt;&quot; &lt;&lt; "
                      "&#39;&amp;&#39; "
                      "&lt;&lt; std::endl;\n</code></pre>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<p>Then **build**.<br>\nDone.</p>"), std::string::npos) << html;
  EXPECT_NE(html.find("You are &lt;careful&gt; &amp; brief."), std::string::npos);
  EXPECT_EQ(html.find("<b>"), std::string::npos) << "user text never becomes markup";
  EXPECT_EQ(html.find("<careful>"), std::string::npos);
  EXPECT_EQ(html.find("Old answer"), std::string::npos);
  EXPECT_NE(html.rfind("</html>\n"), std::string::npos);
}

TEST_F(ExportTest, ExportAllCoversEveryConversationInListOrder) {
  const std::string md = export_all_conversations(*db_, ExportFormat::kMarkdown);
  const size_t first = md.find("# Print <html> in C++");
  const size_t second = md.find("# Untitled conversation");
  ASSERT_NE(first, std::string::npos);
  ASSERT_NE(second, std::string::npos);
  EXPECT_LT(first, second) << "pinned first";
  EXPECT_NE(md.find("\n---\n"), std::string::npos);
  EXPECT_EQ(export_all_conversations(*db_, ExportFormat::kMarkdown, false).find("Untitled"),
            std::string::npos);
  const std::string html = export_all_conversations(*db_, ExportFormat::kHtml);
  EXPECT_NE(html.find("<title>NeoX Studio conversations</title>"), std::string::npos);
  EXPECT_EQ(file_extension(ExportFormat::kHtml), "html");
  EXPECT_THROW(export_conversations(*db_, {999}, ExportFormat::kJson), StorageError);
}

TEST_F(ExportTest, JsonCarriesTheWholeTree) {
  const auto document = nlohmann::json::parse(export_conversations(*db_, {code_}, ExportFormat::kJson));
  EXPECT_EQ(document["format"], "neox-studio-conversations");
  const auto& c = document["conversations"][0];
  EXPECT_EQ(c["title"], "Print <html> in C++");
  EXPECT_EQ(c["pinned"], true);
  EXPECT_EQ(c["settings"]["sampling_json"], R"({"temperature":0.7})");
  ASSERT_EQ(c["messages"].size(), 4u);
  EXPECT_EQ(c["messages"][1]["parent"], 0);
  EXPECT_EQ(c["messages"][2]["parent"], 0);
  EXPECT_TRUE(c["messages"][0]["parent"].is_null());
  EXPECT_EQ(c["messages"][3]["status"], "stopped");
  EXPECT_EQ(c["messages"][1]["stats"]["tokens_per_second"], 31.5);
  EXPECT_EQ(c["shown_leaf"], 2);
}

// export → import into a new database → export gives the identical text, and
// the imported rows equal the originals apart from their database ids.
TEST_F(ExportTest, JsonRoundTripIsIdentical) {
  const std::string exported = export_all_conversations(*db_, ExportFormat::kJson);
  auto other = Database::open(folder_ / "other.db");
  const auto ids = import_conversations_json(other, exported, "backup.json");
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_EQ(export_all_conversations(other, ExportFormat::kJson), exported);

  const Conversation original = ConversationStore(*db_).get(code_);
  Conversation imported = ConversationStore(other).get(ids[0]);
  MessageStore from(*db_), to(other);
  const auto a = from.all(code_);
  const auto b = to.all(ids[0]);
  ASSERT_EQ(a.size(), b.size());
  std::map<int64_t, int64_t> id_map;
  for (size_t i = 0; i < a.size(); ++i) id_map[b[i].id] = a[i].id;
  for (size_t i = 0; i < a.size(); ++i) {
    Message copy = b[i];
    copy.id = id_map[copy.id];
    copy.parent_id = copy.parent_id ? id_map[copy.parent_id] : 0;
    copy.conversation_id = code_;
    EXPECT_EQ(copy, a[i]) << i;
  }
  imported.id = original.id;
  imported.shown_leaf_id = id_map[imported.shown_leaf_id];
  EXPECT_EQ(imported, original);
  // Importing into the same database adds copies; exporting those gives the same text again.
  const auto again =
      import_conversations_json(*db_, export_conversations(*db_, {code_}, ExportFormat::kJson), "x");
  EXPECT_EQ(export_conversations(*db_, again, ExportFormat::kJson),
            export_conversations(*db_, {code_}, ExportFormat::kJson));
}

TEST_F(ExportTest, BadImportsAreRefusedWholeWithAClearMessage) {
  auto other = Database::open(folder_ / "other.db");
  auto refused = [&](const std::string& text, const std::string& expected) {
    try {
      import_conversations_json(other, text, "backup.json");
      ADD_FAILURE() << "accepted: " << text;
    } catch (const StorageError& error) {
      EXPECT_EQ(error.kind(), ErrorKind::kInvalidArgument);
      const std::string message = error.what();
      EXPECT_EQ(message.rfind("backup.json: ", 0), 0u) << message;
      EXPECT_NE(message.find(expected), std::string::npos) << message;
    }
  };
  refused("{not json", "not valid JSON");
  refused(R"({"format":"other"})", "\"format\"");
  refused(R"({"format":"neox-studio-conversations","version":99,"conversations":[]})", "newer");
  refused(R"({"format":"neox-studio-conversations","version":1})", "conversations");
  // The second conversation is broken: the first must not be imported either.
  auto document = nlohmann::json::parse(export_all_conversations(*db_, ExportFormat::kJson));
  document["conversations"][1]["messages"][1]["parent"] = 5;
  refused(document.dump(), "parent");
  document = nlohmann::json::parse(export_all_conversations(*db_, ExportFormat::kJson));
  document["conversations"][1]["messages"][0]["role"] = "wizard";
  refused(document.dump(), "wizard");
  document["conversations"][1]["messages"][0].erase("role");
  refused(document.dump(), "\"role\"");
  document = nlohmann::json::parse(export_all_conversations(*db_, ExportFormat::kJson));
  document["conversations"][0]["title"] = 5;
  refused(document.dump(), "wrong type");
  EXPECT_TRUE(ConversationStore(other).list({.archived = ConversationFilter::Archived::kInclude}).empty());
}

// Random damage to a valid export (dropped fields, wrong types, odd numbers)
// is either imported or refused with kInvalidArgument; nothing else escapes,
// and a refused file leaves nothing behind.
TEST_F(ExportTest, DamagedImportsNeverEscapeAsOtherErrors) {
  auto other = Database::open(folder_ / "other.db");
  const auto original = nlohmann::json::parse(export_all_conversations(*db_, ExportFormat::kJson));
  std::mt19937 random(99);
  const std::vector<nlohmann::json> replacements = {
      nullptr, -1, 1e300, "text", true, nlohmann::json::array(), nlohmann::json::object(), 123456789, 0};
  int accepted = 0, refused = 0;
  for (int round = 0; round < 300; ++round) {
    nlohmann::json document = original;
    // Pick a random object inside the document and damage one of its fields.
    for (int damage = 0; damage < 3; ++damage) {
      nlohmann::json* node = &document;
      while (true) {
        if (node->is_object() && !node->empty() && random() % 3 != 0) {
          auto it = node->begin();
          std::advance(it, random() % node->size());
          if (!it->is_structured()) {
            if (random() % 2) {
              node->erase(it.key());
            } else {
              *it = replacements[random() % replacements.size()];
            }
            break;
          }
          node = &*it;
        } else if (node->is_array() && !node->empty()) {
          node = &(*node)[random() % node->size()];
        } else {
          *node = replacements[random() % replacements.size()];
          break;
        }
      }
    }
    const auto count_before =
        ConversationStore(other).list({.archived = ConversationFilter::Archived::kInclude}).size();
    try {
      import_conversations_json(other, document.dump(), "damaged.json");
      ++accepted;
    } catch (const StorageError& error) {
      EXPECT_EQ(error.kind(), ErrorKind::kInvalidArgument) << error.what();
      EXPECT_EQ(ConversationStore(other).list({.archived = ConversationFilter::Archived::kInclude}).size(),
                count_before);
      ++refused;
    }
  }
  EXPECT_GT(refused, 50);
  EXPECT_EQ(testing::query_text(other, "PRAGMA integrity_check"), "ok");
  EXPECT_EQ(testing::query_int(other, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
}

}  // namespace
}  // namespace neox::storage
