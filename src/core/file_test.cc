#include "core/file.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

namespace warden {
namespace {

namespace fs = std::filesystem;

class FileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/warden-file-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  fs::path dir_;
};

TEST_F(FileTest, ReadsARegularFileWhole) {
  auto data = ReadFileLimited(Write("p.yaml", "version: 1\n"), 1024);
  ASSERT_TRUE(data.ok()) << data.status().message();
  EXPECT_EQ(*data, "version: 1\n");
}

TEST_F(FileTest, RefusesWhatIsTooLargeMissingOrADirectory) {
  EXPECT_EQ(ReadFileLimited(Write("big", std::string(2000, 'x')), 1000).status().code(), Status::Code::kTooLarge);
  EXPECT_EQ(ReadFileLimited((dir_ / "none").string(), 1000).status().code(), Status::Code::kNotFound);
  auto d = ReadFileLimited(dir_.string(), 1000);
  EXPECT_EQ(d.status().code(), Status::Code::kIoError);
  EXPECT_NE(d.status().message().find("is a directory"), std::string::npos);
}

// A FIFO where a policy file is expected: refused at once, never waited on (if it were opened
// or read blocking, this test would hang until ctest's timeout).
TEST_F(FileTest, AFifoIsRefusedWithoutWaitingForAWriter) {
  std::string fifo = (dir_ / "policy.yaml").string();
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  auto r = ReadFileLimited(fifo, 1024);
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(r.status().message().find("a FIFO"), std::string::npos) << r.status().message();
}

TEST_F(FileTest, DevicesAndSocketsAreNotRegularFiles) {
  auto r = ReadFileLimited("/dev/null", 1024);
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(r.status().message().find("a character device"), std::string::npos);
  auto z = ReadFileLimited("/dev/zero", 1024);  // endless: refused before the first read
  EXPECT_EQ(z.status().code(), Status::Code::kInvalidArgument);
}

// A Unix socket cannot even be opened (ENXIO); the error still says what it is.
TEST_F(FileTest, ASocketIsNamedAsOne) {
  std::string path = (dir_ / "policy.yaml").string();
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  ASSERT_LT(path.size(), sizeof addr.sun_path);
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  auto r = ReadFileLimited(path, 1024);
  close(fd);
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(r.status().message().find("is a socket, not a regular file"), std::string::npos) << r.status().message();
}

// kAnyReadable (a request given as @/dev/stdin): pipes and devices are read to end of file.
TEST_F(FileTest, AnyReadableReadsAPipeToItsEnd) {
  auto empty = ReadFileLimited("/dev/null", 1024, FileKinds::kAnyReadable);
  ASSERT_TRUE(empty.ok()) << empty.status().message();
  EXPECT_EQ(*empty, "");
  std::string fifo = (dir_ / "request.json").string();
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  std::thread writer([&] { std::ofstream(fifo) << "{\"kind\":\"exec\"}"; });
  auto r = ReadFileLimited(fifo, 1024, FileKinds::kAnyReadable);
  writer.join();
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(*r, "{\"kind\":\"exec\"}");
  EXPECT_EQ(ReadFileLimited("/dev/zero", 1 << 20, FileKinds::kAnyReadable).status().code(), Status::Code::kTooLarge);
}

}  // namespace
}  // namespace warden
