#include "policy/evaluator.h"

#include <boost/json.hpp>

#include <algorithm>
#include <optional>

#include "core/path.h"
#include "core/strings.h"
#include "policy/matcher.h"
#include "shell/analyzer.h"

namespace warden::policy {
namespace {

// Per-fact resolution of matching rules: highest priority first, then deny > ask > allow;
// final rules act as a floor.
struct Decider {
  int best_priority = 0;
  bool any = false;
  Decision decision = Decision::kAllow;
  const CompiledRule* rule = nullptr;
  Decision floor = Decision::kAllow;
  const CompiledRule* floor_rule = nullptr;

  void Add(const CompiledRule* r) {
    if (r->final && (floor_rule == nullptr || r->decision > floor)) {
      floor = r->decision;
      floor_rule = r;
    }
    if (!any || r->priority > best_priority) {
      any = true;
      best_priority = r->priority;
      decision = r->decision;
      rule = r;
    } else if (r->priority == best_priority && r->decision > decision) {
      decision = r->decision;
      rule = r;
    }
  }

  void Finish() {
    if (floor_rule && floor > decision) {
      decision = floor;
      rule = floor_rule;
    }
  }
};

class Evaluation {
 public:
  Evaluation(const Snapshot& snap, const Request& req, const EvalOptions& opt, Outcome* out)
      : snap_(snap), req_(req), opt_(opt), out_(out), ctx_bit_(ContextBit(req.context)) {
    env_.cwd = NormalizePath(req.cwd.empty() ? "/" : req.cwd);
    env_.home = NormalizePath(req.home.empty() ? "/root" : req.home);
    env_.workspace = NormalizePath(req.workspace.empty() ? env_.cwd : req.workspace);
  }

  void Run() {
    switch (req_.kind) {
      case RequestKind::kExec: Exec(); break;
      case RequestKind::kFile: File(); break;
      case RequestKind::kAction: Action(); return;
      case RequestKind::kHttp: Http(); break;
      case RequestKind::kMcp: Mcp(); break;
      default:
        out_->decision = Decision::kDeny;
        out_->reason = "requests of kind " + std::string(KindName(req_.kind)) + " are not supported yet";
        return;
    }
    Conclude();
  }

 private:
  void Exec() {
    shell::AnalyzeOptions ao;
    ao.cwd = env_.cwd;
    ao.home = env_.home;
    ao.resolve_symlinks = opt_.resolve_symlinks;
    ao.self = &snap_.self;
    out_->facts = req_.has_argv ? shell::AnalyzeArgv(req_.argv, ao) : shell::AnalyzeCommand(req_.command, ao);
    EvaluateFacts();
  }

  void File() {
    shell::FileFact f;
    f.op = req_.op;
    f.path = ResolvePath(req_.path, env_.cwd, env_.home);
    f.recursive = req_.recursive;
    f.source = "request";
    AddFileFact(std::move(f));
    EvaluateFacts();
  }

  // A file fact named by the request itself (not found by the analyzer): symlinks resolved,
  // the path as written kept as `lexical` when that changed it.
  void AddFileFact(shell::FileFact f) {
    if (opt_.resolve_symlinks) {
      std::string real = SymlinkResolver().Resolve(f.path);
      if (real != f.path) {
        f.lexical = f.path;
        f.path = std::move(real);
      }
    }
    out_->facts.files.push_back(std::move(f));
  }

  void EvaluateFacts() {
    const shell::Facts& facts = out_->facts;
    out_->verdicts.reserve(out_->verdicts.size() + facts.commands.size() + facts.files.size() + facts.signals.size());
    for (uint32_t i = 0; i < facts.commands.size(); ++i) Command(i);
    for (uint32_t i = 0; i < facts.files.size(); ++i) FileFact(i);
    for (uint32_t i = 0; i < facts.signals.size(); ++i) Signal(i);
  }

  bool ForContext(const CompiledRule& r, uint32_t verdict) {
    if (r.contexts & ctx_bit_) return true;
    if (opt_.explain) {
      out_->trace.push_back({verdict, &r, false, "not for the " + std::string(ContextName(req_.context)) + " context"});
    }
    return false;
  }

  template <typename MatchFn>
  void Consider(const std::vector<uint32_t>& candidates, uint32_t verdict, Decider* d, MatchFn match) {
    for (uint32_t idx : candidates) {
      const CompiledRule& r = snap_.rules[idx];
      if (!ForContext(r, verdict)) continue;
      std::string why;
      bool ok = match(r, opt_.explain ? &why : nullptr);
      if (opt_.explain) out_->trace.push_back({verdict, &r, ok, ok ? std::string() : why});
      if (ok) d->Add(&r);
    }
  }

  uint32_t NewVerdict(FactType type, uint32_t index) {
    out_->verdicts.push_back(FactVerdict{type, index, Decision::kAllow, nullptr, {}});
    return static_cast<uint32_t>(out_->verdicts.size() - 1);
  }

  void Settle(uint32_t verdict, Decider& d, Decision fallback) {
    d.Finish();
    FactVerdict& v = out_->verdicts[verdict];
    if (d.rule) {
      v.decision = d.decision;
      v.rule = d.rule;
    } else {
      v.decision = fallback;
    }
  }

  Decision Default() const { return snap_.defaults[static_cast<size_t>(req_.context)]; }

  void Command(uint32_t i) {
    const shell::CommandFact& c = out_->facts.commands[i];
    uint32_t verdict = NewVerdict(FactType::kCommand, i);
    std::string line = c.Line();
    Decider d;
    auto match = [&](const CompiledRule& r, std::string* why) { return MatchCommand(r, c, line, env_, why); };
    // The rules for the name, merged in rule order with those for its subcommand (git push).
    static const std::vector<uint32_t> kNone;
    auto by_name = snap_.exec_by_name.find(c.name);
    const std::vector<uint32_t>& named = by_name != snap_.exec_by_name.end() ? by_name->second : kNone;
    const std::vector<uint32_t>* sub = nullptr;
    if (!c.operands.empty() && !snap_.exec_by_subcommand.empty()) {
      auto it = snap_.exec_by_subcommand.find(SubcommandKey(c.name, c.argv[c.operands[0]]));
      if (it != snap_.exec_by_subcommand.end()) sub = &it->second;
    }
    if (sub == nullptr) {
      Consider(named, verdict, &d, match);
    } else {
      std::vector<uint32_t> merged;
      merged.reserve(named.size() + sub->size());
      std::merge(named.begin(), named.end(), sub->begin(), sub->end(), std::back_inserter(merged));
      Consider(merged, verdict, &d, match);
    }
    if (opt_.explain) {
      Consider(snap_.exec_glob_names, verdict, &d, match);  // every rule shows in the trace
    } else {
      // Rules named by a glob ("python*"): only those whose glob's literal prefix the name has
      // and that were not already tried by an exact name.
      std::vector<uint32_t> globbed;
      for (const Snapshot::GlobName& k : snap_.exec_glob_keys) {
        if (!std::string_view(c.name).starts_with(k.key) || (!globbed.empty() && globbed.back() == k.rule)) continue;
        if (!std::binary_search(named.begin(), named.end(), k.rule)) globbed.push_back(k.rule);
      }
      Consider(globbed, verdict, &d, match);
    }
    Consider(snap_.exec_any, verdict, &d, match);
    Settle(verdict, d, Default());
  }

  void FileFact(uint32_t i) {
    const shell::FileFact& f = out_->facts.files[i];
    uint32_t verdict = NewVerdict(FactType::kFile, i);
    // A pattern fact is compiled once here: as written and relative to each anchor it lies
    // under (so rules anchored there compare without compiling anything).
    std::vector<Glob> owned;
    owned.reserve(8);
    FactPatterns patterns;
    const FactPatterns* pp = nullptr;
    if (f.glob && !f.dynamic) {
      auto add = [&](std::string_view text, bool tree) -> const Glob* {
        shell::FileFact g = f;
        g.path = std::string(text);
        if (auto c = FactPattern(g, tree)) {
          owned.push_back(std::move(*c));
          return &owned.back();
        }
        return nullptr;
      };
      patterns.absolute = add(f.path, false);
      if (f.recursive) patterns.absolute_tree = add(f.path, true);
      std::string_view dir = LiteralDir(f.path);
      for (Anchor a : {Anchor::kHome, Anchor::kWorkspace, Anchor::kCwd}) {
        const std::string& base = env_.Base(a);
        const size_t slot = static_cast<size_t>(a) - static_cast<size_t>(Anchor::kHome);
        if (base.empty() || !IsUnder(dir, base) || base.find_first_of("*?[]{}\\,") != std::string::npos) continue;
        std::string_view rel = std::string_view(f.path).substr(base == "/" ? 1 : std::min(f.path.size(), base.size() + 1));
        patterns.relative_text[slot] = std::string(rel);
      }
      patterns.mode = f.shell_glob ? Glob::Mode::kShell : Glob::Mode::kPath;
      if (patterns.absolute) {
        pp = &patterns;
      } else {
        // A pattern too complex to compile: it may touch anything, so deny/ask rules about
        // paths apply (fail closed) and allow rules do not.
        failed_pattern_ = true;
      }
    }
    std::vector<uint32_t> candidates;
    candidates.reserve(32);
    FileCandidates(f, &candidates);
    if (!opt_.explain) {
      // Rules about other operations cannot match (explain shows them, with why not).
      const uint32_t bit = 1u << static_cast<unsigned>(f.op);
      candidates.erase(std::remove_if(candidates.begin(), candidates.end(),
                                      [&](uint32_t idx) { return snap_.rules[idx].ops != 0 && !(snap_.rules[idx].ops & bit); }),
                       candidates.end());
    }
    Decider d;
    Consider(candidates, verdict, &d, [&](const CompiledRule& r, std::string* why) {
      if (f.glob && !f.dynamic && !pp) {
        if (r.decision == Decision::kAllow) return false;
        return !r.path.empty() || r.ops != 0;
      }
      return MatchFile(r, f, pp, env_, why);
    });
    Settle(verdict, d, Default());
  }

  void FileCandidates(const shell::FileFact& f, std::vector<uint32_t>* out) const {
    const FileIndex& ix = snap_.files;
    out->insert(out->end(), ix.always.begin(), ix.always.end());
    if (f.dynamic) {
      std::sort(out->begin(), out->end());
      return;
    }
    const bool subtree = f.recursive || f.glob;
    for (const std::string* p : {&f.path, f.lexical.empty() ? nullptr : &f.lexical}) {
      if (p == nullptr) continue;
      std::string_view path = f.glob ? LiteralDir(*p) : std::string_view(*p);
      ix.tries[static_cast<size_t>(Anchor::kAbsolute)].Collect(path, subtree, out);
      for (Anchor a : {Anchor::kHome, Anchor::kWorkspace, Anchor::kCwd}) {
        const PathTrie& trie = ix.tries[static_cast<size_t>(a)];
        const std::string& anchor = a == Anchor::kHome ? env_.home : a == Anchor::kWorkspace ? env_.workspace : env_.cwd;
        if (IsUnder(path, anchor)) {
          std::string_view rel = path.size() == anchor.size() ? std::string_view() : path.substr(anchor == "/" ? 1 : anchor.size() + 1);
          trie.Collect(rel, subtree, out);
        } else if (subtree && IsUnder(anchor, path)) {
          trie.CollectAll(out);
        }
      }
      std::string_view base = Basename(*p);
      if (f.glob && base.find_first_of("*?[{") != std::string_view::npos) {
        for (const auto& [name, list] : ix.basename) out->insert(out->end(), list.begin(), list.end());
        for (const auto& [name, list] : ix.extension) out->insert(out->end(), list.begin(), list.end());
        for (const auto& [prefix, rule] : ix.name_prefix) out->push_back(rule);
      } else {
        for (const auto& [prefix, rule] : ix.name_prefix) {
          if (base.substr(0, prefix.size()) == prefix) out->push_back(rule);
        }
        if (auto it = ix.basename.find(base); it != ix.basename.end()) out->insert(out->end(), it->second.begin(), it->second.end());
        size_t dot = base.rfind('.');
        if (dot != std::string_view::npos) {
          if (auto it = ix.extension.find(base.substr(dot + 1)); it != ix.extension.end()) {
            out->insert(out->end(), it->second.begin(), it->second.end());
          }
        }
      }
      out->insert(out->end(), ix.anywhere.begin(), ix.anywhere.end());
    }
    std::sort(out->begin(), out->end());
    out->erase(std::unique(out->begin(), out->end()), out->end());
  }

  void Signal(uint32_t i) {
    const shell::SignalFact& s = out_->facts.signals[i];
    uint32_t verdict = NewVerdict(FactType::kSignal, i);
    Decider d;
    if (auto it = snap_.signal_by_type.find(s.type); it != snap_.signal_by_type.end()) {
      Consider(it->second, verdict, &d,
               [&](const CompiledRule& r, std::string* why) { return MatchSignal(r, s, why); });
    }
    Decision fallback = Default();
    if (IsAnalysisProblem(s.type)) fallback = Stricter(fallback, Decision::kAsk);
    Settle(verdict, d, fallback);
  }

  void Http() {
    uint32_t verdict = NewVerdict(FactType::kHttp, 0);
    const HttpTarget& t = req_.http;
    Decider d;
    auto match = [&](const CompiledRule& r, std::string* why) { return MatchHttp(r, t, why); };
    if (t.has_host()) {
      if (auto it = snap_.http_by_host.find(t.host); it != snap_.http_by_host.end()) {
        Consider(it->second, verdict, &d, match);
      }
    }
    Consider(snap_.http_any, verdict, &d, match);
    Settle(verdict, d, Default());
  }

  void Mcp() {
    uint32_t verdict = NewVerdict(FactType::kMcp, 0);
    Decider d;
    Consider(snap_.mcp_rules, verdict, &d,
             [&](const CompiledRule& r, std::string* why) { return MatchMcp(r, req_, env_, why); });
    Settle(verdict, d, Default());
    // Arguments that name files or hold shell commands are decided as such too.
    std::vector<const boost::json::value*> values;
    for (const McpToolDecl& decl : snap_.mcp_tools) {
      if (!decl.Applies(req_.server, req_.tool)) continue;
      for (size_t op = 0; op < decl.paths.size(); ++op) {
        for (const auto& pointer : decl.paths[op]) {
          values.clear();
          CollectPointer(req_.arguments, pointer, &values);
          for (const boost::json::value* v : values) AddMcpPath(static_cast<shell::FileOp>(op), *v);
        }
      }
      for (const auto& pointer : decl.commands) {
        values.clear();
        CollectPointer(req_.arguments, pointer, &values);
        for (const boost::json::value* v : values) AddMcpCommand(*v);
      }
    }
    EvaluateFacts();
  }

  void AddMcpPath(shell::FileOp op, const boost::json::value& v) {
    shell::FileFact f;
    f.op = op;
    f.source = "mcp:" + req_.tool;
    if (!v.is_string() || v.get_string().empty() || std::string_view(v.get_string()).find('\0') != std::string_view::npos) {
      // Declared a path but not one: what it names is unknown (never below ask).
      out_->facts.signals.push_back({std::string(shell::kSignalUnknownConstruct),
                                     "an argument of " + Printable(req_.tool, 80) + " declared a path is not a path", -1});
      return;
    }
    f.path = ResolvePath(std::string_view(v.get_string()), env_.cwd, env_.home);
    AddFileFact(std::move(f));
  }

  void AddMcpCommand(const boost::json::value& v) {
    shell::Facts facts;
    shell::AnalyzeOptions ao;
    ao.cwd = env_.cwd;
    ao.home = env_.home;
    ao.resolve_symlinks = opt_.resolve_symlinks;
    ao.self = &snap_.self;
    if (v.is_string()) {
      facts = shell::AnalyzeCommand(std::string_view(v.get_string()), ao);
    } else if (v.is_array() && !v.get_array().empty() &&
               std::all_of(v.get_array().begin(), v.get_array().end(), [](const auto& a) { return a.is_string(); })) {
      std::vector<std::string> argv;
      for (const auto& a : v.get_array()) argv.emplace_back(a.get_string());
      facts = shell::AnalyzeArgv(argv, ao);
    } else {
      facts.signals.push_back({std::string(shell::kSignalDynamicCommand), "a command argument that is not a string", -1});
    }
    const int base = static_cast<int>(out_->facts.commands.size());
    for (auto& c : facts.commands) out_->facts.commands.push_back(std::move(c));
    for (auto& f : facts.files) {
      if (f.command >= 0) f.command += base;
      out_->facts.files.push_back(std::move(f));
    }
    for (auto& s : facts.signals) {
      if (s.command >= 0) s.command += base;
      out_->facts.signals.push_back(std::move(s));
    }
  }

  void Action() {
    uint32_t verdict = NewVerdict(FactType::kAction, 0);
    const std::vector<const RolePerms*>* roles = nullptr;
    if (auto it = snap_.subjects.find(req_.subject); it != snap_.subjects.end()) roles = &it->second;
    Decider d;
    Consider(snap_.action_rules, verdict, &d,
             [&](const CompiledRule& r, std::string* why) { return MatchAction(r, req_, roles, why); });
    const RolePerms* granting = nullptr;
    if (roles) {
      for (const RolePerms* p : *roles) {
        if (p->Grants(req_.resource_type, req_.action)) {
          granting = p;
          break;
        }
      }
    }
    // A role's grant counts as an allow rule of priority 0.
    CompiledRule grant;
    if (granting) {
      grant.id = "role:" + granting->name;
      grant.decision = Decision::kAllow;
      d.Add(&grant);
    }
    d.Finish();
    FactVerdict& v = out_->verdicts[verdict];
    const std::string perm = req_.resource_type + ":" + req_.action;
    out_->deciding = 0;
    if (d.rule == &grant) {
      v.decision = Decision::kAllow;
      v.role = granting->name;
      out_->rule_id = grant.id;
      out_->reason = "role '" + granting->name + "' of '" + req_.subject + "' grants " + perm;
    } else if (d.rule) {
      v.decision = d.decision;
      v.rule = d.rule;
      out_->rule_id = d.rule->id;
      out_->reason = d.rule->reason.empty() ? "rule " + d.rule->id : d.rule->reason;
    } else {
      v.decision = Decision::kDeny;
      out_->reason = roles ? "no role of '" + req_.subject + "' grants " + perm
                           : "'" + req_.subject + "' has no roles, so nothing grants " + perm;
    }
    out_->decision = v.decision;
  }

  void Conclude() {
    int deciding = -1;
    for (size_t i = 0; i < out_->verdicts.size(); ++i) {
      const FactVerdict& v = out_->verdicts[i];
      if (deciding < 0) {
        deciding = static_cast<int>(i);
        continue;
      }
      const FactVerdict& cur = out_->verdicts[static_cast<size_t>(deciding)];
      if (v.decision > cur.decision || (v.decision == cur.decision && v.rule && !cur.rule)) {
        deciding = static_cast<int>(i);
      }
    }
    if (deciding >= 0) out_->decision = out_->verdicts[static_cast<size_t>(deciding)].decision;
    out_->deciding = deciding;
    if (deciding < 0) {
      out_->decision = Default();
      out_->reason = "nothing to decide on; the default for " + std::string(ContextName(req_.context)) + " is " +
                     std::string(DecisionName(out_->decision));
      return;
    }
    const FactVerdict& v = out_->verdicts[static_cast<size_t>(deciding)];
    if (v.rule) {
      out_->rule_id = v.rule->id;
      out_->reason = v.rule->reason.empty() ? "rule " + v.rule->id : v.rule->reason;
      return;
    }
    std::string fact = DescribeFact(*out_, v, &req_);
    if (v.type == FactType::kSignal && IsAnalysisProblem(out_->facts.signals[v.index].type) &&
        v.decision > Default()) {
      out_->reason = "Warden could not fully analyze this (" + fact + "); no rule decides that, so it needs approval";
      return;
    }
    out_->reason = "no rule matched (" + fact + "); the default for " + std::string(ContextName(req_.context)) +
                   " is " + std::string(DecisionName(v.decision));
  }

  const Snapshot& snap_;
  const Request& req_;
  const EvalOptions& opt_;
  Outcome* out_;
  uint8_t ctx_bit_;
  PathEnv env_;
  bool failed_pattern_ = false;
};

}  // namespace

bool IsAnalysisProblem(std::string_view signal) { return shell::IsAnalysisProblem(signal); }

Outcome Evaluate(const Snapshot& snap, const Request& req, const EvalOptions& options) {
  Outcome out;
  Evaluation(snap, req, options, &out).Run();
  return out;
}

std::string DescribeFact(const Outcome& out, const FactVerdict& v, const Request* req) {
  switch (v.type) {
    case FactType::kCommand: {
      const auto& c = out.facts.commands[v.index];
      std::string s = "command: " + Printable(c.Line(), 100);
      if (!c.via.empty()) s += " (via " + Join(c.via, ", ") + ")";
      if (c.speculative) s += " (speculative)";
      return s;
    }
    case FactType::kFile: {
      const auto& f = out.facts.files[v.index];
      std::string s = std::string(shell::FileOpName(f.op)) + " " + Printable(f.path, 100);
      if (!f.lexical.empty()) s += " (via symlink " + Printable(f.lexical, 60) + ")";
      if (f.recursive) s += " (recursive)";
      if (f.dynamic) s += " (only known at run time)";
      if (f.speculative) s += " (speculative)";
      return s;
    }
    case FactType::kSignal: {
      const auto& s = out.facts.signals[v.index];
      return s.type + ": " + Printable(s.detail, 200) + (s.speculative ? " (speculative)" : "");
    }
    case FactType::kAction: return "action";
    case FactType::kMcp:
      if (req == nullptr) return "mcp tool call";
      return "tool " + Printable(req->tool, 80) + " on " + Printable(req->server, 60);
    case FactType::kHttp: {
      if (req == nullptr) return "http request";
      const HttpTarget& t = req->http;
      std::string target = t.url.substr(0, t.url.size() - (t.query.empty() ? 0 : t.query.size() + 1));
      return t.method + " " + Printable(target, 200) + (t.query.empty() ? "" : "?…");
    }
  }
  return "?";
}

}  // namespace warden::policy
