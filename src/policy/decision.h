// The vocabulary every part of Warden shares: decisions, contexts and request kinds, with
// their stable names. Decisions are ordered allow < ask < deny, so combining is max().
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace warden::policy {

enum class Decision : uint8_t { kAllow = 0, kAsk = 1, kDeny = 2 };
enum class Context : uint8_t { kAi = 0, kHuman = 1, kService = 2 };
enum class RequestKind : uint8_t { kExec, kFile, kAction, kMcp, kHttp };

inline constexpr int kContextCount = 3;
inline constexpr uint8_t kAllContexts = 0b111;
inline constexpr uint8_t ContextBit(Context c) { return static_cast<uint8_t>(1u << static_cast<unsigned>(c)); }

inline Decision Stricter(Decision a, Decision b) { return a > b ? a : b; }

std::string_view DecisionName(Decision d);
std::string_view ContextName(Context c);
std::string_view KindName(RequestKind k);
std::optional<Decision> ParseDecision(std::string_view s);
std::optional<Context> ParseContext(std::string_view s);
std::optional<RequestKind> ParseKind(std::string_view s);

}  // namespace warden::policy
