// Full-text search: hits in titles and messages with highlighted snippets,
// kept in sync by triggers, and safe with anything a user can type.
#include "neox/storage/search.h"

#include "neox/storage/conversation_store.h"
#include "neox/storage/message_store.h"
#include "storage_test_util.h"

namespace neox::storage {
namespace {

class SearchTest : public testing::TempFolderTest {
 protected:
  void SetUp() override {
    TempFolderTest::SetUp();
    db_.emplace(Database::open(db_path_));
    ConversationStore conversations(*db_);
    MessageStore messages(*db_);
    rust_ = conversations.create({}, "Rust borrow checker").id;
    const auto q = messages.add(rust_, 0, Role::kUser, "Why does the borrow checker reject this loop?");
    answer_ = messages
                  .add(rust_, q.id, Role::kAssistant,
                       "Because `v` is borrowed mutably while an immutable reference is alive. "
                       "Clone the value or restructure the loop.")
                  .id;
    cooking_ = conversations.create({}, "Pancakes").id;
    messages.add(cooking_, 0, Role::kUser, "A recipe for crêpes <b>without</b> eggs & milk?");
  }
  void TearDown() override {
    db_.reset();
    TempFolderTest::TearDown();
  }
  std::optional<Database> db_;
  int64_t rust_ = 0, cooking_ = 0, answer_ = 0;
};

TEST_F(SearchTest, FindsTitlesAndMessagesWithSnippets) {
  ConversationSearch search(*db_);
  const auto hits = search.search("borrow");
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(hits[0].message_id, 0) << "title hits come first";
  EXPECT_EQ(hits[0].conversation_id, rust_);
  EXPECT_EQ(hits[0].snippet,
            "Rust \x02"
            "borrow\x03 checker");
  EXPECT_EQ(snippet_html(hits[0].snippet), "Rust <b>borrow</b> checker");
  EXPECT_EQ(snippet_plain(hits[0].snippet), "Rust borrow checker");
  for (size_t i = 1; i < hits.size(); ++i) {
    EXPECT_EQ(hits[i].conversation_id, rust_);
    EXPECT_EQ(hits[i].conversation_title, "Rust borrow checker");
    EXPECT_NE(hits[i].message_id, 0);
    EXPECT_NE(hits[i].snippet.find('\x02'), std::string::npos) << hits[i].snippet;
  }
  // "borrowed" matches as a prefix of the last word, the whole word elsewhere.
  EXPECT_EQ(search.search("is borrowed").size(), 1u);
  EXPECT_EQ(search.search("borrow", {.prefix_last_word = false}).size(), 2u);
  EXPECT_EQ(search.search("CLONE value")[0].message_id, answer_) << "case-insensitive, all words required";
  EXPECT_TRUE(search.search("clone pancakes").empty());
  EXPECT_EQ(search.search("borrow", {.limit = 1}).size(), 1u);
}

TEST_F(SearchTest, AccentsAndHtmlInSnippetsAreSafe) {
  ConversationSearch search(*db_);
  const auto hits = search.search("crepes");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].role, Role::kUser);
  EXPECT_EQ(snippet_html(hits[0].snippet),
            "A recipe for <b>crêpes</b> &lt;b&gt;without&lt;/b&gt; eggs &amp; milk?");
}

// Whatever is typed is searched for as text: no FTS syntax error ever reaches the user.
TEST_F(SearchTest, UserQueriesNeverRaiseSyntaxErrors) {
  ConversationSearch search(*db_);
  const std::vector<std::string> hostile = {"\"",
                                            "\"\"",
                                            "\"borrow",
                                            "AND(",
                                            "borrow AND(",
                                            "OR",
                                            "NOT",
                                            "NEAR(borrow checker",
                                            "borrow)",
                                            "(",
                                            ")",
                                            "*",
                                            "borrow*",
                                            "^borrow",
                                            "title:borrow",
                                            "text:borrow",
                                            "-",
                                            "+",
                                            "{borrow}",
                                            "a:b:c",
                                            "'; DROP TABLE messages; --",
                                            "\\",
                                            "borrow\"checker",
                                            "\x01\x02\x03",
                                            "\xff\xfe",
                                            "",
                                            "   ",
                                            "NEAR",
                                            "borrow NOT checker",
                                            "col1 : x",
                                            "\"\" AND \"\"",
                                            "🙂",
                                            "%_%"};
  for (const std::string& query : hostile) {
    SCOPED_TRACE(query);
    EXPECT_NO_THROW(search.search(query));
  }
  // Operator words are plain words: "checker AND(" finds messages containing both words.
  EXPECT_FALSE(search.search("borrow\"checker").empty());
  EXPECT_TRUE(search.search("\"").empty());
  EXPECT_TRUE(search.search("   ").empty());
  EXPECT_EQ(ConversationSearch::fts_query("say \"hi\" AND(", false), R"("say" """hi""" "AND(")");
  EXPECT_EQ(ConversationSearch::fts_query("  abc  ", true), R"("abc"*)");
  EXPECT_EQ(ConversationSearch::fts_query("- * \"", true), "");
  EXPECT_EQ(testing::query_text(*db_, "PRAGMA integrity_check"), "ok");
}

TEST_F(SearchTest, TriggersKeepTheIndexInSync) {
  ConversationSearch search(*db_);
  ConversationStore conversations(*db_);
  MessageStore messages(*db_);
  conversations.rename(cooking_, "Breakfast ideas");
  EXPECT_TRUE(search.search("pancakes").empty());
  EXPECT_EQ(search.search("breakfast").size(), 1u);
  // A streaming reply is searchable as it grows and after it ends.
  const int64_t reply = messages.begin_reply(cooking_, 0, "m");
  messages.update_reply(reply, "Use mashed banana");
  EXPECT_EQ(search.search("banana").size(), 1u);
  messages.finish_reply(reply, "Use applesauce", MessageStatus::kComplete, {});
  EXPECT_TRUE(search.search("banana").empty());
  EXPECT_EQ(search.search("applesauce").size(), 1u);
  messages.set_text(reply, "Use flax seeds");
  EXPECT_EQ(search.search("flax").size(), 1u);
  messages.remove_branch(reply);
  EXPECT_TRUE(search.search("flax").empty());
  conversations.set_archived(rust_, true);
  EXPECT_EQ(search.search("borrow").size(), 3u);
  EXPECT_TRUE(search.search("borrow", {.include_archived = false}).empty());
  EXPECT_TRUE(search.search("borrow").front().archived);
  conversations.remove(rust_);
  EXPECT_TRUE(search.search("borrow").empty());
  // The FTS index agrees with its content table.
  db_->connection().exec("INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)");
  db_->connection().exec(
      "INSERT INTO conversations_fts(conversations_fts, rank) VALUES ('integrity-check', 1)");
}

// Ranking looks at the newest rank_window matches only (bounded cost for
// common words); 0 ranks every match.
TEST_F(SearchTest, RankWindowLimitsRankingToTheNewestMatches) {
  MessageStore messages(*db_);
  std::vector<int64_t> ids;
  for (int i = 0; i < 30; ++i) {
    // Older messages say "alpha" more often, so bm25 alone would prefer them.
    const std::string text = i < 20 ? "alpha alpha alpha alpha" : "alpha and many other words around it";
    ids.push_back(messages.add(cooking_, 0, Role::kUser, text).id);
  }
  ConversationSearch search(*db_);
  const auto windowed = search.search("alpha", {.limit = 5, .rank_window = 10});
  ASSERT_EQ(windowed.size(), 5u);
  for (const auto& hit : windowed) EXPECT_GE(hit.message_id, ids[20]) << "only the newest 10 matches compete";
  const auto everything = search.search("alpha", {.limit = 5, .rank_window = 0});
  ASSERT_EQ(everything.size(), 5u);
  for (const auto& hit : everything)
    EXPECT_LT(hit.message_id, ids[20]) << "bm25 over all prefers dense matches";
  EXPECT_EQ(search.search("alpha", {.limit = 100, .rank_window = 10}).size(), 10u);
}

}  // namespace
}  // namespace neox::storage
