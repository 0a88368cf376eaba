#include "tui/monitor.h"

#include <curses.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "core/json_text.h"
#include "audit/scan.h"
#include "core/path.h"
#include "local/approver_key.h"
#include "local/client.h"

namespace warden::tui {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

struct Event {
  std::string line;  // the event or audit record, as JSON
  char decision;     // 'a' allow, 'k' ask, 'd' deny, 'p' approval pending, 'r' approval resolved
  char kind;         // 'e' exec, 'f' file, 'a' action, '-' other
};

struct Pending {
  std::string id;
  std::string what;
  std::string reason;
};

char DecisionCode(std::string_view d) { return d == "allow" ? 'a' : d == "ask" ? 'k' : d == "deny" ? 'd' : '?'; }
char KindCode(std::string_view k) { return k == "exec" ? 'e' : k == "file" ? 'f' : k == "action" ? 'a' : '-'; }

std::string Str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

// What a request was, in one line.
std::string Summary(const json::object& o) {
  const json::value* r = o.if_contains("request");
  if (r && r->is_object()) {
    const json::object& req = r->as_object();
    if (auto c = Str(req, "command"); !c.empty()) return c;
    if (const json::value* a = req.if_contains("argv"); a && a->is_array()) {
      std::string s;
      for (const auto& x : a->as_array()) s += (s.empty() ? "" : " ") + (x.is_string() ? std::string(x.as_string()) : "?");
      return s;
    }
    if (auto u = Str(req, "url"); !u.empty()) return Str(req, "method") + " " + u;
    if (auto p = Str(req, "path"); !p.empty()) return Str(req, req.contains("op") ? "op" : "method") + " " + p;
    if (auto s = Str(req, "subject"); !s.empty()) return s + " " + Str(req, "action");
  }
  return Str(o, "approval_id");
}

class Monitor {
 public:
  explicit Monitor(MonitorOptions o) : opt_(std::move(o)) {}

  int Run() {
    LoadHistory();
    if (opt_.measure_frames > 0) return Measure();
    auto sub = local::Client::Connect(opt_.socket);
    if (!sub.ok()) {
      std::cerr << "warden monitor: " << sub.status().message() << " (start it with 'warden serve')\n";
      return 69;
    }
    json::object m;
    m["op"] = "subscribe";
    if (auto r = sub->Call(m); !r.ok()) {
      std::cerr << "warden monitor: " << r.status().message() << "\n";
      return 69;
    }
    sub_ = std::make_unique<local::Client>(std::move(*sub));
    RefreshApprovals();
    StartScreen(stdout);
    Loop();
    endwin();
    return 0;
  }

 private:
  // ---- data ---------------------------------------------------------------------------------

  void Add(std::string line, char decision, char kind) {
    events_.push_back({std::move(line), decision, kind});
    if (Matches(events_.back())) visible_.push_back(events_.size() - 1);
  }

  void LoadHistory() {
    if (opt_.history == 0 || opt_.state_dir.empty()) return;
    auto tail = audit::Tail(JoinPath(opt_.state_dir, "audit"), opt_.history);
    if (!tail.ok()) return;
    for (const auto& line : tail->lines) {
      audit::LineFields f;
      if (!audit::ExtractFields(line, &f)) continue;
      Add(line, DecisionCode(f.decision), KindCode(f.kind));
    }
  }

  void OnEvent(const json::object& e) {
    std::string type = Str(e, "event");
    std::string line = JsonText(e);
    if (type == "decision") {
      Add(std::move(line), DecisionCode(Str(e, "decision")), KindCode(Str(e, "kind")));
    } else if (type == "approval-pending") {
      pending_.push_back({Str(e, "approval_id"), Summary(e), Str(e, "reason")});
      Add(std::move(line), 'p', '-');
    } else if (type == "approval-resolved") {
      std::string id = Str(e, "approval_id");
      pending_.erase(std::remove_if(pending_.begin(), pending_.end(), [&](const Pending& p) { return p.id == id; }),
                     pending_.end());
      Add(std::move(line), 'r', '-');
    }
  }

  void RefreshApprovals() {
    auto c = local::Client::Connect(opt_.socket);
    if (!c.ok()) return;
    json::object m;
    m["op"] = "approvals";
    auto r = c->Call(m);
    if (!r.ok() || !r->contains("approvals")) return;
    pending_.clear();
    for (const auto& v : r->at("approvals").as_array()) {
      const json::object& a = v.as_object();
      pending_.push_back({Str(a, "approval_id"), Summary(a), Str(a, "reason")});
    }
  }

  bool Matches(const Event& e) const {
    if (decision_filter_ && e.decision != decision_filter_) return false;
    if (kind_filter_ && e.kind != kind_filter_) return false;
    return text_filter_.empty() || e.line.find(text_filter_) != std::string::npos;
  }

  void Refilter() {
    visible_.clear();
    for (size_t i = 0; i < events_.size(); ++i) {
      if (Matches(events_[i])) visible_.push_back(i);
    }
    follow_ = true;
  }

  // ---- screen -------------------------------------------------------------------------------

  void StartScreen(FILE* out) {
    if (std::getenv("TERM") == nullptr) setenv("TERM", "xterm", 1);
    screen_ = newterm(nullptr, out, stdin);
    set_term(screen_);
    cbreak();
    noecho();
    keypad(stdscr, TRUE);
    curs_set(0);
    timeout(0);
    if (has_colors()) {
      start_color();
      use_default_colors();
      init_pair(1, COLOR_GREEN, -1);
      init_pair(2, COLOR_YELLOW, -1);
      init_pair(3, COLOR_RED, -1);
      init_pair(4, COLOR_CYAN, -1);
    }
  }

  int ListRows() const { return std::max(3, LINES - 12); }

  void Draw() {
    erase();
    const int width = COLS;
    const int rows = ListRows();
    const size_t n = visible_.size();
    if (follow_ || selected_ >= n) selected_ = n ? n - 1 : 0;
    if (selected_ < top_) top_ = selected_;
    if (selected_ >= top_ + static_cast<size_t>(rows)) top_ = selected_ - static_cast<size_t>(rows) + 1;
    attron(A_BOLD);
    mvprintw(0, 0, "warden monitor  %zu events, %zu shown  decision:%s kind:%s text:%s  %s", events_.size(), n,
             decision_filter_ ? std::string(1, decision_filter_).c_str() : "*", kind_filter_ ? std::string(1, kind_filter_).c_str() : "*",
             text_filter_.empty() ? "*" : text_filter_.c_str(), follow_ ? "[following]" : "");
    attroff(A_BOLD);
    for (int r = 0; r < rows && top_ + static_cast<size_t>(r) < n; ++r) {
      size_t idx = visible_[top_ + static_cast<size_t>(r)];
      DrawRow(1 + r, idx, top_ + static_cast<size_t>(r) == selected_ && focus_ == 0, width);
    }
    DrawDetail(rows + 2, width);
    DrawApprovals(rows + 6, width);
    mvhline(LINES - 2, 0, ACS_HLINE, width);
    mvprintw(LINES - 1, 0, "%s", status_.empty()
                                     ? "q quit  ↑↓ PgUp PgDn Home End  / text  d decision  k kind  Tab approvals  a approve  A remember  x deny"
                                     : status_.c_str());
    refresh();
  }

  void DrawRow(int y, size_t idx, bool selected, int width) {
    const Event& e = events_[idx];
    std::error_code ec;
    json::value v = json::parse(e.line, ec);
    std::string ts, what, rule;
    if (!ec && v.is_object()) {
      const json::object& o = v.as_object();
      ts = Str(o, "ts");
      ts = ts.size() >= 19 ? ts.substr(11, 8) : std::string(8, ' ');
      what = Summary(o);
      rule = Str(o, "rule");
    }
    const char* label = e.decision == 'a' ? "allow" : e.decision == 'k' ? "ask  " : e.decision == 'd' ? "deny " : e.decision == 'p' ? "wait " : "done ";
    int color = e.decision == 'a' ? 1 : e.decision == 'k' || e.decision == 'p' ? 2 : e.decision == 'd' ? 3 : 4;
    if (selected) attron(A_REVERSE);
    mvprintw(y, 0, "%-8s ", ts.c_str());
    attron(COLOR_PAIR(color));
    printw("%s ", label);
    attroff(COLOR_PAIR(color));
    std::string text = what + (rule.empty() ? "" : "  [" + rule + "]");
    printw("%.*s", std::max(0, width - 16), text.c_str());
    if (selected) attroff(A_REVERSE);
  }

  void DrawDetail(int y, int width) {
    mvhline(y - 1, 0, ACS_HLINE, width);
    if (visible_.empty()) return;
    std::error_code ec;
    json::value v = json::parse(events_[visible_[selected_]].line, ec);
    if (ec || !v.is_object()) return;
    const json::object& o = v.as_object();
    mvprintw(y, 0, "%.*s", width, ("reason: " + Str(o, "reason")).c_str());
    mvprintw(y + 1, 0, "%.*s", width, ("rule:   " + (Str(o, "rule").empty() ? std::string("(the context's default)") : Str(o, "rule"))).c_str());
    std::string facts = o.contains("facts") ? JsonText(o.at("facts")) : "";
    mvprintw(y + 2, 0, "%.*s", width, ("facts:  " + facts).c_str());
  }

  void DrawApprovals(int y, int width) {
    mvhline(y - 1, 0, ACS_HLINE, width);
    attron(A_BOLD);
    mvprintw(y - 1, 2, " pending approvals: %zu ", pending_.size());
    attroff(A_BOLD);
    for (size_t i = 0; i < pending_.size() && i < 3; ++i) {
      bool sel = focus_ == 1 && i == approval_sel_;
      if (sel) attron(A_REVERSE);
      mvprintw(y + static_cast<int>(i), 0, "%.*s", width,
               (pending_[i].id + "  " + pending_[i].what + "  — " + pending_[i].reason).c_str());
      if (sel) attroff(A_REVERSE);
    }
  }

  // A line of input at the bottom of the screen.
  std::string Prompt(const std::string& label) {
    echo();
    curs_set(1);
    timeout(-1);
    move(LINES - 1, 0);
    clrtoeol();
    printw("%s", label.c_str());
    char buf[512] = {};
    getnstr(buf, sizeof buf - 1);
    noecho();
    curs_set(0);
    timeout(0);
    return buf;
  }

  // ---- answering approvals --------------------------------------------------------------------

  void AnswerSelected(bool approve, bool remember) {
    if (pending_.empty()) {
      status_ = "no pending approval";
      return;
    }
    const Pending p = pending_[std::min(approval_sel_, pending_.size() - 1)];
    auto key = local::ReadApproverKey(opt_.state_dir);
    if (!key.ok()) {
      status_ = key.status().message();
      return;
    }
    json::object m;
    m["op"] = approve ? "approve" : "deny";
    m["approval"] = p.id;
    m["key"] = *key;
    if (approve && remember) {
      std::string minutes = Prompt("remember this exact request for how many minutes? [10] ");
      int n = minutes.empty() ? 10 : std::atoi(minutes.c_str());
      m["remember_s"] = std::clamp(n, 1, 1440) * 60;
    }
    if (!approve) {
      std::string reason = Prompt("reason (told to the agent): ");
      if (!reason.empty()) m["reason"] = reason;
    }
    auto c = local::Client::Connect(opt_.socket);
    auto r = c.ok() ? c->Call(m) : Result<json::object>(c.status());
    if (!r.ok()) {
      status_ = r.status().message();
    } else if (!r->at("ok").as_bool()) {
      status_ = JsonText(r->at("error"));
    } else {
      status_ = std::string(approve ? "approved " : "denied ") + p.id;
    }
  }

  // ---- input ----------------------------------------------------------------------------------

  bool Key(int ch) {
    const size_t page = static_cast<size_t>(ListRows());
    switch (ch) {
      case 'q': return false;
      case '\t': focus_ = 1 - focus_; break;
      case KEY_UP:
        if (focus_ == 1) {
          if (approval_sel_ > 0) --approval_sel_;
        } else if (selected_ > 0) {
          --selected_;
          follow_ = false;
        }
        break;
      case KEY_DOWN:
        if (focus_ == 1) {
          if (approval_sel_ + 1 < pending_.size()) ++approval_sel_;
        } else if (selected_ + 1 < visible_.size()) {
          ++selected_;
        } else {
          follow_ = true;
        }
        break;
      case KEY_PPAGE: selected_ = selected_ > page ? selected_ - page : 0; follow_ = false; break;
      case KEY_NPAGE: selected_ = std::min(selected_ + page, visible_.empty() ? 0 : visible_.size() - 1); break;
      case KEY_HOME: selected_ = 0; follow_ = false; break;
      case KEY_END: follow_ = true; break;
      case '/': text_filter_ = Prompt("text filter (empty: none): "); Refilter(); break;
      case 'd': decision_filter_ = decision_filter_ == 0 ? 'd' : decision_filter_ == 'd' ? 'k' : decision_filter_ == 'k' ? 'a' : 0; Refilter(); break;
      case 'k': kind_filter_ = kind_filter_ == 0 ? 'e' : kind_filter_ == 'e' ? 'f' : kind_filter_ == 'f' ? 'a' : 0; Refilter(); break;
      case 'a': AnswerSelected(true, false); break;
      case 'A': AnswerSelected(true, true); break;
      case 'x': AnswerSelected(false, false); break;
      default: break;
    }
    return true;
  }

  void Loop() {
    Draw();
    for (;;) {
      pollfd fds[2] = {{0, POLLIN, 0}, {sub_->fd(), POLLIN, 0}};
      ::poll(fds, 2, 250);
      bool dirty = false;
      for (;;) {
        auto e = sub_->Poll();
        if (!e.ok()) {
          endwin();
          std::cerr << "warden monitor: " << e.status().message() << "\n";
          std::exit(69);
        }
        if (!e->has_value()) break;
        OnEvent(**e);
        dirty = true;
      }
      for (int ch = getch(); ch != ERR; ch = getch()) {
        status_.clear();
        if (!Key(ch)) return;
        dirty = true;
      }
      if (dirty) Draw();
    }
  }

  // Renders frames scrolling from the top to the end of everything loaded (and back), and
  // reports the frame times: the benchmark of the virtual list.
  int Measure() {
    FILE* null = std::fopen("/dev/null", "w");
    if (std::getenv("TERM") == nullptr) setenv("TERM", "xterm", 1);
    StartScreen(null);
    resizeterm(50, 160);
    std::vector<double> ms;
    follow_ = false;
    const size_t n = visible_.size();
    for (int f = 0; f < opt_.measure_frames; ++f) {
      selected_ = n ? (static_cast<size_t>(f) * 9973) % n : 0;  // jumps all over the list
      auto t0 = Clock::now();
      Draw();
      ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    endwin();
    std::sort(ms.begin(), ms.end());
    json::object o;
    o["events"] = events_.size();
    o["frames"] = ms.size();
    o["ms_p50"] = ms.empty() ? 0.0 : ms[ms.size() / 2];
    o["ms_p99"] = ms.empty() ? 0.0 : ms[std::min(ms.size() - 1, ms.size() * 99 / 100)];
    o["ms_max"] = ms.empty() ? 0.0 : ms.back();
    std::cout << JsonText(o) << "\n";
    return 0;
  }

  MonitorOptions opt_;
  std::unique_ptr<local::Client> sub_;
  SCREEN* screen_ = nullptr;
  std::deque<Event> events_;
  std::vector<size_t> visible_;
  std::vector<Pending> pending_;
  size_t selected_ = 0, top_ = 0, approval_sel_ = 0;
  bool follow_ = true;
  int focus_ = 0;  // 0 events, 1 approvals
  char decision_filter_ = 0, kind_filter_ = 0;
  std::string text_filter_, status_;
};

}  // namespace

int RunMonitor(const MonitorOptions& options) { return Monitor(options).Run(); }

}  // namespace warden::tui
