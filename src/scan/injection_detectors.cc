// Prompt-injection markers in tool descriptions and results, all case-insensitive:
//
//   ignore-instructions   ignore|disregard|forget + (all|any|the|your …) + previous|prior|above|
//                         earlier|preceding|original|system … + instructions|prompts|rules|…;
//                         "ignore all/your instructions"; "disregard everything above"
//   role-override         "you are now [a|in|…] … assistant|AI|DAN|jailbroken|unrestricted|…",
//                         "you are now in developer|god|DAN mode", "you are no longer bound|
//                         restricted|an AI|…"
//   conceal-from-user     do not|don't|never|without + tell|inform|notify|mention|reveal|show|
//                         disclose|warn|report + [this|it|anything (to)] + [the] user|human|operator
//   hidden-instructions   <IMPORTANT>, <SYSTEM> (and <system-…>, <system_…>), <|im_start|>,
//                         <|system|>, and (upper case only, as Llama writes them) [INST], <<SYS>>:
//                         through the closing tag when it follows within 4 KiB, else the opening tag
//
// A phrase's first word is the anchor (at a word boundary); a cheap check of what follows it
// comes before RE2, which verifies the phrase in a bounded window (anchored, linear time).
#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <memory>
#include <span>

#include "scan/detector.h"

namespace warden::scan::internal {
namespace {

constexpr Detector kIgnoreInstructions{"ignore-instructions", Category::kInjection};
constexpr Detector kRoleOverride{"role-override", Category::kInjection};
constexpr Detector kConcealFromUser{"conceal-from-user", Category::kInjection};
constexpr Detector kHiddenInstructions{"hidden-instructions", Category::kInjection};

// The longest phrase RE2 is asked to read from its first word.
constexpr size_t kPhraseWindow = 200;

constexpr const char* kIgnorePattern =
    R"((?i)(?:ignore|disregard|forget)\s+)"
    R"((?:)"
    R"((?:(?:all|any|each|every|the|your|my|our|these|those|of)\s+){0,3})"
    R"((?:(?:previous|previously|prior|above|earlier|preceding|foregoing|former|past|original|initial|old|system|developer|existing|given)\s+){1,2})"
    R"((?:[a-z]+\s+)?)"
    R"((?:instructions?|prompts?|directions?|directives?|guidelines|guidance|rules|messages?|commands?|context|constraints|orders|programming|policies|requests?|tasks?)\b)"
    R"(|(?:(?:all|any|every|of|your|my)\s+){1,3}(?:[a-z]+\s+)?(?:instructions|system\s+prompt|guidelines|directives|programming|rules)\b)"
    R"(|(?:all\s+)?(?:of\s+)?(?:the\s+)?(?:text|content|everything|anything)\s+(?:above|before|previously|so\s+far)\b)"
    R"())";

constexpr const char* kRolePattern =
    R"((?i)you(?:\s+are|'re|’re)\s+)"
    R"((?:now\s+(?:(?:a|an|the|in|my|acting\s+as|playing|called|named)\s+){0,2}(?:[\w-]+\s+){0,2})"
    R"((?:assistant|ai|model|llm|chatbot|bot|dan|persona|character|jailbroken|unrestricted|unfiltered|uncensored|unbound|unleashed|evil|chatgpt|claude|gpt)\b)"
    R"(|now\s+(?:in\s+)?(?:[\w-]+\s+)?(?:developer|god|jailbreak|dan|unrestricted|evil|sudo)\s+mode\b)"
    R"(|no\s+longer\s+(?:an?\s+)?(?:[\w-]+\s+)?(?:bound|restricted|limited|constrained|obligated|censored|filtered|assistant|ai|model|chatbot|claude|chatgpt)\b))";

constexpr const char* kConcealPattern =
    R"((?i)(?:do\s+not|don't|don’t|dont|never|without)\s+(?:ever\s+|even\s+)?)"
    R"((?:tell|telling|inform|informing|notify|notifying|alert|alerting|mention|mentioning|reveal|revealing|show|showing|)"
    R"(disclose|disclosing|warn|warning|report|reporting)\s+)"
    R"((?:(?:this|it|that|anything|any\s+of\s+this|about\s+(?:this|it))\s+(?:to\s+)?)?)"
    R"((?:the\s+)?(?:user|human|operator)s?\b)";

enum Phrase : uint8_t { kIgnore, kRole, kConceal };

const RE2& PhraseRegex(Phrase p) {
  static const auto* regexes = [] {
    RE2::Options o;
    o.set_never_capture(true);
    o.set_log_errors(false);
    return new std::array<std::unique_ptr<const RE2>, 3>{std::make_unique<const RE2>(kIgnorePattern, o),
                                                         std::make_unique<const RE2>(kRolePattern, o),
                                                         std::make_unique<const RE2>(kConcealPattern, o)};
  }();
  return *(*regexes)[p];
}

const Detector& PhraseDetector(Phrase p) {
  static constexpr std::array<const Detector*, 3> kDetectors = {&kIgnoreInstructions, &kRoleOverride,
                                                                &kConcealFromUser};
  return *kDetectors[p];
}

// The phrase's regex, anchored at `at`, within the window.
void MatchPhrase(Context& ctx, size_t at, Phrase p) {
  const RE2& re = PhraseRegex(p);
  re2::StringPiece match;
  size_t end = std::min(ctx.size(), at + kPhraseWindow);
  re2::StringPiece text(ctx.text().data(), ctx.size());
  if (re.ok() && re.Match(text, at, end, RE2::ANCHOR_START, &match, 1)) {
    ctx.Add(PhraseDetector(p), at, at + match.size());
  }
}

bool WordStart(const Context& ctx, size_t at) {
  return !IsAlnum(ctx.Before(at));
}

// Whether one of `words` (lower case, each a prefix of a word) starts at text[i].
bool AnyWordAt(std::string_view t, size_t i, std::span<const std::string_view> words) {
  char first = Lower(i < t.size() ? t[i] : '\0');
  return std::any_of(words.begin(), words.end(),
                     [&](std::string_view w) { return w[0] == first && FoldedAt(t, i, w); });
}

// The position after the spaces that follow text[i], or npos when no space follows.
size_t AfterSpaces(const Context& ctx, size_t i) {
  if (!IsSpace(ctx.At(i))) return std::string_view::npos;
  while (IsSpace(ctx.At(i))) ++i;
  return i;
}

// The word after ignore/disregard/forget must be one that its phrases go on with, before RE2
// reads the rest.
size_t VerifyIgnore(Context& ctx, size_t at, const Anchor& a) {
  size_t next = AfterSpaces(ctx, at + a.literal.size());
  if (!WordStart(ctx, at) || next == std::string_view::npos) return at + 1;
  static constexpr std::string_view kNextWords[] = {
      "all",       "any",    "each", "every",    "the",        "your",    "my",      "our",
      "these",     "those",  "of",   "previous", "prior",      "above",   "earlier", "preceding",
      "foregoing", "former", "past", "original", "initial",    "old",     "system",  "developer",
      "existing",  "given",  "text", "content",  "everything", "anything"};
  if (AnyWordAt(ctx.text(), next, kNextWords)) {
    MatchPhrase(ctx, at, kIgnore);
  }
  return at + 1;
}

// "you are no…", "you're no…", "you’re no…" before RE2 is asked about the rest.
size_t VerifyRole(Context& ctx, size_t at, const Anchor&) {
  if (!WordStart(ctx, at)) return at + 1;
  std::string_view t = ctx.text();
  size_t i = at + 3;
  if (FoldedAt(t, i, "'re") || FoldedAt(t, i, "’re")) {
    i += t[i] == '\'' ? 3 : 5;
  } else if (IsSpace(ctx.At(i))) {
    while (IsSpace(ctx.At(i))) ++i;
    if (!FoldedAt(t, i, "are")) return at + 1;
    i += 3;
  } else {
    return at + 1;
  }
  if (!IsSpace(ctx.At(i))) return at + 1;
  while (IsSpace(ctx.At(i))) ++i;
  if (FoldedAt(t, i, "no")) MatchPhrase(ctx, at, kRole);
  return at + 1;
}

// do not / don't / dont / don’t, never, without, then one of the verbs, before RE2.
size_t VerifyConceal(Context& ctx, size_t at, const Anchor& a) {
  if (!WordStart(ctx, at)) return at + 1;
  std::string_view t = ctx.text();
  size_t i = at + a.literal.size();
  static constexpr std::string_view kEver[] = {"ever ", "even "};
  static constexpr std::string_view kVerbs[] = {"tell",   "inform", "notif",   "alert", "mention",
                                                "reveal", "show",   "disclos", "warn",  "report"};
  if (a.literal == "do") {
    if (FoldedAt(t, i, "n't") || FoldedAt(t, i, "nt ")) {
      i += 3;
    } else if (FoldedAt(t, i, "n’t")) {
      i += 5;
    } else {
      i = AfterSpaces(ctx, i);
      if (i == std::string_view::npos || !FoldedAt(t, i, "not")) return at + 1;
      i += 3;
    }
  }
  i = AfterSpaces(ctx, i);
  if (i == std::string_view::npos) return at + 1;
  if (AnyWordAt(t, i, kEver)) i = SkipSpaces(t, i + 5);
  if (AnyWordAt(t, i, kVerbs)) {
    MatchPhrase(ctx, at, kConceal);
  }
  return at + 1;
}

struct Tag {
  std::string_view close;  // lower case
  bool attributes;         // an XML-like tag: the literal is followed by '>' or attributes
};
constexpr std::array<Tag, Context::kMemoSlots - Context::kClosingTag> kTags = {{
    {"</important", true},
    {"</system", true},
    {"[/inst]", false},
    {"<</sys>>", false},
    {"<|im_end|>", false},
    {"<|end|>", false},
}};

// The first `lower` (folded) at or after `from`, or npos. Memoized per tag: the next closing
// tag after a position is the same for every opening tag before it.
size_t NextClose(Context& ctx, size_t from, size_t tag) {
  Context::Memo& m = ctx.memo(Context::kClosingTag + tag);
  if (from >= m.from && (m.value == std::string_view::npos || m.value >= from)) return m.value;
  std::string_view t = ctx.text();
  std::string_view close = kTags[tag].close;
  size_t i = from;
  size_t found = std::string_view::npos;
  while ((i = t.find(close[0], i)) != std::string_view::npos) {
    if (FoldedAt(t, i, close)) {
      found = i;
      break;
    }
    ++i;
  }
  m = {from, found};
  return found;
}

// The end of an XML-like opening tag that starts at `at` with `literal`: its '>' within 128
// bytes; 0 when the literal is only a word's beginning (<systemd>, <importantly …).
size_t OpenTagEnd(const Context& ctx, size_t at, size_t literal) {
  size_t i = at + literal;
  char c = ctx.At(i);
  if (c != '>' && !IsSpace(c) && c != '-' && c != '_') return 0;
  for (; i < ctx.size() && i - at < 128; ++i) {
    if (ctx.At(i) == '>') return i + 1;
    if (ctx.At(i) == '<') return 0;
  }
  return 0;
}

constexpr size_t kMaxHiddenBlock = 4096;

size_t VerifyHidden(Context& ctx, size_t at, const Anchor& a) {
  const Tag& tag = kTags[a.variant];
  size_t open_end = tag.attributes ? OpenTagEnd(ctx, at, a.literal.size()) : at + a.literal.size();
  if (open_end == 0) return at + 1;
  size_t end = open_end;
  size_t close = NextClose(ctx, open_end, a.variant);
  if (close != std::string_view::npos && close - open_end <= kMaxHiddenBlock) {
    end = close + tag.close.size();
    if (tag.attributes) {
      size_t gt = ctx.text().find('>', end);
      end = gt != std::string_view::npos && gt - end < 64 ? gt + 1 : end;
    }
  }
  ctx.Add(kHiddenInstructions, at, end);
  return at + 1;
}

constexpr Anchor kAnchors[] = {
    {"ignore", true, 1, VerifyIgnore},        {"disregard", true, 2, VerifyIgnore},
    {"forget", true, 2, VerifyIgnore},        {"you", true, 0, VerifyRole},
    {"do", true, 0, VerifyConceal},           {"never", true, 1, VerifyConceal},
    {"without", true, 0, VerifyConceal},      {"<important", true, 0, VerifyHidden, 0},
    {"<system", true, 0, VerifyHidden, 1},    {"[INST]", false, 0, VerifyHidden, 2},
    {"<<SYS>>", false, 0, VerifyHidden, 3},   {"<|im_start|>", true, 0, VerifyHidden, 4},
    {"<|system|>", true, 0, VerifyHidden, 5},
};

}  // namespace

std::span<const Anchor> InjectionAnchors() {
  return kAnchors;
}

}  // namespace warden::scan::internal
