// `warden bench`: evaluates a file of requests in-process and reports decision latency.
#include <algorithm>
#include <chrono>
#include <iostream>

#include "cli/common.h"
#include "core/file.h"
#include "core/strings.h"

namespace warden::cli {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

struct BenchArgs {
  PolicyFlags policy;
  PlaceFlags place;
  std::string requests;
  int iterations = 1;
  size_t max = 0;
  size_t slowest = 0;
  bool json = false;
};

int RunBench(const BenchArgs& a) {
  auto text = ReadFileLimited(a.requests, size_t{1} << 31, FileKinds::kAnyReadable);
  if (!text.ok()) {
    std::cerr << "warden: " << text.status().message() << "\n";
    return kExitUsage;
  }
  std::vector<policy::Request> requests;
  std::vector<std::string_view> lines;  // the request's text, for --slowest
  size_t line_no = 0;
  for (auto line : Split(*text, '\n')) {
    ++line_no;
    if (Trim(line).empty()) continue;
    if (a.max && requests.size() >= a.max) break;
    policy::RequestPresence present;
    auto req = policy::ParseRequestJson(line, &present);
    if (!req.ok()) {
      std::cerr << a.requests << ":" << line_no << ": " << req.status().message() << "\n";
      return kExitUsage;
    }
    FillPlace(a.place, present, &*req);
    requests.push_back(std::move(req).value());
    lines.push_back(Trim(line));
  }
  if (requests.empty()) {
    std::cerr << "warden: " << a.requests << " holds no requests\n";
    return kExitUsage;
  }
  auto snap = LoadFromFlags(a.policy, CurrentDir(), false);
  if (!snap) {
    std::cerr << "warden: the policy has errors; nothing was decided\n";
    return kExitPolicy;
  }
  size_t allowed = 0, denied = 0, asked = 0;
  for (size_t i = 0; i < std::min<size_t>(200, requests.size()); ++i) policy::Evaluate(*snap, requests[i]);
  std::vector<uint64_t> samples;
  samples.reserve(requests.size() * static_cast<size_t>(a.iterations));
  auto wall_start = Clock::now();
  for (int it = 0; it < a.iterations; ++it) {
    for (const auto& req : requests) {
      auto t0 = Clock::now();
      policy::Outcome out = policy::Evaluate(*snap, req);
      auto t1 = Clock::now();
      samples.push_back(static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count()));
      if (it == 0) {
        (out.decision == policy::Decision::kAllow ? allowed : out.decision == policy::Decision::kDeny ? denied : asked)++;
      }
    }
  }
  double wall = std::chrono::duration<double>(Clock::now() - wall_start).count();
  // Per request, the median over the passes (before nth_element reorders `samples`).
  std::vector<std::pair<uint64_t, size_t>> by_request;
  if (a.slowest) {
    std::vector<uint64_t> mine(static_cast<size_t>(a.iterations));
    for (size_t r = 0; r < requests.size(); ++r) {
      for (size_t it = 0; it < mine.size(); ++it) mine[it] = samples[it * requests.size() + r];
      std::nth_element(mine.begin(), mine.begin() + static_cast<std::ptrdiff_t>(mine.size() / 2), mine.end());
      by_request.emplace_back(mine[mine.size() / 2], r);
    }
    size_t n = std::min(a.slowest, by_request.size());
    std::partial_sort(by_request.begin(), by_request.begin() + static_cast<std::ptrdiff_t>(n), by_request.end(),
                      [](const auto& x, const auto& y) { return x.first > y.first; });
    by_request.resize(n);
  }
  auto pct = [&](double p) {
    size_t k = std::min(samples.size() - 1, static_cast<size_t>(p * static_cast<double>(samples.size())));
    std::nth_element(samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(k), samples.end());
    return samples[k];
  };
  uint64_t p50 = pct(0.5), p99 = pct(0.99);
  double per_second = wall > 0 ? static_cast<double>(samples.size()) / wall : 0;
  if (a.json) {
    json::object o;
    o["decisions"] = requests.size();
    o["allowed"] = allowed;
    o["denied"] = denied;
    o["asked"] = asked;
    o["ns_per_decision_p50"] = p50;
    o["ns_per_decision_p99"] = p99;
    o["decisions_per_second"] = static_cast<uint64_t>(per_second);
    if (a.slowest) {
      json::array slow;
      for (const auto& [ns, r] : by_request) {
        slow.push_back(json::object{{"ns_median", ns}, {"request", json::string(lines[r])}});
      }
      o["slowest"] = std::move(slow);
    }
    PrintJson(o);
  } else {
    std::cout << requests.size() << " requests × " << a.iterations << ": allowed " << allowed << ", denied " << denied
              << ", asked " << asked << "\n"
              << "p50 " << p50 << " ns, p99 " << p99 << " ns per decision; " << static_cast<uint64_t>(per_second)
              << " decisions/s\n";
    if (a.slowest) {
      std::cout << "slowest requests (median ns over the passes):\n";
      for (const auto& [ns, r] : by_request) std::cout << "  " << ns << "  " << lines[r] << "\n";
    }
  }
  return 0;
}

}  // namespace

void RegisterBench(CLI::App& app, Runner* run) {
  auto args = std::make_shared<BenchArgs>();
  CLI::App* cmd = app.add_subcommand("bench", "Evaluate a JSONL file of requests in-process and report latency");
  AddPolicyFlags(cmd, &args->policy);
  AddPlaceFlags(cmd, &args->place);
  cmd->add_option("--requests", args->requests, "One JSON request per line")->required()->type_name("FILE.jsonl");
  cmd->add_option("--iterations", args->iterations, "Passes over the file (counts are for one pass)")
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--max", args->max, "Use only the first N requests")->type_name("N");
  cmd->add_option("--slowest", args->slowest, "Also list the N requests with the highest median latency")
      ->type_name("N");
  cmd->add_flag("--json", args->json,
                "One object: decisions, allowed, denied, asked, ns_per_decision_p50, ns_per_decision_p99, "
                "decisions_per_second (and slowest, with --slowest)");
  cmd->footer(R"(Examples:
  warden bench --profile none --policy rbac/warden-policy.yaml --requests rbac/requests.jsonl --json
  warden bench --requests bench/micro/commands.jsonl --iterations 20
  warden bench --requests bench/micro/commands.jsonl --iterations 50 --slowest 10

Exit codes: 0 done · 64 usage error or bad request line · 78 policy error)");
  cmd->callback([run, args] { *run = [args] { return RunBench(*args); }; });
}

}  // namespace warden::cli
