// Glob patterns, matched in time linear in the subject (an NFA simulated with bitsets: no
// backtracking, so no pattern can make matching slow).
//
// Syntax:  *   any run of characters except '/' (kPath) or any run at all (kText)
//          **  any run including '/'; "**/" also matches nothing ("a/**/b" matches "a/b")
//          ?   one character (not '/' in kPath)
//          [abc] [a-z] [!x] [^x]   one character from (or not from) a set
//          {a,b,c}                  alternatives (nested allowed, at most 64 in total)
//          \c                       the character c literally
// Modes: kPath (policies): '*' and '?' match a leading '.' too, so a policy is not dodged by a
// dotfile. kShell (what bash expands): '*' '?' and '[…]' never match a '.' that starts a path
// component, and "**" is just '*'. kText: no '/' structure at all.
// Limits, so that an untrusted pattern cannot make compiling costly: 4096 bytes, 64
// alternatives, and 8192 automaton states for all alternatives together (one or two per byte
// of the expanded alternatives).
// A compiled Glob is immutable and safe to share between threads.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace warden {

class Glob {
 public:
  enum class Mode { kPath, kShell, kText };

  // With `subtree`, the glob also matches everything below what the pattern matches
  // ("/tmp/*" then matches "/tmp/a/b"): what a recursive operation on the pattern touches.
  static Result<Glob> Compile(std::string_view pattern, Mode mode = Mode::kPath, bool subtree = false);

  bool Match(std::string_view subject) const;

  // True if some string matches both globs (exact: a search over the product of the two
  // automata, at most states × states steps).
  bool Intersects(const Glob& other) const;

  // `text` with every glob character escaped, so that it matches itself literally.
  static std::string Escape(std::string_view text);

  const std::string& pattern() const { return pattern_; }
  // The literal text every match starts with ("/etc/" for "/etc/**/*.conf").
  const std::string& literal_prefix() const { return prefix_; }
  // The literal text every match ends with (".conf" for "/etc/**/*.conf"; "" for a subtree).
  const std::string& literal_suffix() const { return suffix_; }
  // True when the pattern has no special characters: Match is string equality.
  bool is_literal() const { return literal_; }

 private:
  enum class EdgeKind : uint8_t { kChar, kAnyButSlash, kAnyButSlashDot, kAny, kClass };
  struct Edge {
    EdgeKind kind;
    uint8_t ch;
    uint16_t cls;
    uint32_t to;
  };
  class Builder;
  // The edges leaving state s are edges_[edge_start_[s] .. edge_start_[s + 1]).
  std::span<const Edge> EdgesOf(uint32_t s) const {
    return {edges_.data() + edge_start_[s], edges_.data() + edge_start_[s + 1]};
  }
  size_t state_count() const { return edge_start_.empty() ? 0 : edge_start_.size() - 1; }

  bool EdgeMatches(const Edge& e, unsigned char c) const;
  std::array<uint64_t, 4> EdgeSet(const Edge& e) const;
  bool Accepts(uint32_t state) const { return (accept_[state >> 6] >> (state & 63)) & 1; }

  std::string pattern_;
  std::string prefix_;
  std::string suffix_;  // the literal text every match ends with (none with `subtree`)
  // Literal texts one of which every match contains (the longest run of literal characters of
  // each alternative); empty when some alternative has none. Checked before the automaton.
  std::vector<std::string> required_;
  bool literal_ = false;
  std::string literal_text_;
  size_t words_ = 1;                        // 64-bit words per state set
  // The NFA, flat: one allocation for all edges rather than two per state.
  std::vector<uint32_t> edge_start_;        // state count + 1 offsets into edges_
  std::vector<Edge> edges_;
  std::vector<uint64_t> closure_;           // state_count() * words_
  std::vector<uint64_t> accept_;            // words_
  std::vector<std::array<uint64_t, 4>> classes_;
};

}  // namespace warden
