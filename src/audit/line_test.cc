#include "audit/line.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "audit/record.h"
#include "audit/test_util.h"

namespace warden::audit {
namespace {

std::string LineFor(const Record& r, uint64_t seq, HashBytes* prev) {
  std::string out;
  AppendLine(seq, 1714564800000000 + static_cast<int64_t>(seq), SerializeRecordFields(r), prev, &out);
  EXPECT_EQ(out.back(), '\n');
  out.pop_back();
  return out;
}

TEST(AuditLineTest, WritesValidJsonWithTheHashLast) {
  HashBytes prev{};
  std::string line = LineFor(testing::MakeRecord(1, "deny", "no-rm"), 1, &prev);
  auto v = boost::json::parse(line);
  const auto& o = v.as_object();
  EXPECT_EQ(o.at("seq").as_int64(), 1);
  EXPECT_EQ(o.at("ts").as_string(), "2024-05-01T12:00:00.000001Z");
  EXPECT_EQ(o.at("prev_hash").as_string(), kZeroHashHex);
  EXPECT_EQ(o.at("hash").as_string(), ToHex(prev));
  EXPECT_EQ(o.size(), 15u);
  EXPECT_EQ(line.substr(0, 8), R"({"seq":1)");
  EXPECT_EQ(line.substr(line.size() - kHashSuffixSize, 9), R"(,"hash":")");
}

// The documented hash: BLAKE2b-256 over the previous hash's raw bytes and the line without its
// `hash` member (closed again with "}").
TEST(AuditLineTest, HashIsOverPreviousHashAndTheLineWithoutHash) {
  HashBytes prev{};
  std::string first = LineFor(testing::MakeRecord(1), 1, &prev);
  HashBytes first_hash = prev;
  std::string second = LineFor(testing::MakeRecord(2), 2, &prev);
  std::string body = second.substr(0, second.size() - kHashSuffixSize) + "}";
  EXPECT_EQ(HashRecord(first_hash, body), prev);
  auto v = boost::json::parse(body);
  EXPECT_FALSE(v.as_object().contains("hash"));
  EXPECT_EQ(v.as_object().at("prev_hash").as_string(), ToHex(first_hash));
  EXPECT_TRUE(LineHashMatches(second, first_hash));
  EXPECT_FALSE(LineHashMatches(second, HashBytes{}));
  std::string edited = second;
  edited.replace(edited.find("\"allow\""), 7, "\"deny\" ");
  EXPECT_FALSE(LineHashMatches(edited, first_hash));
}

TEST(AuditLineTest, ExtractsTheLeadingFieldsOfWriterLines) {
  HashBytes prev{};
  std::string line = LineFor(testing::MakeRecord(7, "ask", "ask-push", "mcp"), 42, &prev);
  LineFields f;
  ASSERT_TRUE(ExtractFields(line, &f));
  EXPECT_EQ(f.seq, 42u);
  EXPECT_EQ(f.ts, "2024-05-01T12:00:00.000042Z");
  EXPECT_EQ(f.kind, "mcp");
  EXPECT_EQ(f.context, "ai");
  EXPECT_EQ(f.decision, "ask");
  EXPECT_TRUE(f.has_rule);
  EXPECT_EQ(f.rule, "ask-push");

  std::string no_rule = LineFor(testing::MakeRecord(8), 43, &prev);
  ASSERT_TRUE(ExtractFields(no_rule, &f));
  EXPECT_FALSE(f.has_rule);

  std::string_view prev_hex, hash_hex;
  ASSERT_TRUE(ExtractHashes(no_rule, &prev_hex, &hash_hex));
  EXPECT_EQ(hash_hex, ToHex(prev));
}

TEST(AuditLineTest, FastPathRefusesWhatItCannotReadExactly) {
  LineFields f;
  HashBytes prev{};
  Record escaped = testing::MakeRecord(1, "deny", "rule \"quoted\"");
  std::string line = LineFor(escaped, 1, &prev);
  EXPECT_FALSE(ExtractFields(line, &f));
  FieldStorage storage;
  ASSERT_TRUE(ReadFields(line, &f, &storage).ok());
  EXPECT_EQ(f.rule, "rule \"quoted\"");

  std::string reordered = R"({"ts":"2024-05-01T12:00:00.000000Z","seq":3,"kind":"file","context":"human",)"
                          R"("decision":"allow","rule":null})";
  EXPECT_FALSE(ExtractFields(reordered, &f));
  ASSERT_TRUE(ReadFields(reordered, &f, &storage).ok());
  EXPECT_EQ(f.seq, 3u);
  EXPECT_EQ(f.kind, "file");
  EXPECT_FALSE(f.has_rule);

  for (const char* bad : {"", "{", "{\"seq\":", "{\"seq\":01,", "{\"seq\":-1,", "[1,2]", "{\"seq\":1}",
                          "{\"seq\":18446744073709551616,\"ts\":\"x\"}"}) {
    EXPECT_FALSE(ExtractFields(bad, &f)) << bad;
    EXPECT_FALSE(ReadFields(bad, &f, &storage).ok()) << bad;
  }
  Status s = ParseFields(R"({"seq":1,"ts":"t","kind":"exec","context":"ai","decision":7,"rule":null})", &f, &storage);
  EXPECT_EQ(s.message(), "\"decision\" is missing or not a string");
}

TEST(AuditLineTest, ExtractHashesNeedsTheExactTail) {
  std::string_view p, h;
  std::string zeros(64, '0');
  std::string good = R"({"seq":1,"prev_hash":")" + zeros + R"(","hash":")" + zeros + R"("})";
  EXPECT_TRUE(ExtractHashes(good, &p, &h));
  std::string upper = R"({"seq":1,"prev_hash":")" + zeros + R"(","hash":")" + std::string(64, 'A') + R"("})";
  EXPECT_FALSE(ExtractHashes(upper, &p, &h));
  EXPECT_FALSE(ExtractHashes(good + " ", &p, &h));
  EXPECT_FALSE(ExtractHashes("short", &p, &h));
}

}  // namespace
}  // namespace warden::audit
