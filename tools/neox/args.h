// A small command-line parser for the neox subcommands: named options with a
// value (--temp 0.7, --stop S repeatable), switches (--json), positionals.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace neox::cli {

class ArgParser {
 public:
  ArgParser(std::string command, std::string usage) : command_(std::move(command)), usage_(std::move(usage)) {}
  // An option taking a value; `alias` may be "" (e.g. "-n" for "--max-tokens").
  ArgParser& option(const std::string& name, const std::string& alias, const std::string& help);
  ArgParser& flag(const std::string& name, const std::string& help);

  // Parses argv[first..argc). Throws neox::Error for unknown options or a missing value.
  void parse(int argc, char** argv, int first);
  std::string help() const;

  bool has(const std::string& name) const;
  const std::vector<std::string>& positional() const { return positional_; }
  std::optional<std::string> value(const std::string& name) const;  // last given
  std::vector<std::string> values(const std::string& name) const;    // all given
  std::string get(const std::string& name, const std::string& fallback) const;
  long long get_int(const std::string& name, long long fallback) const;
  double get_float(const std::string& name, double fallback) const;

 private:
  struct Spec {
    std::string name, alias, help;
    bool takes_value = false;
  };
  const Spec* find(const std::string& arg) const;
  std::string command_, usage_;
  std::vector<Spec> specs_;
  std::map<std::string, std::vector<std::string>> given_;
  std::vector<std::string> positional_;
};

}  // namespace neox::cli
