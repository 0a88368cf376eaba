#include <gtest/gtest.h>

#include "shell/test_util.h"

namespace warden::shell {
namespace {

using namespace testing;

TEST(ContainerCommandsTest, DockerCpWritesLocalDestinations) {
  Facts f = Analyze("docker cp app:/tmp/evil ~/.bashrc");
  const FileFact* w = FindFile(f, FileOp::kWrite, "/home/dev/.bashrc");
  ASSERT_NE(w, nullptr) << Dump(f);
  EXPECT_TRUE(w->recursive);
  Facts g = Analyze("podman container cp ~/.aws ctr:/x");
  EXPECT_NE(FindFile(g, FileOp::kRead, "/home/dev/.aws"), nullptr) << Dump(g);
}

TEST(ContainerCommandsTest, OtherSubcommandsTouchNoFiles) {
  Facts f = Analyze("docker -H tcp://h:2375 run --rm alpine ls /");
  EXPECT_TRUE(f.files.empty()) << Dump(f);
}

}  // namespace
}  // namespace warden::shell
