// Private to src/shell: the values the analysis carries from one command to the next — what
// flows between commands (Stream), what variables hold (Value, Vars), where the script stands
// (State), how a command was reached (Ctx) and a word after expansion (Expanded). Plain values;
// not synchronized (each analysis has its own).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "shell/facts.h"

namespace warden::shell {

// What flows out of a command (stdout), into a pipeline's next stage or a substitution.
struct Stream {
  enum class Kind : uint8_t {
    kNone,     // nothing known to flow (a terminal, or no command)
    kLiteral,  // known text (echo, printf, here-document)
    kFetched,  // data from the network (curl, wget, nc, ssh)
    kDecoded,  // decoded/decompressed data (base64 -d, xxd -r, gunzip) — obfuscation
    kFile,     // the content of a file (cat FILE, < FILE)
    kPaths,    // a list of paths below `text` (find ROOT)
    kUnknown,  // something else
  };
  Kind kind = Kind::kNone;
  std::string text;    // kLiteral: the text; kFile: the path; kPaths: the root pattern
  std::string source;  // the command that produced it ("curl", "base64 -d")
  uint8_t bits = 0;    // kLiteral: ArgBits the text carries (mktemp's pattern)
  // It may name Warden's processes or files: it came from a lookup of Warden (pgrep warden,
  // `warden status`, a file in Warden's state directory), perhaps through filters.
  bool warden = false;
  // kLiteral text Warden decoded itself (base64 -d, xxd -r -p, rev of known text): known, but
  // running it is still running something hidden.
  bool decoded = false;
  // Shell set-up code an installed tool printed (brew shellenv, … completion bash): shell_init.h.
  bool shell_init = false;
  bool tainted() const { return kind == Kind::kFetched || kind == Kind::kDecoded; }
};

// A variable's value as far as the analyzer knows it.
struct Value {
  std::string text;
  bool known = false;
  uint8_t bits = 0;  // ArgBits of the value (glob, pattern, tree)
  Stream taint;      // the value came from fetched/decoded data
  // $@ and $*: the positional parameters one by one ("$@" expands to one word each); `text`
  // holds them joined by blanks.
  std::vector<std::string> words;
  // Not known, but its start is: the literal text before the first expansion
  // (PATH=/tmp:$PATH starts with "/tmp:"), or the value one branch set (`… && PATH=/x`).
  std::string known_start;
};

// The names that hold positional parameters.
inline constexpr const char* kPositionalNames[] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "@", "*", "#"};


// Shell variables, copied on write: branches, pipeline stages and subshells copy the State,
// and most never assign a variable.
class Vars {
 public:
  using Map = std::map<std::string, Value, std::less<>>;
  Map::const_iterator find(std::string_view name) const { return map().find(name); }
  Map::const_iterator begin() const { return map().begin(); }
  Map::const_iterator end() const { return map().end(); }
  size_t count(std::string_view name) const { return map().count(name); }
  Value& operator[](const std::string& name) { return Mutable()[name]; }
  void erase(std::string_view name) {
    if (count(name)) Mutable().erase(std::string(name));
  }
  void emplace(const std::string& name, const Value& v) { Mutable().emplace(name, v); }
  // Shares `map` (copied on the first write).
  static Vars Sharing(std::shared_ptr<Map> map) {
    Vars v;
    v.map_ = std::move(map);
    return v;
  }
  Map& Mutable() {
    if (!map_) {
      map_ = std::make_shared<Map>();
    } else if (map_.use_count() > 1) {
      map_ = std::make_shared<Map>(*map_);
    }
    return *map_;
  }

 private:
  const Map& map() const {
    static const Map kEmpty;
    return map_ ? *map_ : kEmpty;
  }
  std::shared_ptr<Map> map_;
};

// Where the analysis stands at one point in the script.
struct State {
  std::vector<std::string> cwds;  // possible working directories (at most kMaxCwds)
  bool cwd_unknown = false;
  Vars vars;
};

// How the current command was reached.
struct Ctx {
  int depth = 0;
  std::string origin;
  std::vector<std::string> via;
  bool privileged = false;
  bool concurrent = false;  // inside a pipeline stage or a background job
  bool remote = false;      // a command run on another host (ssh)
  int loop_product = 1;     // iterations of the enclosing literal for-loops
};

// One word after expansion.
struct Expanded {
  std::string text;
  uint8_t bits = 0;
  Stream taint;        // a substitution's output that went into the word
  bool procsub = false;
  Stream procsub_stream;  // what a <(…) argument yields when read
  // Byte ranges of `text` that came from unquoted expansions: field splitting happens there.
  std::vector<std::pair<uint32_t, uint32_t>> fields;
};

// $1…$9, $@, $* and $# from words[first…] (what a function call, `bash -c CODE NAME ARGS` or
// `set -- ARGS` gives); earlier ones are removed.
void SetPositional(State& st, const std::vector<Expanded>& words, size_t first);
// An indexed array NAME=(items…): ${NAME[@]} gives them one by one, $NAME the first.
void SetArray(State& st, const std::string& name, const std::vector<Expanded>& items);

}  // namespace warden::shell
