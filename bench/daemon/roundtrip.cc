// Decision round trip over the daemon's socket, under a fixed offered load: C client threads,
// each with its own connection, send decide messages on a schedule so that together they offer
// R decisions per second, for S seconds; every round trip (send → reply read) is timed from its
// scheduled start, so a stalled daemon shows up as latency instead of a slower schedule
// (no coordinated omission). Also reported: the same from the moment each request was actually
// written (sent_us_*), which leaves out the client thread's own wake-up lateness. Prints one
// JSON object.
//
//   warden_roundtrip_bench SOCKET [--clients 4] [--rate 10000] [--seconds 5] [--requests FILE.jsonl]
#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "local/client.h"

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: warden_roundtrip_bench SOCKET [--clients N] [--rate PER_S] [--seconds S] [--requests FILE]\n";
    return 64;
  }
  std::string socket = argv[1], requests_file;
  int clients = 4, seconds = 5;
  double rate = 10000;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (k == "--clients") clients = std::atoi(argv[i + 1]);
    else if (k == "--rate") rate = std::atof(argv[i + 1]);
    else if (k == "--seconds") seconds = std::atoi(argv[i + 1]);
    else if (k == "--requests") requests_file = argv[i + 1];
    else {
      std::cerr << "unknown option " << k << "\n";
      return 64;
    }
  }
  std::vector<json::object> messages;
  if (!requests_file.empty()) {
    std::ifstream in(requests_file);
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      json::object m;
      m["op"] = "decide";
      m["request"] = json::parse(line);
      messages.push_back(std::move(m));
    }
  }
  if (messages.empty()) {
    json::object m;
    m["op"] = "decide";
    m["request"] = json::parse(R"({"kind":"exec","command":"git status","cwd":"/tmp","workspace":"/tmp","home":"/tmp"})");
    messages.push_back(std::move(m));
  }
  std::vector<std::vector<double>> lat(static_cast<size_t>(clients));
  std::vector<std::vector<double>> service(static_cast<size_t>(clients));  // from the actual send
  std::vector<int> errors(static_cast<size_t>(clients), 0);
  const auto interval = std::chrono::duration<double>(clients / rate);
  const auto start = Clock::now() + std::chrono::milliseconds(100);
  const auto end = start + std::chrono::seconds(seconds);
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      auto conn = warden::local::Client::Connect(socket);
      if (!conn.ok()) {
        errors[static_cast<size_t>(c)] = -1;
        return;
      }
      auto next = start + std::chrono::duration_cast<Clock::duration>(interval * c / clients);
      size_t k = static_cast<size_t>(c);
      auto& mine = lat[static_cast<size_t>(c)];
      auto& served = service[static_cast<size_t>(c)];
      while (next < end) {
        std::this_thread::sleep_until(next);
        auto sent = Clock::now();
        auto r = conn->Call(messages[k++ % messages.size()]);
        auto done = Clock::now();
        served.push_back(std::chrono::duration<double, std::micro>(done - sent).count());
        if (!r.ok() || !(*r)["ok"].as_bool()) ++errors[static_cast<size_t>(c)];
        mine.push_back(std::chrono::duration<double, std::micro>(done - next).count());
        next += std::chrono::duration_cast<Clock::duration>(interval);
      }
    });
  }
  for (auto& t : threads) t.join();
  std::vector<double> all, all_served;
  int err = 0;
  for (int c = 0; c < clients; ++c) {
    all.insert(all.end(), lat[static_cast<size_t>(c)].begin(), lat[static_cast<size_t>(c)].end());
    all_served.insert(all_served.end(), service[static_cast<size_t>(c)].begin(), service[static_cast<size_t>(c)].end());
    if (errors[static_cast<size_t>(c)] < 0) {
      std::cerr << "cannot connect to " << socket << "\n";
      return 69;
    }
    err += errors[static_cast<size_t>(c)];
  }
  std::sort(all.begin(), all.end());
  std::sort(all_served.begin(), all_served.end());
  auto pct_of = [](const std::vector<double>& v, double p) {
    return v.empty() ? 0.0 : v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
  };
  auto pct = [&](double p) { return pct_of(all, p); };
  json::object o;
  o["clients"] = clients;
  o["offered_per_s"] = rate;
  o["seconds"] = seconds;
  o["decisions"] = all.size();
  o["achieved_per_s"] = static_cast<double>(all.size()) / seconds;
  o["errors"] = err;
  o["us_p50"] = pct(0.50);
  o["us_p90"] = pct(0.90);
  o["us_p99"] = pct(0.99);
  o["us_max"] = all.empty() ? 0.0 : all.back();
  // From the moment the request was written (excludes the client's own wake-up lateness).
  o["sent_us_p50"] = pct_of(all_served, 0.50);
  o["sent_us_p99"] = pct_of(all_served, 0.99);
  std::cout << json::serialize(o) << "\n";
  return err == 0 ? 0 : 1;
}
