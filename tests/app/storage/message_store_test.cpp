// The message tree: branches, siblings ("2/3"), the shown branch, streaming
// replies and their recovery after a crash.
#include "neox/storage/message_store.h"

#include "neox/storage/conversation_store.h"
#include "neox/storage/reply_stream.h"
#include "storage_test_util.h"

namespace neox::storage {
namespace {

class MessageStoreTest : public testing::TempFolderTest {
 protected:
  void SetUp() override {
    TempFolderTest::SetUp();
    db_.emplace(Database::open(db_path_));
    conversation_ = ConversationStore(*db_).create().id;
  }
  void TearDown() override {
    db_.reset();
    TempFolderTest::TearDown();
  }
  std::vector<int64_t> shown_ids() {
    std::vector<int64_t> ids;
    for (const auto& m : MessageStore(*db_).shown_path(conversation_)) ids.push_back(m.id);
    return ids;
  }

  std::optional<Database> db_;
  int64_t conversation_ = 0;
};

TEST_F(MessageStoreTest, AddStoresEveryFieldAndShowsTheMessage) {
  MessageStore messages(*db_);
  MessageMeta meta;
  meta.model = "pythia-70m";
  meta.stats = {12, 34, 56.5, 78.25};
  const Message user =
      messages.add(conversation_, 0, Role::kUser, "hello \"world\" 'quoted' \xF0\x9F\x98\x80");
  const Message reply = messages.add(conversation_, user.id, Role::kAssistant, "hi", meta);
  EXPECT_EQ(messages.get(user.id), user);
  EXPECT_EQ(messages.get(reply.id), reply);
  EXPECT_EQ(reply.parent_id, user.id);
  EXPECT_EQ(reply.stats, meta.stats);
  EXPECT_EQ(reply.model, "pythia-70m");
  EXPECT_EQ(ConversationStore(*db_).get(conversation_).shown_leaf_id, reply.id);
  EXPECT_EQ(shown_ids(), (std::vector<int64_t>{user.id, reply.id}));
  // Text with NUL bytes and SQL in it is stored as it is.
  const std::string odd("a\0b'); DROP TABLE messages; --", 31);
  EXPECT_EQ(messages.get(messages.add(conversation_, reply.id, Role::kUser, odd).id).text, odd);
}

TEST_F(MessageStoreTest, ParentMustBeInTheSameConversation) {
  MessageStore messages(*db_);
  const int64_t other = ConversationStore(*db_).create().id;
  const Message elsewhere = messages.add(other, 0, Role::kUser, "elsewhere");
  try {
    messages.add(conversation_, elsewhere.id, Role::kAssistant, "x");
    FAIL();
  } catch (const StorageError& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kInvalidArgument);
  }
  EXPECT_THROW(messages.add(conversation_, 999, Role::kAssistant, "x"), StorageError);
  EXPECT_THROW(messages.add(12345, 0, Role::kUser, "x"), StorageError);
  EXPECT_TRUE(messages.all(conversation_).empty());
}

// Regenerating a reply and editing a prompt add siblings; nothing is lost and
// each branch can be shown again.
TEST_F(MessageStoreTest, BranchesSiblingsAndTheShownBranch) {
  MessageStore messages(*db_);
  const auto u1 = messages.add(conversation_, 0, Role::kUser, "question");
  const auto a1 = messages.add(conversation_, u1.id, Role::kAssistant, "answer 1");
  const auto u2 = messages.add(conversation_, a1.id, Role::kUser, "follow-up");
  const auto a2 = messages.add(conversation_, u2.id, Role::kAssistant, "follow-up answer");
  // Regenerate the first answer twice.
  const auto a1b = messages.add(conversation_, u1.id, Role::kAssistant, "answer 2");
  const auto a1c = messages.add(conversation_, u1.id, Role::kAssistant, "answer 3");
  EXPECT_EQ(shown_ids(), (std::vector<int64_t>{u1.id, a1c.id}));

  const Siblings siblings = messages.siblings(a1b.id);
  EXPECT_EQ(siblings.ids, (std::vector<int64_t>{a1.id, a1b.id, a1c.id}));
  EXPECT_EQ(siblings.index, 1u);
  EXPECT_EQ(siblings.label(), "2/3");
  EXPECT_EQ(messages.siblings(a1.id).label(), "1/3");
  EXPECT_EQ(messages.siblings(u2.id).label(), "1/1");

  // Going back to answer 1 shows the whole branch that followed it.
  EXPECT_EQ(messages.show(a1.id), a2.id);
  EXPECT_EQ(shown_ids(), (std::vector<int64_t>{u1.id, a1.id, u2.id, a2.id}));
  EXPECT_EQ(messages.path_to(u2.id).size(), 3u);

  // Editing the first prompt makes a second root.
  const auto edited = messages.add(conversation_, 0, Role::kUser, "question, edited");
  EXPECT_EQ(messages.siblings(edited.id).label(), "2/2");
  EXPECT_EQ(shown_ids(), (std::vector<int64_t>{edited.id}));
  EXPECT_EQ(messages.show(u1.id), a1c.id) << "the newest reply under the first prompt";
  EXPECT_EQ(messages.children(u1.id).size(), 3u);
  EXPECT_EQ(messages.all(conversation_).size(), 7u);
}

TEST_F(MessageStoreTest, RemovingTheShownBranchShowsAnAlternative) {
  MessageStore messages(*db_);
  const auto u1 = messages.add(conversation_, 0, Role::kUser, "q");
  const auto a1 = messages.add(conversation_, u1.id, Role::kAssistant, "a1");
  const auto a2 = messages.add(conversation_, u1.id, Role::kAssistant, "a2");
  const auto u2 = messages.add(conversation_, a2.id, Role::kUser, "q2");
  messages.remove_branch(a2.id);
  EXPECT_FALSE(messages.find(u2.id));
  EXPECT_EQ(shown_ids(), (std::vector<int64_t>{u1.id, a1.id}));
  messages.remove_branch(a1.id);
  EXPECT_EQ(shown_ids(), (std::vector<int64_t>{u1.id}));
  // Removing a branch that is not shown leaves the shown one alone.
  const auto b1 = messages.add(conversation_, u1.id, Role::kAssistant, "b1");
  const auto b2 = messages.add(conversation_, u1.id, Role::kAssistant, "b2");
  messages.remove_branch(b1.id);
  EXPECT_EQ(shown_ids(), (std::vector<int64_t>{u1.id, b2.id}));
  messages.remove_branch(u1.id);
  EXPECT_TRUE(shown_ids().empty());
  EXPECT_TRUE(messages.all(conversation_).empty());
  EXPECT_EQ(testing::query_int(*db_, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
}

TEST_F(MessageStoreTest, StreamingReplyIsSavedAsItGrowsThenFinalized) {
  MessageStore messages(*db_);
  const auto user = messages.add(conversation_, 0, Role::kUser, "tell me");
  const int64_t id = messages.begin_reply(conversation_, user.id, "pythia-160m");
  Message m = messages.get(id);
  EXPECT_EQ(m.status, MessageStatus::kStreaming);
  EXPECT_EQ(m.text, "");
  EXPECT_EQ(shown_ids().back(), id);
  messages.update_reply(id, "Once upon");
  EXPECT_EQ(messages.get(id).text, "Once upon");
  messages.finish_reply(id, "Once upon a time.", MessageStatus::kComplete, {5, 4, 120.5, 33.3});
  m = messages.get(id);
  EXPECT_EQ(m.status, MessageStatus::kComplete);
  EXPECT_EQ(m.text, "Once upon a time.");
  EXPECT_EQ(m.stats, (MessageStats{5, 4, 120.5, 33.3}));
  EXPECT_EQ(m.model, "pythia-160m");
  // A finished reply no longer takes streaming updates.
  EXPECT_THROW(messages.update_reply(id, "more"), StorageError);

  const int64_t failed = messages.begin_reply(conversation_, user.id, "pythia-160m");
  messages.finish_reply(failed, "partial", MessageStatus::kFailed, {}, "out of memory (needs 2.1 GB)");
  EXPECT_EQ(messages.get(failed).error, "out of memory (needs 2.1 GB)");
  EXPECT_EQ(messages.get(failed).status, MessageStatus::kFailed);
}

TEST_F(MessageStoreTest, InterruptedReplyIsStoppedWithItsTextAtTheNextOpen) {
  int64_t id = 0;
  {
    MessageStore messages(*db_);
    const auto user = messages.add(conversation_, 0, Role::kUser, "go");
    id = messages.begin_reply(conversation_, user.id, "m");
    messages.update_reply(id, "half a repl");
  }
  db_.reset();  // the app goes away without finishing the reply
  db_.emplace(Database::open(db_path_));
  EXPECT_EQ(db_->report().interrupted_replies, 1);
  EXPECT_NE(db_->report().message().find("1 reply was interrupted"), std::string::npos);
  const Message m = MessageStore(*db_).get(id);
  EXPECT_EQ(m.status, MessageStatus::kStopped);
  EXPECT_EQ(m.text, "half a repl");
  db_.reset();
  db_.emplace(Database::open(db_path_));
  EXPECT_EQ(db_->report().interrupted_replies, 0);
}

TEST_F(MessageStoreTest, ReplyStreamThrottlesWrites) {
  MessageStore messages(*db_);
  const auto user = messages.add(conversation_, 0, Role::kUser, "go");
  {
    ReplyStream reply(messages, conversation_, user.id, "m", std::chrono::hours(1));
    reply.append("one ");
    reply.append("two ");
    EXPECT_EQ(messages.get(reply.message_id()).text, "") << "inside the interval nothing is written";
    EXPECT_EQ(reply.saved_length(), 0u);
    reply.flush();
    EXPECT_EQ(messages.get(reply.message_id()).text, "one two ");
    reply.append("three");
    reply.finish({1, 3, 10, 20});
    EXPECT_EQ(messages.get(reply.message_id()).text, "one two three");
    EXPECT_EQ(messages.get(reply.message_id()).status, MessageStatus::kComplete);
    EXPECT_TRUE(reply.finished());
  }
  {
    ReplyStream reply(messages, conversation_, user.id, "m", std::chrono::milliseconds(0));
    reply.append("a");
    EXPECT_EQ(messages.get(reply.message_id()).text, "a") << "a zero interval writes every piece";
    reply.append("b");
    EXPECT_EQ(reply.saved_length(), 2u);
    reply.fail("backend lost", {});
    EXPECT_EQ(messages.get(reply.message_id()).status, MessageStatus::kFailed);
  }
  int64_t dropped = 0;
  try {
    ReplyStream reply(messages, conversation_, user.id, "m", std::chrono::hours(1));
    dropped = reply.message_id();
    reply.append("cut short");
    throw std::runtime_error("generation crashed");
  } catch (const std::runtime_error&) {
  }
  const Message m = messages.get(dropped);
  EXPECT_EQ(m.status, MessageStatus::kStopped);
  EXPECT_EQ(m.text, "cut short");
}

}  // namespace
}  // namespace neox::storage
