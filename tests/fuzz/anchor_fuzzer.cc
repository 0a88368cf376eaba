// The retention anchor's parser (audit/anchor.h), the reading of retention records, and the
// decompression of a .gz segment (audit/segment.h) on arbitrary bytes.
//
// Checks that nothing crashes or reads out of bounds; that an anchor ParseAnchor accepts
// serializes back to text it parses to the same anchor, with the same MAC; that a retention
// record read from a line is a valid anchor; and that LineReader on a .gz file of arbitrary bytes
// either fails with an error or returns lines no longer than the limit it was given.
#include <fcntl.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "audit/anchor.h"
#include "audit/segment.h"

namespace warden::audit {
namespace {

void ParseAndRoundTrip(std::string_view text) {
  auto anchor = ParseAnchor(text);
  if (!anchor.ok()) {
    if (anchor.status().message().empty()) __builtin_trap();
    return;
  }
  auto again = ParseAnchor(SerializeAnchor(*anchor));
  if (!again.ok() || !(*again == *anchor)) __builtin_trap();
  std::string key(kAnchorKeyBytes, 'k');
  if (AnchorMac(*anchor, key) != AnchorMac(*again, key)) __builtin_trap();
  Anchor signed_anchor = *anchor;
  signed_anchor.mac = AnchorMac(signed_anchor, key);
  if (!AnchorMacMatches(signed_anchor, key)) __builtin_trap();
}

void ReadAsRetentionRecord(std::string_view line) {
  std::optional<Anchor> a = ReadRetentionRecord(line);
  if (a && !ParseAnchor(SerializeAnchor(*a)).ok()) __builtin_trap();
}

// A file named *.gz in the working directory (the fuzzer's run directory under ctest), removed
// as soon as the reader has it open.
constexpr const char* kGzPath = "anchor_fuzzer.jsonl.gz";

void DecompressAsSegment(std::string_view data) {
  int fd = open(kGzPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return;
  bool written = write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size());
  close(fd);
  constexpr size_t kMaxLine = size_t{1} << 20;
  auto reader = LineReader::Open(kGzPath, 0, kMaxLine);
  unlink(kGzPath);
  if (!written || !reader.ok()) return;
  std::string_view line;
  // Bounded, so that a small input that inflates to gigabytes does not stall the run.
  for (size_t total = 0; total < (size_t{8} << 20);) {
    auto more = reader->Next(&line);
    if (!more.ok() || !*more) return;
    if (line.size() > kMaxLine) __builtin_trap();
    total += line.size() + 1;
  }
}

}  // namespace
}  // namespace warden::audit

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  warden::audit::ParseAndRoundTrip(input);
  warden::audit::ReadAsRetentionRecord(input);
  warden::audit::DecompressAsSegment(input);
  return 0;
}
