// Streams replies into a database until it is killed; the crash test in
// crash_test.cpp runs it. After each commit it reports on stdout (a pipe), one
// line each, written only once the commit has returned:
//   U <id>          a user message
//   P <id> <bytes>  a reply's text, <bytes> long, saved while streaming
//   F <id> <bytes>  a reply finished (complete) with <bytes> of text
// Reply text is reply_text(n) for its n pieces, so the parent can check it.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include "neox/storage/conversation_store.h"
#include "neox/storage/message_store.h"
#include "neox/storage/reply_stream.h"

namespace {

void report(const std::string& line) {
  const std::string text = line + "\n";
  // One write per line: the parent never sees half a line from a live child.
  if (write(STDOUT_FILENO, text.data(), text.size()) != static_cast<ssize_t>(text.size())) _exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: storage_crash_child DATABASE SEED\n");
    return 2;
  }
  using namespace neox::storage;
  std::mt19937 random(static_cast<unsigned>(std::strtoul(argv[2], nullptr, 10)));
  try {
    auto db = Database::open(argv[1]);
    ConversationStore conversations(db);
    MessageStore messages(db);
    report("R");  // ready: the parent starts its timer
    int64_t conversation = 0;
    int64_t parent = 0;
    for (;;) {
      if (conversation == 0 || random() % 5 == 0) {
        conversation = conversations.create({}, "").id;
        parent = 0;
      }
      parent = messages.add(conversation, parent, Role::kUser, "question " + std::to_string(random())).id;
      report("U " + std::to_string(parent));
      // The reply is kept in the parent's message by ReplyStream; every piece
      // is saved (interval 0) so each report marks a commit.
      ReplyStream reply(messages, conversation, parent, "crash-test-model", std::chrono::milliseconds(0));
      const int pieces = 5 + static_cast<int>(random() % 40);
      for (int k = 0; k < pieces; ++k) {
        reply.append("w" + std::to_string(k) + " ");
        report("P " + std::to_string(reply.message_id()) + " " + std::to_string(reply.saved_length()));
      }
      reply.finish({10, pieces, 1.5, 100});
      report("F " + std::to_string(reply.message_id()) + " " + std::to_string(reply.text().size()));
      if (random() % 3 == 0) conversations.auto_title(conversation);
      parent = reply.message_id();
    }
  } catch (const std::exception& error) {
    std::fprintf(stderr, "storage_crash_child: %s\n", error.what());
    return 1;
  }
}
