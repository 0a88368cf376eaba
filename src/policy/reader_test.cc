#include "policy/reader.h"

#include <gtest/gtest.h>

#include "policy/test_util.h"

namespace warden::policy {
namespace {

using testing::HasDiagnostic;
using testing::Load;

TEST(ReaderTest, ReadsAFullRule) {
  PolicyFile f;
  Diagnostics d;
  ASSERT_TRUE(ReadPolicy(R"(version: 1
rules:
  - id: r1
    kind: exec
    match:
      command: [rm, "mkfs*"]
      subcommand: ["volume prune"]
      flags: {all: ["-r|-R|--recursive"], none: ["-i"]}
      args: {any: {path: {outside: [$WORKSPACE]}}, max: 3}
    decision: deny
    reason: no
    context: [ai, service]
    priority: 5
    final: true
)", "t.yaml", LayerKind::kCommandLine, &f, &d));
  ASSERT_EQ(f.rules.size(), 1u);
  const RuleSpec& r = f.rules[0];
  EXPECT_EQ(r.id.value, "r1");
  EXPECT_EQ(r.decision, Decision::kDeny);
  EXPECT_EQ(r.contexts, ContextBit(Context::kAi) | ContextBit(Context::kService));
  EXPECT_EQ(r.priority, 5);
  EXPECT_TRUE(r.final);
  EXPECT_EQ(r.exec.command.size(), 2u);
  ASSERT_EQ(r.exec.subcommand.size(), 1u);
  EXPECT_EQ(r.exec.subcommand[0].value, (std::vector<std::string>{"volume", "prune"}));
  ASSERT_EQ(r.exec.flags.all.size(), 1u);
  EXPECT_EQ(r.exec.flags.all[0].value.size(), 3u);
  EXPECT_TRUE(r.exec.args.any.present);
  EXPECT_EQ(r.exec.args.max->value, 3);
  EXPECT_EQ(r.id.mark.line, 3u);
}

TEST(ReaderTest, EveryProblemHasAPositionAndACode) {
  auto r = Load(R"(version: 1
rules:
  - id: a
    kind: exec
    match: {comand: rm}
    decision: deny
  - id: b
    kind: file
    match: {op: rename}
    decision: maybe
  - id: c
    kind: exec
    match: {command: rm}
    decision: deny
    priority: high
)");
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(HasDiagnostic(r, "unknown-key", 5)) << testing::Diagnostics(r);
  EXPECT_TRUE(HasDiagnostic(r, "bad-value", 9));
  EXPECT_TRUE(HasDiagnostic(r, "bad-value", 10));
  EXPECT_TRUE(HasDiagnostic(r, "wrong-type", 15));
  for (const auto& d : r.diagnostics.all()) {
    EXPECT_FALSE(d.code.empty());
    EXPECT_GT(d.mark.line, 0u) << FormatDiagnostic(d);
  }
}

TEST(ReaderTest, ReadsAnHttpRule) {
  PolicyFile f;
  Diagnostics d;
  ASSERT_TRUE(ReadPolicy(R"(version: 1
rules:
  - id: h
    kind: http
    match:
      method: [get, HEAD]
      scheme: https
      host: ["*.example.com", 10.0.0.0/8]
      port: [443, 8443]
      path: "/api/**"
      url: {glob: "https://*"}
    decision: ask
)", "t.yaml", LayerKind::kCommandLine, &f, &d)) << d.all().front().message;
  ASSERT_EQ(f.rules.size(), 1u);
  const HttpMatch& m = f.rules[0].http;
  EXPECT_EQ(m.method.size(), 2u);
  ASSERT_EQ(m.scheme.size(), 1u);
  EXPECT_EQ(m.scheme[0].value, "https");
  EXPECT_EQ(m.host.size(), 2u);
  ASSERT_EQ(m.port.size(), 2u);
  EXPECT_EQ(m.port[1].value, 8443);
  EXPECT_EQ(m.path.size(), 1u);
  EXPECT_EQ(m.url.glob.size(), 1u);
}

TEST(ReaderTest, HttpRuleProblemsHavePositions) {
  auto r = Load(R"(version: 1
rules:
  - id: a
    kind: http
    match: {hots: example.com}
    decision: deny
  - id: b
    kind: http
    match: {scheme: ftp, port: [80, 70000]}
    decision: deny
  - id: c
    kind: http
    match:
      port: https
      path: api/*
      method: {GET: 1}
    decision: deny
  - id: d
    kind: http
    match: {command: curl}
    decision: deny
)");
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(HasDiagnostic(r, "unknown-key", 5)) << testing::Diagnostics(r);
  EXPECT_TRUE(HasDiagnostic(r, "bad-value", 9));   // scheme ftp, port 70000
  EXPECT_TRUE(HasDiagnostic(r, "wrong-type", 14));  // port: https
  EXPECT_TRUE(HasDiagnostic(r, "bad-value", 15));   // a path without '/'
  EXPECT_TRUE(HasDiagnostic(r, "wrong-type", 16));  // method: a mapping
  EXPECT_TRUE(HasDiagnostic(r, "unknown-key", 20));  // an exec key in an http match
  bool hinted = false;
  for (const auto& d : r.diagnostics.all()) hinted = hinted || d.hint.find("'host'") != std::string::npos;
  EXPECT_TRUE(hinted) << testing::Diagnostics(r);
}

TEST(ReaderTest, UnknownKeySuggestsTheClosest) {
  auto r = Load("version: 1\nrules:\n  - id: a\n    kind: exec\n    match: {comand: rm}\n    decision: deny\n");
  bool hinted = false;
  for (const auto& d : r.diagnostics.all()) hinted = hinted || d.hint.find("'command'") != std::string::npos;
  EXPECT_TRUE(hinted) << testing::Diagnostics(r);
}

TEST(ReaderTest, MissingVersionAndBadVersion) {
  EXPECT_TRUE(HasDiagnostic(Load("rules: []\n"), "missing-key"));
  EXPECT_TRUE(HasDiagnostic(Load("version: 2\n"), "bad-version", 1));
}

TEST(ReaderTest, BareTildeGetsAHint) {
  auto r = Load("version: 1\nrules:\n  - {id: a, kind: file, match: {is: [~]}, decision: deny}\n");
  ASSERT_FALSE(r.ok());
  bool hinted = false;
  for (const auto& d : r.diagnostics.all()) hinted = hinted || d.hint.find("\"~\"") != std::string::npos;
  EXPECT_TRUE(hinted) << testing::Diagnostics(r);
}

TEST(ReaderTest, MalformedYamlNotUtf8AndNul) {
  EXPECT_TRUE(HasDiagnostic(Load("version: 1\nrules: [\n"), "yaml-syntax"));
  EXPECT_TRUE(HasDiagnostic(Load("version: 1\n\xff\xfe junk\n"), "bad-encoding", 2));
  EXPECT_TRUE(HasDiagnostic(Load(std::string("version: 1\nname: a\0b\n", 21)), "bad-encoding", 2));
  EXPECT_TRUE(HasDiagnostic(Load(""), "missing-key"));
}

TEST(ReaderTest, DuplicateKeys) {
  EXPECT_TRUE(HasDiagnostic(Load("version: 1\nname: a\nname: b\n"), "duplicate-key", 3));
}

TEST(ReaderTest, UnknownFactName) {
  auto r = Load("version: 1\nrules:\n  - {id: a, kind: exec, match: {fact: rcee}, decision: ask}\n");
  EXPECT_TRUE(HasDiagnostic(r, "bad-value", 3));
}

TEST(ReaderTest, TestsAreRead) {
  PolicyFile f;
  Diagnostics d;
  ASSERT_TRUE(ReadPolicy(R"(version: 1
tests:
  - name: t
    request: {kind: exec, command: "ls", cwd: /x}
    expect: allow
    rule: null
)", "t.yaml", LayerKind::kCommandLine, &f, &d));
  ASSERT_EQ(f.tests.size(), 1u);
  EXPECT_EQ(f.tests[0].request.command, "ls");
  EXPECT_TRUE(f.tests[0].present.cwd);
  EXPECT_FALSE(f.tests[0].present.home);
  EXPECT_EQ(f.tests[0].expect_rule, std::string());
}

TEST(ReaderTest, BadTestRequestIsReported) {
  auto r = Load("version: 1\ntests:\n  - {name: t, request: {kind: exec, comand: ls}, expect: allow}\n");
  EXPECT_TRUE(HasDiagnostic(r, "bad-value", 3)) << testing::Diagnostics(r);
}

}  // namespace
}  // namespace warden::policy
