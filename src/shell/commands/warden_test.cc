#include <gtest/gtest.h>

#include "shell/test_util.h"

namespace warden::shell {
namespace {

using namespace testing;

TEST(WardenCommandsTest, LooseningFlagsAndPeopleOnlySubcommandsAreTamper) {
  for (std::string_view cmd :
       {"warden check --context human -- 'rm -rf ~'", "warden exec --profile none -- make", "warden exec --fail-open -- make",
        "/usr/local/bin/warden exec --policy=/tmp/p.yaml -- make", "warden exec --socket /tmp/other.sock -- make",
        "warden exec --no-daemon -- make", "warden exec --isolated -- make", "warden approve a3",
        "warden deny a3 --reason x", "warden token create --role admin", "warden serve --http :8181",
        "warden install claude", "warden monitor", "warden mcp accept fs read_file", "warden-serve",
        "warden-shell --context human -c ls", "x=warden; $x approve 1 || warden approvals"}) {
    Facts f = Analyze(cmd);
    EXPECT_TRUE(HasSignal(f, kSignalWardenTamper)) << cmd << ": " << Dump(f);
  }
}

TEST(WardenCommandsTest, OrdinaryUseIsNotTamper) {
  for (std::string_view cmd : {"warden status", "warden check -- 'git status'", "warden explain -- ls",
                               "warden audit tail -n 5", "warden policy check .warden/policy.yaml", "warden version",
                               "warden exec -- make test", "warden mcp --name fs -- npx server"}) {
    Facts f = Analyze(cmd);
    EXPECT_FALSE(HasSignal(f, kSignalWardenTamper)) << cmd << ": " << Dump(f);
  }
}

TEST(WardenCommandsTest, WhatWardenRunsIsAnalyzed) {
  for (std::string_view cmd : {"warden exec -- rm -rf /", "warden exec rm -rf /", "warden shell -c 'rm -rf /'",
                               "warden-shell -c 'rm -rf /'", "warden mcp --name x -- rm -rf /"}) {
    Facts f = Analyze(cmd);
    EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << cmd << ": " << Dump(f);
  }
}

TEST(WardenCommandsTest, ACopyKeepsItsName) {
  Facts f = Analyze("cp /usr/local/bin/warden /tmp/w && /tmp/w approve a1");
  EXPECT_TRUE(HasSignal(f, kSignalWardenTamper)) << Dump(f);
}

TEST(WardenCommandsTest, MovedHomeOrXdgForWardenIsTamper) {
  for (std::string_view cmd : {"XDG_CONFIG_HOME=/tmp/cfg warden exec -- make", "HOME=/tmp/h warden exec -- make",
                               "export XDG_RUNTIME_DIR=/tmp/r; warden exec -- make"}) {
    Facts f = Analyze(cmd);
    EXPECT_TRUE(HasSignal(f, kSignalWardenTamper)) << cmd << ": " << Dump(f);
  }
  Facts f = Analyze("XDG_CONFIG_HOME=/tmp/cfg make");
  EXPECT_FALSE(HasSignal(f, kSignalWardenTamper)) << "only Warden's programs care: " << Dump(f);
}

TEST(WardenCommandsTest, WardenVariablesAreTamperHoweverSet) {
  for (std::string_view cmd : {"WARDEN_CONTEXT=human make", "export WARDEN_FAIL_OPEN=1", "declare -x WARDEN_PROFILE=none",
                               "env WARDEN_SOCKET=/tmp/s warden exec -- ls", "unset WARDEN_SOCKET", "env -u WARDEN_CONTEXT ls",
                               "WARDEN_REAL_SHELL=/tmp/x; export WARDEN_REAL_SHELL", "readonly WARDEN_STATE_DIR=/tmp"}) {
    Facts f = Analyze(cmd);
    EXPECT_TRUE(HasSignal(f, kSignalWardenTamper)) << cmd << ": " << Dump(f);
  }
}

}  // namespace
}  // namespace warden::shell
