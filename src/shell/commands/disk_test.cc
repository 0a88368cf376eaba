#include <gtest/gtest.h>

#include "shell/test_util.h"

namespace warden::shell {
namespace {

using namespace testing;

TEST(DiskCommandsTest, ToolsWriteTheirTarget) {
  for (std::string_view cmd : {"mkfs.ext4 /dev/sda", "mke2fs -t ext4 /dev/sda", "wipefs -a /dev/sda", "blkdiscard -f /dev/sda",
                               "sgdisk --zap-all /dev/sda", "parted -s /dev/sda mklabel gpt", "badblocks -wsv /dev/sda",
                               "hdparm --security-erase pass /dev/sda", "nvme format /dev/sda", "mdadm --zero-superblock /dev/sda",
                               "ddrescue /dev/sdb /dev/sda map"}) {
    Facts f = Analyze(cmd);
    EXPECT_NE(FindFile(f, FileOp::kWrite, "/dev/sda"), nullptr) << cmd << ": " << Dump(f);
  }
}

TEST(DiskCommandsTest, ImageFilesAreFilesAndInspectionReads) {
  Facts f = Analyze("mkfs.ext4 -F disk.img");
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/home/dev/project/disk.img"), nullptr) << Dump(f);
  for (std::string_view cmd : {"fdisk -l /dev/sda", "parted /dev/sda print", "badblocks -sv /dev/sda", "hdparm -I /dev/sda",
                               "sgdisk -p /dev/sda"}) {
    Facts g = Analyze(cmd);
    EXPECT_EQ(FindFile(g, FileOp::kWrite, "/dev/sda"), nullptr) << cmd << ": " << Dump(g);
  }
}

}  // namespace
}  // namespace warden::shell
