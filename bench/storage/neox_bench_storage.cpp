// Storage benchmark: builds a database of 1,000 conversations x 100 messages
// (100k messages; prompts of a sentence or three, replies of a paragraph to a
// page, a third of them with a code block), then measures p50/p99 of:
// open + list conversations, load one conversation, FTS search, append a
// message, save a streaming reply update.
// Goals (issue 3): list and search under 50 ms, append under 2 ms at p99.
//
//   neox_bench_storage [--conversations N] [--messages M] [--keep PATH]
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "neox/storage/conversation_store.h"
#include "neox/storage/message_store.h"
#include "neox/storage/search.h"

namespace {

using namespace neox::storage;
using Clock = std::chrono::steady_clock;

// Pseudo-English: a fixed vocabulary drawn with a Zipf-like skew (a few words
// very common, most rare), as in real chat text.
class TextMaker {
 public:
  explicit TextMaker(unsigned seed) : random_(seed) {
    const char* common[] = {"the",    "a",      "to",   "of",     "and",     "is",      "in",   "that",
                            "it",     "for",    "you",  "this",   "with",    "can",     "be",   "function",
                            "model",  "memory", "list", "python", "error",   "value",   "file", "use",
                            "return", "data",   "loop", "string", "example", "question"};
    for (const char* w : common) words_.push_back(w);
    const char* syllables[] = {"ka",   "lo",  "mi", "ne", "ru", "ta",  "vo",  "shi", "pre", "con",
                               "tion", "ber", "an", "el", "or", "ist", "ing", "ex",  "dra", "qua"};
    std::uniform_int_distribution<int> count(2, 4), pick(0, 19);
    while (words_.size() < 5000) {
      std::string word;
      for (int i = count(random_); i > 0; --i) word += syllables[pick(random_)];
      words_.push_back(word);
    }
  }
  std::string word() {
    // Zipf-ish: index = floor(N^u) - 1 for uniform u.
    const double u = std::uniform_real_distribution<double>(0, 1)(random_);
    const size_t index = static_cast<size_t>(std::pow(static_cast<double>(words_.size()), u)) - 1;
    return words_[std::min(index, words_.size() - 1)];
  }
  std::string prose(size_t chars) {
    std::string text;
    while (text.size() < chars) {
      text += word();
      text += random_() % 12 == 0 ? ". " : " ";
    }
    return text;
  }
  std::string code(size_t lines) {
    std::string text = "```python\n";
    for (size_t i = 0; i < lines; ++i)
      text += "    " + word() + " = " + word() + "(" + word() + ", " + std::to_string(i) + ")\n";
    return text + "```\n";
  }
  std::string reply() {
    const size_t length = 200 + random_() % 2800;
    std::string text = prose(length / 2);
    if (random_() % 3 == 0) text += "\n\n" + code(3 + random_() % 20) + "\n";
    return text + prose(length / 2);
  }
  std::string prompt() { return prose(40 + random_() % 360); }
  std::mt19937& random() { return random_; }

 private:
  std::mt19937 random_;
  std::vector<std::string> words_;
};

struct Timing {
  std::string name;
  double p50 = 0, p99 = 0, max = 0;
  int runs = 0;
  std::string goal;
};

Timing measure(const std::string& name, int runs, const std::string& goal,
               const std::function<void(int)>& fn) {
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    const auto start = Clock::now();
    fn(i);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) {
    return ms[std::min(ms.size() - 1, static_cast<size_t>(q * static_cast<double>(ms.size())))];
  };
  return {name, at(0.50), at(0.99), ms.back(), runs, goal};
}

}  // namespace

int main(int argc, char** argv) {
  int conversations_wanted = 1000;
  int messages_per_conversation = 100;
  std::filesystem::path keep;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--conversations") && i + 1 < argc)
      conversations_wanted = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--messages") && i + 1 < argc)
      messages_per_conversation = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--keep") && i + 1 < argc)
      keep = argv[++i];
    else {
      std::fprintf(stderr, "usage: neox_bench_storage [--conversations N] [--messages M] [--keep PATH]\n");
      return 2;
    }
  }
  std::filesystem::path folder;
  if (keep.empty()) {
    std::string pattern = (std::filesystem::temp_directory_path() / "neox-bench-storage-XXXXXX").string();
    if (!mkdtemp(pattern.data())) return 1;
    folder = pattern;
  } else {
    folder = keep;
    std::filesystem::create_directories(folder);
  }
  const auto path = folder / "conversations.db";
  std::filesystem::remove(path);

  TextMaker text(1234);
  std::vector<int64_t> conversation_ids;
  const auto build_start = Clock::now();
  {
    auto db = Database::open(path);
    ConversationStore conversations(db);
    MessageStore messages(db);
    for (int c = 0; c < conversations_wanted; ++c) {
      db.write([&] {
        const int64_t id = conversations.create({"/models/pythia-1b.Q4_0.gguf", "", "", "{}"}).id;
        int64_t parent = 0;
        for (int m = 0; m < messages_per_conversation; ++m) {
          const bool user = m % 2 == 0;
          MessageMeta meta;
          if (!user) meta.model = "pythia-1b", meta.stats = {100, 250, 80.0, 42.0};
          parent = messages
                       .add(id, parent, user ? Role::kUser : Role::kAssistant,
                            user ? text.prompt() : text.reply(), meta)
                       .id;
        }
        conversations.auto_title(id);
        conversation_ids.push_back(id);
      });
    }
  }
  const double build_s = std::chrono::duration<double>(Clock::now() - build_start).count();
  const double size_mb = static_cast<double>(std::filesystem::file_size(path)) / 1e6;
  std::printf("built %d conversations x %d messages in %.1f s; file %.1f MB\n", conversations_wanted,
              messages_per_conversation, build_s, size_mb);

  std::vector<Timing> table;
  auto& random = text.random();
  size_t listed = 0;
  table.push_back(measure("open (primary, quick_check) + list all", 20, "", [&](int) {
    auto db = Database::open(path);
    listed = ConversationStore(db).list().size();
  }));
  table.push_back(measure("open (primary, no check) + list all", 50, "< 50 ms", [&](int) {
    auto db = Database::open(path, {.verify = false});
    listed = ConversationStore(db).list().size();
  }));
  auto db = Database::open(path, {.verify = false});
  ConversationStore conversations(db);
  MessageStore messages(db);
  ConversationSearch search(db);
  table.push_back(measure("list all conversations (open db)", 200, "< 50 ms",
                          [&](int) { listed = conversations.list().size(); }));
  table.push_back(measure("list first 50 conversations", 200, "< 50 ms",
                          [&](int) { listed = conversations.list({.limit = 50}).size(); }));
  size_t loaded = 0;
  table.push_back(measure("load one conversation (100 msgs)", 500, "", [&](int) {
    loaded += messages.shown_path(conversation_ids[random() % conversation_ids.size()]).size();
  }));
  // Queries: a very common word, a mid-frequency one, two words, a prefix as typed, and one with no hits.
  const std::vector<std::string> queries = {"the", "memory", "python error", "func", "zzzqx"};
  size_t hits = 0;
  for (const std::string& query : queries) {
    table.push_back(measure("search \"" + query + "\" (50 hits)", 50, "< 50 ms",
                            [&](int) { hits += search.search(query).size(); }));
  }
  table.push_back(measure("search a random corpus word", 200, "< 50 ms",
                          [&](int) { hits += search.search(text.word()).size(); }));
  int64_t leaf = 0;
  const int64_t target = conversation_ids[conversation_ids.size() / 2];
  leaf = messages.shown_path(target).back().id;
  table.push_back(measure("append a message (own transaction)", 1000, "p99 < 2 ms",
                          [&](int) { leaf = messages.add(target, leaf, Role::kUser, text.prompt()).id; }));
  const int64_t reply = messages.begin_reply(target, leaf, "pythia-1b");
  std::string growing;
  table.push_back(measure("streaming reply update (growing text)", 1000, "p99 < 2 ms", [&](int) {
    growing += text.word() + " ";
    messages.update_reply(reply, growing);
  }));
  messages.finish_reply(reply, growing, MessageStatus::kComplete, {});

  std::printf("\n%-42s %6s %10s %10s %10s  %s\n", "operation", "runs", "p50 ms", "p99 ms", "max ms", "goal");
  for (const Timing& t : table) {
    std::printf("%-42s %6d %10.3f %10.3f %10.3f  %s\n", t.name.c_str(), t.runs, t.p50, t.p99, t.max,
                t.goal.c_str());
  }
  std::printf("\n(listed %zu conversations, loaded %zu messages, %zu search hits in total)\n", listed, loaded,
              hits);
  if (keep.empty()) std::filesystem::remove_all(folder);
  return 0;
}
