#include "audit/anchor.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "audit/chain.h"
#include "audit/line.h"
#include "audit/test_util.h"

namespace warden::audit {
namespace {

using testing::ScratchDir;

Anchor SampleAnchor() {
  Anchor a;
  a.first_segment = 4;
  a.first_seq = 1201;
  a.prev_hash = std::string(64, 'a');
  a.removed_segments = 3;
  a.removed_records = 1200;
  a.removed_bytes = 98765;
  a.oldest_ts = "2024-05-01T00:00:00.000000Z";
  a.through_ts = "2024-05-02T12:00:00.500000Z";
  a.updated = "2024-06-01T00:00:00.000000Z";
  return a;
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

TEST(AnchorTest, RoundTripsSignedAndUnsigned) {
  Anchor a = SampleAnchor();
  auto parsed = ParseAnchor(SerializeAnchor(a));
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(*parsed, a);
  EXPECT_NE(SerializeAnchor(a).find("\"mac\":null"), std::string::npos);
  a.mac = AnchorMac(a, std::string(32, 'k'));
  parsed = ParseAnchor(SerializeAnchor(a));
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(*parsed, a);
}

TEST(AnchorTest, RefusesWhatIsNotAnAnchor) {
  std::string good = SerializeAnchor(SampleAnchor());
  for (const auto& [text, why] : std::vector<std::pair<std::string, std::string>>{
           {"", "not valid JSON"},
           {"[]", "not a JSON object"},
           {Replace(good, "\"first_seq\":1201", "\"first_seq\":1202"), "removed_records"},
           {Replace(good, "\"first_seq\":1201", "\"first_seq\":\"1201\""), "first_seq"},
           {Replace(good, "\"first_segment\":4", "\"first_segment\":1"), "first_segment"},
           {Replace(good, "\"removed_segments\":3", "\"removed_segments\":4"), "removed_segments"},
           {Replace(good, std::string(64, 'a'), std::string(64, 'A')), "prev_hash"},
           {Replace(good, std::string(64, 'a'), "abc"), "prev_hash"},
           {Replace(good, "2024-05-01T00:00:00.000000Z", "2024-05-01"), "timestamp"},
           {Replace(good, "2024-05-01T00:00:00.000000Z", "2024-05-03T00:00:00.000000Z"), "through_ts"},
           {Replace(good, "warden-audit-anchor/1", "warden-audit-anchor/2"), "format"},
           {Replace(good, "\"mac\":null", "\"mac\":null,\"extra\":1"), "keys"},
           {Replace(good, ",\"mac\":null", ""), "keys"},
           {Replace(good, "\"mac\":null", "\"mac\":\"xyz\""), "mac"},
           {Replace(good, "\"removed_bytes\":98765", "\"removed_bytes\":-1"), "removed_bytes"},
           {std::string(kMaxAnchorBytes + 1, ' '), "larger"},
       }) {
    auto parsed = ParseAnchor(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.status().code(), Status::Code::kParseError);
    EXPECT_NE(parsed.status().message().find(why), std::string::npos) << parsed.status().message();
  }
}

TEST(AnchorTest, MacCoversEveryField) {
  std::string key(32, 'k');
  Anchor a = SampleAnchor();
  a.mac = AnchorMac(a, key);
  EXPECT_TRUE(AnchorMacMatches(a, key));
  EXPECT_FALSE(AnchorMacMatches(a, std::string(32, 'j')));
  std::vector<std::function<void(Anchor&)>> edits = {
      [](Anchor& x) { x.first_segment++; },    [](Anchor& x) { x.first_seq++; },
      [](Anchor& x) { x.prev_hash[0] = 'b'; }, [](Anchor& x) { x.removed_segments++; },
      [](Anchor& x) { x.removed_records++; },  [](Anchor& x) { x.removed_bytes++; },
      [](Anchor& x) { x.oldest_ts[3] = '3'; }, [](Anchor& x) { x.through_ts[3] = '3'; },
      [](Anchor& x) { x.updated[3] = '3'; },
  };
  for (size_t i = 0; i < edits.size(); ++i) {
    Anchor b = a;
    edits[i](b);
    EXPECT_FALSE(AnchorMacMatches(b, key)) << "edit " << i;
  }
  Anchor unsigned_anchor = SampleAnchor();
  EXPECT_FALSE(AnchorMacMatches(unsigned_anchor, key));
}

TEST(AnchorTest, FileIsWrittenAtomicallyAndReadBack) {
  ScratchDir tmp;
  auto none = ReadAnchor(tmp.path());
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  ASSERT_TRUE(WriteAnchor(tmp.path(), SampleAnchor()).ok());
  auto read = ReadAnchor(tmp.path());
  ASSERT_TRUE(read.ok() && read->has_value()) << read.status().message();
  EXPECT_EQ(**read, SampleAnchor());
  EXPECT_FALSE(std::filesystem::exists(tmp.path() + "/.anchor.json.tmp"));
  testing::WriteAll(tmp.path() + "/anchor.json", "{");
  EXPECT_EQ(ReadAnchor(tmp.path()).status().code(), Status::Code::kParseError);
}

TEST(AnchorTest, KeyIsCreatedOnceWithMode0600) {
  ScratchDir tmp;
  std::string path = tmp.path() + "/audit.key";
  auto missing = LoadAnchorKey(path);
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  auto made = LoadOrCreateAnchorKey(path);
  ASSERT_TRUE(made.ok()) << made.status().message();
  EXPECT_EQ(made->size(), kAnchorKeyBytes);
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto again = LoadOrCreateAnchorKey(path);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *made);
  testing::WriteAll(path, "not hex\n");
  EXPECT_FALSE(LoadAnchorKey(path).ok());
}

TEST(AnchorTest, RetentionRecordAnnouncesTheAnchor) {
  Anchor a = SampleAnchor();
  Record r = RetentionRecord(a);
  EXPECT_EQ(r.rule, std::string(kRetentionRule));
  HashBytes prev{};
  std::string line;
  AppendLine(7, 1, SerializeRecordFields(r), &prev, &line);
  line.pop_back();
  auto read = ReadRetentionRecord(line);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(*read, a);  // the MAC is not part of the announcement
  EXPECT_FALSE(ReadRetentionRecord(R"({"seq":1})").has_value());
  Record other = testing::MakeRecord(1, "allow", std::string(kRetentionRule));  // a policy rule of that name
  line.clear();
  AppendLine(8, 1, SerializeRecordFields(other), &prev, &line);
  EXPECT_FALSE(ReadRetentionRecord(line).has_value());
}

}  // namespace
}  // namespace warden::audit
