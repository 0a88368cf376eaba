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

// What `docker run` runs inside reaches this machine through its bind mounts: paths under a
// mount point are the host's, and only facts on the mounted trees are kept.
TEST(ContainerCommandsTest, RunReachesTheHostThroughBindMounts) {
  Facts f = Analyze("docker run --rm -v /srv/data:/d alpine rm -rf /d");
  const FileFact* d = FindFile(f, FileOp::kDelete, "/srv/data");
  ASSERT_NE(d, nullptr) << Dump(f);
  EXPECT_TRUE(d->recursive);
  f = Analyze("podman run -v /srv/data:/d -w /d alpine rm -rf x");
  EXPECT_NE(FindFile(f, FileOp::kDelete, "/srv/data/x"), nullptr) << "-w under the mount: " << Dump(f);
  f = Analyze("docker run -v /srv/data:/d img sh -c 'rm -rf /d/cache /var/tmp/y'");
  EXPECT_NE(FindFile(f, FileOp::kDelete, "/srv/data/cache"), nullptr) << Dump(f);
  EXPECT_EQ(FindFile(f, FileOp::kDelete, "/var/tmp/y"), nullptr) << "inside the container only: " << Dump(f);
  for (std::string_view cmd : {"docker run -v/srv/data:/d img rm -rf /d", "docker run -tiv /srv/data:/d img rm -rf /d",
                               "docker run --mount type=bind,source=/srv/data,target=/d img rm -rf /d",
                               "docker container run -v /srv/data:/d img rm -rf /d",
                               "docker run --entrypoint rm -v /srv/data:/d img -rf /d",
                               "docker compose run -v /srv/data:/d svc rm -rf /d"}) {
    f = Analyze(cmd);
    EXPECT_NE(FindFile(f, FileOp::kDelete, "/srv/data"), nullptr) << cmd << ": " << Dump(f);
  }
  f = Analyze("docker run --rm --device=/dev/sdb:/dev/xvda img dd if=/dev/zero of=/dev/xvda");
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/dev/sdb"), nullptr) << "--device maps the host's device: " << Dump(f);
  f = Analyze("docker run --rm --privileged img sh -c 'dd if=/dev/zero of=/dev/sdb'");
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/dev/sdb"), nullptr) << "--privileged sees every host device: " << Dump(f);
  f = Analyze("docker run -v /srv/data:/d img rm -rf /dx");
  EXPECT_EQ(FindFile(f, FileOp::kDelete, "/srv/datax"), nullptr) << "not a path under /d: " << Dump(f);
}

}  // namespace
}  // namespace warden::shell
