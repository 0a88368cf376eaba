// Option parsing by a command's row: short clusters ("-rf"), values glued or in the next word
// ("-n5", "-n 5", "--lines=5", "--lines 5"), "+x" options of shells, "--", and POSIX order
// (options end at the first operand) for wrappers.
#include <string>

#include "core/strings.h"
#include "shell/command_model.h"

namespace warden::shell {
namespace {

bool InList(std::string_view list, std::string_view word) {
  for (auto w : Split(list, ' ')) {
    if (w == word) return true;
  }
  return false;
}

// The value-taking long option `word` abbreviates (GNU getopt_long and git take any
// unambiguous prefix: --exe is --exec); when it abbreviates several, each takes a value, so the
// shortest stands for them; "" when none.
std::string_view Completed(std::string_view list, std::string_view word) {
  std::string_view found;
  if (word.size() < 2) return found;
  for (auto w : Split(list, ' ')) {
    if (w.size() <= word.size() || w.substr(0, word.size()) != word) continue;
    if (found.empty() || w.size() < found.size()) found = w;
  }
  return found;
}

// Shells take "+x" style options too; cargo/rustc take a "+toolchain" first.
bool TakesPlusOptions(const CommandSpec& spec) {
  return spec.family == Family::kShell || spec.name == "set" || spec.name == "cargo" || spec.name == "rustc" ||
         spec.name == "rustup" || spec.name == "rustdoc";
}

class OptionParser {
 public:
  OptionParser(const CommandSpec& spec, const std::vector<std::string>& argv, std::vector<Option>* options,
               std::vector<uint32_t>* operands, size_t* stop)
      : spec_(spec), argv_(argv), options_(options), operands_(operands), stop_(stop) {}

  void Run(size_t first) {
    *stop_ = argv_.size();
    for (i_ = first; i_ < argv_.size(); ++i_) Word();
  }

 private:
  void Word() {
    const std::string& tok = argv_[i_];
    if (tok.size() > 1 && tok[0] == '+' && !only_operands_ && TakesPlusOptions(spec_)) return Plus(tok);
    if (only_operands_ || tok.size() < 2 || tok[0] != '-') return Operand();
    if (tok == "--") {
      if (spec_.posix_order && *stop_ == argv_.size()) *stop_ = i_ + 1;
      only_operands_ = true;
      return;
    }
    if (tok[1] == '-') return Long(tok);
    Cluster(tok);
  }

  void Plus(const std::string& tok) {
    Option o;
    o.arg_index = Index();
    o.name = tok;
    if (tok == "+o" && i_ + 1 < argv_.size()) {
      o.value = argv_[++i_];
      o.has_value = true;
    }
    options_->push_back(std::move(o));
  }

  void Operand() {
    if (!only_operands_ && spec_.posix_order) {
      *stop_ = i_;
      only_operands_ = true;
    }
    // The first operand of a command with subcommands: its own options follow.
    if (operands_->empty() && spec_.verbs != nullptr && !only_operands_) {
      if (const CommandSpec* verb = spec_.verbs(argv_[i_])) spec_ = *verb;
    }
    operands_->push_back(Index());
  }

  void Long(const std::string& tok) {
    size_t eq = tok.find('=');
    Option o;
    o.arg_index = Index();
    o.name = tok.substr(0, eq);
    if (eq != std::string::npos) {
      o.value = tok.substr(eq + 1);
      o.has_value = true;
      const std::string_view bare = std::string_view(o.name).substr(2);
      if (!InList(spec_.long_value, bare)) {
        if (auto full = Completed(spec_.long_value, bare); !full.empty()) o.name = "--" + std::string(full);  // --to-com=CMD
      }
    } else if (InList(spec_.long_value, std::string_view(o.name).substr(2)) && i_ + 1 < argv_.size()) {
      o.value = argv_[++i_];
      o.has_value = true;
    } else if (auto full = Completed(spec_.long_value, std::string_view(o.name).substr(2)); !full.empty()) {
      o.name = "--" + std::string(full);  // an abbreviation is the option it abbreviates
      if (i_ + 1 < argv_.size()) {
        o.value = argv_[++i_];
        o.has_value = true;
      }
    }
    options_->push_back(std::move(o));
  }

  // "-rf" is -r and -f; "-n5" and "-n 5" give -n the value 5.
  void Cluster(const std::string& tok) {
    const uint32_t at = Index();
    for (size_t j = 1; j < tok.size(); ++j) {
      Option o;
      o.arg_index = at;
      o.name = std::string("-") + tok[j];
      const bool takes_value = spec_.short_value.find(tok[j]) != std::string_view::npos;
      if (takes_value && j + 1 < tok.size()) {
        o.value = tok.substr(j + 1);
        o.has_value = true;
      } else if (takes_value && i_ + 1 < argv_.size()) {
        o.value = argv_[++i_];
        o.has_value = true;
      }
      options_->push_back(std::move(o));
      if (takes_value) return;
    }
  }

  uint32_t Index() const { return static_cast<uint32_t>(i_); }

  CommandSpec spec_;  // a copy: a subcommand's table replaces it
  const std::vector<std::string>& argv_;
  std::vector<Option>* options_;
  std::vector<uint32_t>* operands_;
  size_t* stop_;
  size_t i_ = 0;
  bool only_operands_ = false;
};

}  // namespace

void ParseOptions(const CommandSpec& spec, const std::vector<std::string>& argv, size_t first,
                  std::vector<Option>* options, std::vector<uint32_t>* operands, size_t* stop) {
  OptionParser(spec, argv, options, operands, stop).Run(first);
}

const Option* FindOption(const std::vector<Option>& options, std::initializer_list<std::string_view> names) {
  for (const Option& o : options) {
    for (std::string_view n : names) {
      if (o.name == n) return &o;
      // GNU getopt_long accepts any unambiguous prefix: "--recur" is "--recursive".
      if (o.name.size() >= 3 && o.name[1] == '-' && n.size() > o.name.size() && n.substr(0, 2) == "--" &&
          n.substr(0, o.name.size()) == o.name) {
        return &o;
      }
    }
  }
  return nullptr;
}

bool HasOption(const std::vector<Option>& options, std::initializer_list<std::string_view> names) {
  return FindOption(options, names) != nullptr;
}

}  // namespace warden::shell
