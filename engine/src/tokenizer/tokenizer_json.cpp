#include "tokenizer/tokenizer_json.h"

#include <nlohmann/json.hpp>

#include "neox/error.h"

namespace neox::tok {
namespace {

using nlohmann::json;

class JsonReader {
 public:
  explicit JsonReader(const std::string& label) : label_(label) {}

  [[noreturn]] void fail(const std::string& what) const { throw Error(label_ + ": " + what); }

  const json* member(const json& obj, const char* key) const {
    const auto it = obj.find(key);
    return it == obj.end() || it->is_null() ? nullptr : &*it;
  }
  std::string string_field(const json& obj, const char* key, const std::string& where) const {
    const json* v = member(obj, key);
    if (!v || !v->is_string()) fail(where + "." + key + " is missing or not a string");
    return v->get<std::string>();
  }
  bool bool_field(const json& obj, const char* key, bool fallback, const std::string& where) const {
    const json* v = member(obj, key);
    if (!v) return fallback;
    if (!v->is_boolean()) fail(where + "." + key + " is not true/false");
    return v->get<bool>();
  }

 private:
  const std::string& label_;
};

void read_normalizer(const JsonReader& r, const json* n, TokenizerSpec* spec) {
  if (!n) return;
  if (!n->is_object()) r.fail("normalizer is not an object");
  const std::string type = r.string_field(*n, "type", "normalizer");
  if (type == "NFC") {
    spec->nfc = true;
  } else if (type == "Sequence") {
    const json* list = r.member(*n, "normalizers");
    if (!list || !list->is_array()) r.fail("normalizer Sequence has no normalizers list");
    for (const json& inner : *list) read_normalizer(r, &inner, spec);
  } else {
    r.fail("normalizer type \"" + type + "\" is not supported (supported: NFC, none)");
  }
}

void read_pre_tokenizer(const JsonReader& r, const json* p, TokenizerSpec* spec) {
  if (!p) r.fail("pre_tokenizer is missing (only ByteLevel BPE tokenizers are supported)");
  if (!p->is_object()) r.fail("pre_tokenizer is not an object");
  const std::string type = r.string_field(*p, "type", "pre_tokenizer");
  if (type == "Sequence") {
    const json* list = r.member(*p, "pretokenizers");
    if (!list || !list->is_array() || list->size() != 1)
      r.fail("pre_tokenizer Sequence is supported only with a single ByteLevel step");
    read_pre_tokenizer(r, &(*list)[0], spec);
    return;
  }
  if (type != "ByteLevel")
    r.fail("pre_tokenizer type \"" + type + "\" is not supported (supported: ByteLevel)");
  spec->add_prefix_space = r.bool_field(*p, "add_prefix_space", true, "pre_tokenizer");
  spec->use_regex = r.bool_field(*p, "use_regex", true, "pre_tokenizer");
}

void read_model(const JsonReader& r, const json* m, TokenizerSpec* spec) {
  if (!m || !m->is_object()) r.fail("model is missing or not an object");
  if (const json* type = r.member(*m, "type")) {
    if (!type->is_string()) r.fail("model.type is not a string");
    if (type->get<std::string>() != "BPE")
      r.fail("model type \"" + type->get<std::string>() + "\" is not supported (supported: BPE)");
  }
  const json* vocab = r.member(*m, "vocab");
  if (!vocab) r.fail("model.vocab is missing");
  if (!vocab->is_object()) r.fail("model.vocab is not an object of token → id");
  spec->vocab.reserve(vocab->size());
  for (const auto& [token, id] : vocab->items()) {
    if (!id.is_number_integer()) r.fail("model.vocab[\"" + token + "\"] is not an integer id");
    const int64_t v = id.get<int64_t>();
    if (v < 0 || v > INT32_MAX) r.fail("model.vocab[\"" + token + "\"] has id " + std::to_string(v));
    spec->vocab.emplace_back(token, static_cast<int32_t>(v));
  }
  if (const json* merges = r.member(*m, "merges")) {
    if (!merges->is_array()) r.fail("model.merges is not a list");
    spec->merges.reserve(merges->size());
    for (size_t i = 0; i < merges->size(); ++i) {
      const json& merge = (*merges)[i];
      std::pair<std::string, std::string> pair;
      if (merge.is_string()) {
        if (!split_merge_line(merge.get_ref<const std::string&>(), &pair))
          r.fail("model.merges[" + std::to_string(i) + "] is not \"a b\"");
      } else if (merge.is_array() && merge.size() == 2 && merge[0].is_string() && merge[1].is_string()) {
        pair = {merge[0].get<std::string>(), merge[1].get<std::string>()};
      } else {
        r.fail("model.merges[" + std::to_string(i) + "] is neither \"a b\" nor [\"a\", \"b\"]");
      }
      spec->merges.push_back(std::move(pair));
    }
  }
  if (const json* dropout = r.member(*m, "dropout")) {
    if (!dropout->is_number() || dropout->get<double>() != 0.0)
      r.fail("model.dropout is set; BPE dropout is for training and is not supported");
  }
  for (const char* key : {"continuing_subword_prefix", "end_of_word_suffix"}) {
    const json* v = r.member(*m, key);
    if (v && !(v->is_string() && v->get_ref<const std::string&>().empty()))
      r.fail(std::string("model.") + key + " is not supported");
  }
  if (const json* unk = r.member(*m, "unk_token")) {
    if (!unk->is_string()) r.fail("model.unk_token is not a string");
    spec->unk_token = unk->get<std::string>();
  }
  spec->bpe.fuse_unk = r.bool_field(*m, "fuse_unk", false, "model");
  spec->bpe.byte_fallback = r.bool_field(*m, "byte_fallback", false, "model");
  spec->bpe.ignore_merges = r.bool_field(*m, "ignore_merges", false, "model");
}

void read_added_tokens(const JsonReader& r, const json* list, TokenizerSpec* spec) {
  if (!list) return;
  if (!list->is_array()) r.fail("added_tokens is not a list");
  for (size_t i = 0; i < list->size(); ++i) {
    const json& t = (*list)[i];
    const std::string where = "added_tokens[" + std::to_string(i) + "]";
    if (!t.is_object()) r.fail(where + " is not an object");
    AddedToken token;
    const json* id = r.member(t, "id");
    if (!id || !id->is_number_integer() || id->get<int64_t>() < 0 || id->get<int64_t>() > INT32_MAX)
      r.fail(where + ".id is missing or not a valid id");
    token.id = static_cast<int32_t>(id->get<int64_t>());
    token.content = r.string_field(t, "content", where);
    token.special = r.bool_field(t, "special", false, where);
    token.normalized = r.bool_field(t, "normalized", !token.special, where);
    token.lstrip = r.bool_field(t, "lstrip", false, where);
    token.rstrip = r.bool_field(t, "rstrip", false, where);
    token.single_word = r.bool_field(t, "single_word", false, where);
    spec->added.push_back(std::move(token));
  }
}

}  // namespace

bool split_merge_line(std::string_view line, std::pair<std::string, std::string>* merge) {
  const size_t space = line.find(' ');
  if (space == std::string_view::npos || line.find(' ', space + 1) != std::string_view::npos) return false;
  *merge = {std::string(line.substr(0, space)), std::string(line.substr(space + 1))};
  return true;
}

TokenizerSpec parse_tokenizer_json(std::string_view text, const std::string& label) {
  const JsonReader r(label);
  json root;
  try {
    root = json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {
    r.fail(std::string("malformed JSON: ") + e.what());
  }
  if (!root.is_object()) r.fail("not a tokenizer.json (the top level is not an object)");
  TokenizerSpec spec;
  spec.label = label;
  try {
    read_model(r, r.member(root, "model"), &spec);
    read_normalizer(r, r.member(root, "normalizer"), &spec);
    read_pre_tokenizer(r, r.member(root, "pre_tokenizer"), &spec);
    read_added_tokens(r, r.member(root, "added_tokens"), &spec);
  } catch (const json::exception& e) {  // a type mismatch the checks above missed
    r.fail(std::string("unexpected JSON content: ") + e.what());
  }
  return spec;
}

}  // namespace neox::tok
