// Conversations: create, rename, auto-title, pin, archive, delete, list order, settings.
#include "neox/storage/conversation_store.h"

#include <thread>

#include "neox/storage/message_store.h"
#include "storage_test_util.h"

namespace neox::storage {
namespace {

class ConversationStoreTest : public testing::TempFolderTest {
 protected:
  void SetUp() override {
    TempFolderTest::SetUp();
    db_.emplace(Database::open(db_path_));
  }
  void TearDown() override {
    db_.reset();
    TempFolderTest::TearDown();
  }
  // Timestamps have millisecond resolution; orderings need distinct ones.
  static void tick() { std::this_thread::sleep_for(std::chrono::milliseconds(2)); }

  std::optional<Database> db_;
};

TEST_F(ConversationStoreTest, CreateStoresSettingsAndReadsBack) {
  ConversationStore store(*db_);
  ConversationSettings settings{"/models/pythia-410m.gguf", "Be brief.", "chatml", R"({"temperature":0.2})"};
  const Conversation made = store.create(settings, "Plans");
  const Conversation read = store.get(made.id);
  EXPECT_EQ(read, made);
  EXPECT_EQ(read.title, "Plans");
  EXPECT_FALSE(read.title_is_auto);
  EXPECT_EQ(read.settings, settings);
  EXPECT_GT(read.created_ms, 1700000000000);
  EXPECT_EQ(read.shown_leaf_id, 0);

  const Conversation untitled = store.create();
  EXPECT_TRUE(store.get(untitled.id).title_is_auto);
  EXPECT_EQ(store.get(untitled.id).settings.sampling_json, "{}");
}

TEST_F(ConversationStoreTest, MissingConversationIsNotFound) {
  ConversationStore store(*db_);
  EXPECT_FALSE(store.find(42));
  try {
    store.get(42);
    FAIL();
  } catch (const StorageError& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kNotFound);
    EXPECT_NE(std::string(error.what()).find("conversations.db: no conversation with id 42"),
              std::string::npos);
  }
  EXPECT_THROW(store.rename(42, "x"), StorageError);
  EXPECT_THROW(store.set_pinned(42, true), StorageError);
  EXPECT_THROW(store.remove(42), StorageError);
}

TEST_F(ConversationStoreTest, ListsPinnedFirstThenNewestAndFiltersArchived) {
  ConversationStore store(*db_);
  MessageStore messages(*db_);
  const int64_t a = store.create({}, "a").id;
  tick();
  const int64_t b = store.create({}, "b").id;
  tick();
  const int64_t c = store.create({}, "c").id;
  tick();
  auto ids = [&](ConversationFilter filter = {}) {
    std::vector<int64_t> result;
    for (const auto& conversation : store.list(filter)) result.push_back(conversation.id);
    return result;
  };
  EXPECT_EQ(ids(), (std::vector<int64_t>{c, b, a}));
  messages.add(a, 0, Role::kUser, "new activity moves a to the top");
  EXPECT_EQ(ids(), (std::vector<int64_t>{a, c, b}));
  store.set_pinned(b, true);
  EXPECT_EQ(ids(), (std::vector<int64_t>{b, a, c}));
  store.set_archived(a, true);
  EXPECT_EQ(ids(), (std::vector<int64_t>{b, c}));
  EXPECT_EQ(ids({.archived = ConversationFilter::Archived::kOnly}), (std::vector<int64_t>{a}));
  EXPECT_EQ(ids({.archived = ConversationFilter::Archived::kInclude}), (std::vector<int64_t>{b, a, c}));
  EXPECT_EQ(ids({.limit = 1, .offset = 1}), (std::vector<int64_t>{c}));
  store.set_archived(a, false);
  store.set_pinned(b, false);
  EXPECT_EQ(ids(), (std::vector<int64_t>{a, c, b}));
}

TEST_F(ConversationStoreTest, RenameMakesTheTitleManual) {
  ConversationStore store(*db_);
  MessageStore messages(*db_);
  const int64_t id = store.create().id;
  messages.add(id, 0, Role::kUser, "What is the capital of France?");
  EXPECT_TRUE(store.auto_title(id));
  EXPECT_EQ(store.get(id).title, "What is the capital of France?");
  store.rename(id, "Geography");
  EXPECT_FALSE(store.get(id).title_is_auto);
  EXPECT_FALSE(store.auto_title(id));
  EXPECT_EQ(store.get(id).title, "Geography");
}

TEST_F(ConversationStoreTest, AutoTitleUsesTheFirstExchangeOfTheShownBranch) {
  ConversationStore store(*db_);
  MessageStore messages(*db_);
  const int64_t id = store.create().id;
  EXPECT_FALSE(store.auto_title(id)) << "nothing to title from yet";
  const auto first = messages.add(id, 0, Role::kUser, "## Explain   **quicksort**\nwith an example");
  messages.add(id, first.id, Role::kAssistant, "Quicksort picks a pivot...");
  EXPECT_TRUE(store.auto_title(id));
  EXPECT_EQ(store.get(id).title, "Explain quicksort");
  EXPECT_TRUE(store.get(id).title_is_auto);
  EXPECT_FALSE(store.auto_title(id)) << "same title: no change";
  // Editing the first prompt (a new root) retitles while the title is automatic.
  messages.add(id, 0, Role::kUser, "Explain merge sort");
  EXPECT_TRUE(store.auto_title(id));
  EXPECT_EQ(store.get(id).title, "Explain merge sort");
}

TEST_F(ConversationStoreTest, TitleFromExchange) {
  using S = ConversationStore;
  EXPECT_EQ(S::title_from_exchange("hello there", "hi"), "hello there");
  EXPECT_EQ(S::title_from_exchange("\n\n  > quoted  line \nsecond", ""), "quoted line");
  EXPECT_EQ(S::title_from_exchange("```python\nprint(1)\n```", ""), "print(1)");
  EXPECT_EQ(S::title_from_exchange("", "The reply, when there is no prompt"),
            "The reply, when there is no prompt");
  EXPECT_EQ(S::title_from_exchange("   ", "  "), "");
  const std::string long_prompt =
      "Please write a detailed comparison of the memory bandwidth of every GPU generation since 2010";
  const std::string title = S::title_from_exchange(long_prompt, "");
  EXPECT_LE(title.size(), 60u + 3);
  EXPECT_EQ(title, "Please write a detailed comparison of the memory bandwidth\u2026");
  // No word break near the limit: cut at a character boundary, never inside UTF-8.
  std::string accents;
  for (int i = 0; i < 40; ++i) accents += "\u00e9";  // 2 bytes each
  const std::string cut = S::title_from_exchange(accents, "");
  EXPECT_EQ(cut, std::string(accents, 0, 60) + "\u2026");
}

TEST_F(ConversationStoreTest, SettingsCanChange) {
  ConversationStore store(*db_);
  const int64_t id = store.create().id;
  ConversationSettings settings{"m.gguf", "sys", "llama-2", R"({"top_k":40})"};
  store.set_settings(id, settings);
  EXPECT_EQ(store.get(id).settings, settings);
}

TEST_F(ConversationStoreTest, RemoveDeletesEveryMessageAndItsSearchEntries) {
  ConversationStore store(*db_);
  MessageStore messages(*db_);
  const int64_t keep = store.create({}, "keep").id;
  const int64_t gone = store.create({}, "gone").id;
  messages.add(keep, 0, Role::kUser, "kept text");
  int64_t parent = 0;
  // A long chain: deleting it must not hit SQLite's trigger depth limit (1000).
  for (int i = 0; i < 1500; ++i)
    parent = messages.add(gone, parent, i % 2 ? Role::kAssistant : Role::kUser, "gone text").id;
  store.remove(gone);
  EXPECT_FALSE(store.find(gone));
  EXPECT_EQ(testing::query_int(*db_, "SELECT count(*) FROM messages"), 1);
  EXPECT_EQ(testing::query_int(*db_, "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'gone'"), 0);
  EXPECT_EQ(
      testing::query_int(*db_, "SELECT count(*) FROM conversations_fts WHERE conversations_fts MATCH 'gone'"),
      0);
  EXPECT_EQ(messages.shown_path(keep).size(), 1u);
  EXPECT_EQ(testing::query_text(*db_, "PRAGMA integrity_check"), "ok");
}

}  // namespace
}  // namespace neox::storage
