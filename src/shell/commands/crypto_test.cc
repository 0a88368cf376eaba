#include <gtest/gtest.h>

#include "shell/test_util.h"

namespace warden::shell {
namespace {

using namespace testing;

TEST(CryptoCommandsTest, OpensslOutputsAreWritesAndInputsReads) {
  Facts f = Analyze("openssl req -x509 -newkey rsa:2048 -keyout key.pem -out /etc/ssl/cert.pem -days 30 -subj /CN=x");
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/home/dev/project/key.pem"), nullptr) << Dump(f);
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/etc/ssl/cert.pem"), nullptr) << Dump(f);
  EXPECT_EQ(FindFile(f, FileOp::kRead, "/home/dev/project/30"), nullptr) << "-days takes a value: " << Dump(f);
  Facts g = Analyze("openssl rsa -in ~/.ssh/id_rsa -passin file:pw.txt");
  EXPECT_NE(FindFile(g, FileOp::kRead, "/home/dev/.ssh/id_rsa"), nullptr) << Dump(g);
  EXPECT_NE(FindFile(g, FileOp::kRead, "/home/dev/project/pw.txt"), nullptr) << Dump(g);
}

TEST(CryptoCommandsTest, OpensslDecodingToStdoutIsDecodedData) {
  Facts f = Analyze("openssl enc -d -base64 -in blob | bash");
  EXPECT_TRUE(HasSignal(f, kSignalRce)) << Dump(f);
}

TEST(CryptoCommandsTest, SshKeygenWritesItsKeyFile) {
  Facts f = Analyze("ssh-keygen -t ed25519 -N '' -f ~/.ssh/id_ed25519");
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/home/dev/.ssh/id_ed25519"), nullptr) << Dump(f);
  Facts g = Analyze("ssh-keygen -y -f ~/.ssh/id_ed25519");
  EXPECT_NE(FindFile(g, FileOp::kRead, "/home/dev/.ssh/id_ed25519"), nullptr) << Dump(g);
}

}  // namespace
}  // namespace warden::shell
