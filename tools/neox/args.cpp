// Command-line parsing; see args.h.
#include "args.h"

#include <cctype>
#include <cstdlib>

#include "neox/error.h"

namespace neox::cli {

ArgParser& ArgParser::option(const std::string& name, const std::string& alias, const std::string& help) {
  specs_.push_back({name, alias, help, true});
  return *this;
}

ArgParser& ArgParser::flag(const std::string& name, const std::string& help) {
  specs_.push_back({name, "", help, false});
  return *this;
}

const ArgParser::Spec* ArgParser::find(const std::string& arg) const {
  for (const auto& s : specs_)
    if (arg == s.name || (!s.alias.empty() && arg == s.alias)) return &s;
  return nullptr;
}

void ArgParser::parse(int argc, char** argv, int first) {
  for (int i = first; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      given_["--help"].push_back("");
      continue;
    }
    if (arg.size() > 1 && arg[0] == '-' && !(arg.size() > 1 && (std::isdigit(static_cast<unsigned char>(arg[1])) || arg[1] == '.'))) {
      std::string inline_value;
      bool has_inline = false;
      if (const size_t eq = arg.find('='); eq != std::string::npos && arg.starts_with("--")) {
        inline_value = arg.substr(eq + 1);
        arg = arg.substr(0, eq);
        has_inline = true;
      }
      const Spec* spec = find(arg);
      if (!spec) throw Error(command_ + ": unknown option " + arg + " (see neox " + command_ + " --help)");
      if (!spec->takes_value) {
        given_[spec->name].push_back("");
      } else if (has_inline) {
        given_[spec->name].push_back(inline_value);
      } else {
        if (i + 1 >= argc) throw Error(command_ + ": option " + arg + " needs a value");
        given_[spec->name].push_back(argv[++i]);
      }
      continue;
    }
    positional_.push_back(arg);
  }
}

std::string ArgParser::help() const {
  std::string out = "usage: neox " + command_ + " " + usage_ + "\n\noptions:\n";
  for (const auto& s : specs_) {
    std::string left = "  " + s.name + (s.alias.empty() ? "" : ", " + s.alias) + (s.takes_value ? " V" : "");
    if (left.size() < 28) left.resize(28, ' ');
    out += left + " " + s.help + "\n";
  }
  out += "  --help, -h                 this help\n";
  return out;
}

bool ArgParser::has(const std::string& name) const { return given_.count(name) > 0; }

std::optional<std::string> ArgParser::value(const std::string& name) const {
  auto it = given_.find(name);
  if (it == given_.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> ArgParser::values(const std::string& name) const {
  auto it = given_.find(name);
  return it == given_.end() ? std::vector<std::string>{} : it->second;
}

std::string ArgParser::get(const std::string& name, const std::string& fallback) const {
  return value(name).value_or(fallback);
}

long long ArgParser::get_int(const std::string& name, long long fallback) const {
  const auto v = value(name);
  if (!v) return fallback;
  char* end = nullptr;
  const long long out = std::strtoll(v->c_str(), &end, 10);
  if (v->empty() || *end != '\0') throw Error(command_ + ": " + name + " needs an integer, got \"" + *v + "\"");
  return out;
}

double ArgParser::get_float(const std::string& name, double fallback) const {
  const auto v = value(name);
  if (!v) return fallback;
  char* end = nullptr;
  const double out = std::strtod(v->c_str(), &end);
  if (v->empty() || *end != '\0') throw Error(command_ + ": " + name + " needs a number, got \"" + *v + "\"");
  return out;
}

}  // namespace neox::cli
