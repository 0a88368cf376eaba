#include <gtest/gtest.h>

#include "shell/test_util.h"

namespace warden::shell {
namespace {

using namespace testing;

TEST(ArchiveCommandsTest, TarCreateReadsTreesAndWritesTheArchive) {
  Facts f = Analyze("tar czf /tmp/h.tgz ~/.ssh");
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/tmp/h.tgz"), nullptr) << Dump(f);
  const FileFact* r = FindFile(f, FileOp::kRead, "/home/dev/.ssh");
  ASSERT_NE(r, nullptr) << Dump(f);
  EXPECT_TRUE(r->recursive);
}

TEST(ArchiveCommandsTest, TarExtractWritesBelowItsDirectory) {
  Facts f = Analyze("tar -xf a.tar -C /etc");
  const FileFact* w = FindFile(f, FileOp::kWrite, "/etc/**");
  ASSERT_NE(w, nullptr) << Dump(f);
  EXPECT_TRUE(w->recursive);
}

TEST(ArchiveCommandsTest, TarOptionsThatRunCommands) {
  for (std::string_view cmd : {"tar xf a.tar --to-command='rm -rf /'", "tar -cf x.tar --checkpoint=1 --checkpoint-action=exec='rm -rf /' .",
                               "tar -I 'rm -rf /' -xf a.tar"}) {
    Facts f = Analyze(cmd);
    EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << cmd << ": " << Dump(f);
  }
}

TEST(ArchiveCommandsTest, UnzipWritesBelowD) {
  Facts f = Analyze("unzip pkg.zip -d /usr/lib/x");
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/usr/lib/x/**"), nullptr) << Dump(f);
  EXPECT_NE(FindFile(f, FileOp::kRead, "/home/dev/project/pkg.zip"), nullptr) << Dump(f);
}

TEST(ArchiveCommandsTest, ZipTestCommandRuns) {
  Facts f = Analyze("zip out.zip a.txt -T -TT 'rm -rf ~'");
  EXPECT_NE(FindFile(f, FileOp::kDelete, "/home/dev"), nullptr) << Dump(f);
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/home/dev/project/out.zip"), nullptr) << Dump(f);
}

TEST(ArchiveCommandsTest, DecompressToStdoutIsDecodedData) {
  Facts f = Analyze("gunzip -c payload.gz | bash");
  EXPECT_TRUE(HasSignal(f, kSignalRce)) << Dump(f);
  Facts g = Analyze("gzip big.log");
  EXPECT_NE(FindFile(g, FileOp::kWrite, "/home/dev/project/big.log"), nullptr) << Dump(g);
}

}  // namespace
}  // namespace warden::shell
