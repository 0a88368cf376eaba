// env [OPTIONS] [NAME=VALUE]… COMMAND: the command that follows its options and assignments,
// with -S/--split-string STRING split into words the way env does (quotes group, ${NAME}
// comes from the environment) and -C/--chdir DIR moving where it runs.
#include <optional>

#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/commands/families.h"
#include "shell/self_protection.h"

namespace warden::shell {
namespace {

// GNU long option prefix: "--sp" abbreviates "--split-string".
bool LongMatches(std::string_view tok, std::string_view name) {
  std::string_view n = tok.substr(0, tok.find('='));
  return n.size() >= 3 && n.substr(0, 2) == "--" && name.substr(0, n.size()) == n;
}

class EnvLine {
 public:
  explicit EnvLine(Call& c) : c_(c), words_(Slice(c.argv, 1)) {}

  Stream Run() {
    while (i_ < words_.size() && Step()) {
    }
    if (i_ >= words_.size()) return UnknownStream("env");
    std::vector<Expanded> rest = Slice(words_, i_);
    Ctx inner = c_.an.Inner(c_.ctx, "env", false);
    // The child's environment: cleared (-i), then unset (-u), then NAME=VALUE.
    State child = c_.st;
    if (clear_) child.vars = Vars{};
    for (const std::string& name : unset_) child.vars.erase(name);
    for (const auto& [name, value] : assigned_) {
      c_.an.EvaluatedLater(name, value, child, inner);
      child.vars[name] = Analyzer::AssignedValue(value);
      if (name == "PATH") c_.an.PathChanged(value, child, inner);
    }
    if (chdir_) c_.an.ChangeDirectory({PlainWord("cd"), *chdir_}, child);
    return c_.an.Exec(std::move(rest), child, inner, c_.in);
  }

 private:
  // Reads one option or assignment at words_[i_]; false at the command.
  bool Step() {
    const std::string t = words_[i_].text;
    if (!options_done_ && t == "--") {
      options_done_ = true;
      ++i_;
      return true;
    }
    if (!options_done_ && t == "-") {
      clear_ = true;
      ++i_;
      return true;
    }
    if (!options_done_ && t.size() > 1 && t[0] == '-' && t[1] == '-') return Long(t);
    if (!options_done_ && t.size() > 1 && t[0] == '-') return Cluster(t);
    size_t eq = t.find('=');
    // env takes any NAME=VALUE before the command, BASH_FUNC_ls%%=… included (not a path).
    if (eq == std::string::npos || eq == 0 || t.substr(0, eq).find('/') != std::string::npos) return false;
    WardenVariable(t.substr(0, eq), "sets");
    Expanded value = words_[i_];
    value.text = t.substr(eq + 1);
    assigned_.emplace_back(t.substr(0, eq), value);
    ++i_;  // NAME=VALUE for the child's environment
    return true;
  }

  bool Long(const std::string& t) {
    size_t eq = t.find('=');
    size_t at = i_;
    if (LongMatches(t, "--split-string") || LongMatches(t, "--chdir")) {
      Expanded value;
      if (eq != std::string::npos) {
        value = words_[i_];
        value.text = t.substr(eq + 1);
      } else if (i_ + 1 < words_.size()) {
        value = words_[++i_];
      }
      if (LongMatches(t, "--split-string")) {
        SplitString(value, at);
        return true;
      }
      chdir_ = value;
    } else if (LongMatches(t, "--unset")) {
      if (eq == std::string::npos && i_ + 1 < words_.size()) ++i_;
      Unset(eq == std::string::npos ? words_[i_].text : t.substr(eq + 1));
    } else if (LongMatches(t, "--ignore-environment")) {
      clear_ = true;
    }
    ++i_;
    return true;
  }

  // A cluster of short options: -i, -0, -v take nothing; -u, -C, -S, -P take a value.
  bool Cluster(const std::string& t) {
    for (size_t k = 1; k < t.size(); ++k) {
      char ch = t[k];
      if (ch == 'i') clear_ = true;
      if (ch != 'u' && ch != 'C' && ch != 'S' && ch != 'P') continue;
      Expanded value;
      size_t at = i_;
      TakeValue(k + 1, &value);
      if (ch == 'S') {
        SplitString(value, at);
        return true;
      }
      if (ch == 'C') chdir_ = value;
      if (ch == 'u') Unset(value.text);
      ++i_;
      return true;
    }
    ++i_;
    return true;
  }

  void Unset(const std::string& name) {
    WardenVariable(name, "unsets");
    unset_.push_back(name);
  }

  void WardenVariable(const std::string& name, std::string_view how) {
    if (IsWardenVariable(name)) c_.Signal(kSignalWardenTamper, "env " + std::string(how) + " " + name + ", which Warden's programs read");
  }

  // The value of the option at words_[i_]: glued after `glued_at`, or the next word.
  void TakeValue(size_t glued_at, Expanded* value) {
    const std::string& t = words_[i_].text;
    if (glued_at < t.size()) {
      *value = words_[i_];
      value->text = t.substr(glued_at);
      return;
    }
    if (i_ + 1 < words_.size()) *value = words_[++i_];
  }

  // env -S 'cmd args': the string replaces words_[replace_from..i_] with its words.
  void SplitString(const Expanded& value, size_t replace_from) {
    std::vector<Expanded> replaced(words_.begin(), words_.begin() + static_cast<std::ptrdiff_t>(replace_from));
    for (auto& piece : SplitQuoted(value.text)) replaced.push_back(FromEnvironment(value, piece));
    for (size_t k = i_ + 1; k < words_.size(); ++k) replaced.push_back(words_[k]);
    words_ = std::move(replaced);
    i_ = replace_from;
  }

  // ${NAME} in a -S string comes from the environment.
  Expanded FromEnvironment(const Expanded& value, const std::string& piece) const {
    Expanded x = value;
    std::string text;
    for (size_t k = 0; k < piece.size(); ++k) {
      size_t close;
      if (piece.compare(k, 2, "${") != 0 || (close = piece.find('}', k)) == std::string::npos) {
        text += piece[k];
        continue;
      }
      Value scratch;
      const Value* v = c_.an.Lookup(piece.substr(k + 2, close - k - 2), c_.st, &scratch);
      if (v && v->known) {
        text += v->text;
      } else {
        text += piece.substr(k, close - k + 1);
        x.bits |= kArgDynamic;
      }
      k = close;
    }
    x.text = std::move(text);
    return x;
  }

  Call& c_;
  std::vector<Expanded> words_;
  size_t i_ = 0;
  bool options_done_ = false;
  std::optional<Expanded> chdir_;
  bool clear_ = false;
  std::vector<std::string> unset_;
  std::vector<std::pair<std::string, Expanded>> assigned_;
};

Stream Env(Call& c) { return EnvLine(c).Run(); }

constexpr CommandSpec kModels[] = {
    {"env", Family::kWrapper, "uCSP", "unset chdir split-string", true, 0, 0, "", false, Env},
};

}  // namespace

ModelTable EnvCommands() { return kModels; }

}  // namespace warden::shell
