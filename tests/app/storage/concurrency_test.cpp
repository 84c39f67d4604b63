// The UI thread reads (list, load, search) while the worker thread streams
// replies, each on its own connection to the same file: no SQLITE_BUSY (or
// any other error) reaches either side, and the reader always sees whole commits.
#include <atomic>
#include <thread>

#include "neox/storage/conversation_store.h"
#include "neox/storage/message_store.h"
#include "neox/storage/reply_stream.h"
#include "neox/storage/search.h"
#include "storage_test_util.h"

namespace neox::storage {
namespace {

class ConcurrencyTest : public testing::TempFolderTest {};

TEST_F(ConcurrencyTest, ReaderAndWriterThreadsNeverSeeBusy) {
  auto ui = Database::open(db_path_);
  const int64_t conversation = ConversationStore(ui).create({}, "busy day").id;
  std::atomic<bool> done{false};
  std::atomic<int> writer_errors{0}, reader_errors{0}, reads{0}, replies{0};
  std::string first_error;
  std::mutex error_mutex;
  auto record = [&](std::atomic<int>& counter, const std::exception& error) {
    ++counter;
    std::lock_guard lock(error_mutex);
    if (first_error.empty()) first_error = error.what();
  };

  std::thread worker([&] {
    try {
      auto db = Database::open(db_path_, {.role = OpenRole::kSecondary});
      ConversationStore conversations(db);
      MessageStore messages(db);
      int64_t parent = 0;
      for (int round = 0; round < 60; ++round) {
        try {
          const int64_t target = round % 10 == 0 ? conversations.create().id : conversation;
          const int64_t user_parent = target == conversation ? parent : 0;
          const auto user =
              messages.add(target, user_parent, Role::kUser, "question " + std::to_string(round));
          ReplyStream reply(messages, target, user.id, "m", std::chrono::milliseconds(0));
          for (int k = 0; k < 30; ++k) reply.append("token" + std::to_string(k) + " ");
          reply.finish({1, 30, 2, 3});
          conversations.auto_title(target);
          if (target == conversation) parent = reply.message_id();
          ++replies;
        } catch (const std::exception& error) {
          record(writer_errors, error);
        }
      }
    } catch (const std::exception& error) {
      record(writer_errors, error);
    }
    done = true;
  });

  std::thread reader([&] {
    ConversationStore conversations(ui);
    MessageStore messages(ui);
    ConversationSearch search(ui);
    while (!done) {
      try {
        const auto list = conversations.list();
        const auto path = messages.shown_path(conversation);
        // A snapshot is whole: the path runs from a root to the shown leaf.
        for (size_t i = 1; i < path.size(); ++i) {
          if (path[i].parent_id != path[i - 1].id) throw std::runtime_error("torn path");
        }
        search.search("token2");
        ++reads;
      } catch (const std::exception& error) {
        record(reader_errors, error);
      }
    }
  });
  worker.join();
  reader.join();
  EXPECT_EQ(writer_errors, 0) << first_error;
  EXPECT_EQ(reader_errors, 0) << first_error;
  EXPECT_EQ(replies, 60);
  EXPECT_GT(reads, 10);
  EXPECT_EQ(MessageStore(ui).shown_path(conversation).size(),
            108u);  // 54 exchanges in the shared conversation
}

// Two writers at once (the worker streaming, the UI renaming and pinning):
// BEGIN IMMEDIATE plus retries serialize them without errors.
TEST_F(ConcurrencyTest, TwoWritersAreSerialized) {
  auto ui = Database::open(db_path_);
  const int64_t id = ConversationStore(ui).create().id;
  std::atomic<int> errors{0};
  std::thread worker([&] {
    auto db = Database::open(db_path_, {.role = OpenRole::kSecondary});
    MessageStore messages(db);
    for (int i = 0; i < 300; ++i) {
      try {
        messages.add(id, 0, Role::kUser, "message " + std::to_string(i));
      } catch (const std::exception&) {
        ++errors;
      }
    }
  });
  ConversationStore conversations(ui);
  for (int i = 0; i < 300; ++i) {
    try {
      conversations.rename(id, "title " + std::to_string(i));
      conversations.set_pinned(id, i % 2 == 0);
    } catch (const std::exception&) {
      ++errors;
    }
  }
  worker.join();
  EXPECT_EQ(errors, 0);
  EXPECT_EQ(MessageStore(ui).all(id).size(), 300u);
  EXPECT_EQ(ConversationStore(ui).get(id).title, "title 299");
}

}  // namespace
}  // namespace neox::storage
