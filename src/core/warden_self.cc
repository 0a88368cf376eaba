#include "core/warden_self.h"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "core/path.h"

namespace warden {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : std::string();
}

std::string Home() {
  if (const char* h = std::getenv("HOME"); h && *h == '/') return h;
  if (const passwd* pw = getpwuid(getuid()); pw && pw->pw_dir) return pw->pw_dir;
  return "/";
}

std::string Parent(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// Relative locations (WARDEN_STATE_DIR=state) are taken from the working directory.
std::string Absolute(const std::string& path) {
  if (path.empty() || path.front() == '/') return path;
  char buf[4096];
  return getcwd(buf, sizeof buf) != nullptr ? NormalizePath(JoinPath(buf, path)) : path;
}

}  // namespace

std::string DefaultWardenStateDir() {
  if (std::string s = Env("WARDEN_STATE_DIR"); !s.empty()) return s;
  return JoinPath(Home(), ".local/state/warden");
}

std::string DefaultWardenSocket(const std::string& state_dir) {
  if (std::string s = Env("WARDEN_SOCKET"); !s.empty()) return s;
  if (std::string run = Env("XDG_RUNTIME_DIR"); !run.empty() && run.front() == '/') return JoinPath(run, "warden/warden.sock");
  // A cleaned environment (Gemini CLI runs hooks so) has no XDG_RUNTIME_DIR: the daemon, started
  // from the user's session, is still at the session's runtime directory when it is there.
  std::string session = "/run/user/" + std::to_string(::getuid()) + "/warden/warden.sock";
  if (::access(session.c_str(), F_OK) == 0) return session;
  return JoinPath(state_dir, "warden.sock");
}

std::string DefaultWardenConfigDir() {
  std::string base = Env("XDG_CONFIG_HOME");
  if (base.empty() || base.front() != '/') base = JoinPath(Home(), ".config");
  return JoinPath(base, "warden");
}

WardenSelf WardenSelf::FromEnvironment(const std::string& socket_flag, const std::string& state_dir_flag) {
  WardenSelf s;
  s.config_dir = NormalizePath(DefaultWardenConfigDir());
  s.state_dir = NormalizePath(Absolute(state_dir_flag.empty() ? DefaultWardenStateDir() : state_dir_flag));
  s.socket = NormalizePath(Absolute(socket_flag.empty() ? DefaultWardenSocket(s.state_dir) : socket_flag));
  for (const char* name : {"XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_RUNTIME_DIR", "WARDEN_STATE_DIR", "WARDEN_SOCKET"}) {
    if (std::string v = Env(name); !v.empty()) s.env.emplace_back(name, std::move(v));
  }
  std::string dir = Parent(s.socket);
  std::string_view name = Basename(dir);
  if (name.rfind("warden", 0) == 0 || dir == s.state_dir) s.runtime_dir = dir;
  return s;
}

std::array<std::string_view, 3> WardenSelf::Directories() const {
  std::array<std::string_view, 3> out;
  size_t n = 0;
  for (const std::string* d : {&config_dir, &state_dir, &runtime_dir}) {
    if (d->empty() || d->front() != '/' || std::find(out.begin(), out.begin() + n, *d) != out.begin() + n) continue;
    out[n++] = *d;
  }
  return out;
}

}  // namespace warden
