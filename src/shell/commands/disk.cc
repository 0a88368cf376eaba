// Disks, partitions and filesystems: what a tool writes is the device (or image file) it is
// given. mkfs DEVICE, wipefs, the partitioners, blkdiscard, badblocks -w, shred-like erasers
// (hdparm --security-erase, nvme format|sanitize), LVM/mdadm/cryptsetup/zpool destroys and
// ddrescue's output write their target — a block device is denied by the policy's
// write-block-device rule, an image file in the workspace is ordinary work. Read-only
// inspection (lsblk, blkid, fdisk -l, parted -l, badblocks without -w) writes nothing.
#include <algorithm>

#include "core/strings.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/commands/families.h"

namespace warden::shell {
namespace {

using F = Family;

// Every operand is a target that gets written (mkfs, wipefs, blkdiscard, mkswap, …): a size or
// block count after the device is written too, harmlessly.
Stream WritesOperands(Call& c) {
  for (uint32_t op : c.fact().operands) c.Operand(FileOp::kWrite, op);
  return UnknownStream(c.name());
}

// Partitioners: listing options (fdisk -l, sfdisk --dump, sgdisk --print, parted … print) only
// read; everything else (interactive sessions included) may write the partition table.
bool PartitionerOnlyLists(const Call& c) {
  const auto& options = c.fact().options;
  const std::string_view family = LookupCommand(c.name()).name;
  if (family == "fdisk") return HasOption(options, {"-l", "--list"});
  if (family == "sfdisk") return HasOption(options, {"-l", "--list", "-d", "--dump", "-s", "--show-size", "-V", "--verify", "-J", "--json"});
  if (family == "sgdisk") return HasOption(options, {"-p", "--print", "-v", "--verify", "-O", "--print-mbr"});
  if (family == "parted") {
    if (HasOption(options, {"-l", "--list"})) return true;
    const auto& ops = c.fact().operands;
    return ops.size() >= 2 && std::all_of(ops.begin() + 1, ops.end(), [&](uint32_t op) { return c.argv[op].text == "print"; });
  }
  return false;
}

Stream Partitioner(Call& c) {
  const bool lists = PartitionerOnlyLists(c);
  for (uint32_t op : c.fact().operands) {
    if (c.argv[op].text.rfind("/", 0) == 0 || c.argv[op].text.find('.') != std::string::npos) {
      c.Operand(lists ? FileOp::kRead : FileOp::kWrite, op);
    }
  }
  return UnknownStream(c.name());
}

// badblocks -w (destructive write test) or -n (non-destructive read-write) write the device.
Stream Badblocks(Call& c) {
  const bool writes = HasOption(c.fact().options, {"-w", "-n"});
  if (!c.fact().operands.empty()) c.Operand(writes ? FileOp::kWrite : FileOp::kRead, c.fact().operands[0]);
  return UnknownStream(c.name());
}

// hdparm --security-erase/--security-erase-enhanced/--trim-sector-ranges/--write-sector DEVICE.
Stream Hdparm(Call& c) {
  bool erases = false;
  for (const auto& a : c.argv) {
    erases = erases || a.text.rfind("--security-erase", 0) == 0 || a.text.rfind("--trim-sector", 0) == 0 ||
             a.text.rfind("--write-sector", 0) == 0 || a.text == "--fwdownload" || a.text.rfind("--dco-restore", 0) == 0;
  }
  for (uint32_t op : c.fact().operands) {
    if (c.argv[op].text.rfind("/dev/", 0) == 0) c.Operand(erases ? FileOp::kWrite : FileOp::kRead, op);
  }
  return UnknownStream(c.name());
}

// Subcommand tools: the verbs that destroy what they are given (nvme format, zpool destroy,
// cryptsetup luksFormat, lvremove …); other verbs only read.
Stream VerbWrites(Call& c) {
  static constexpr std::string_view kDestroying[] = {
      "format", "sanitize", "write-zeroes", "write", "delete-ns", "destroy", "create", "labelclear", "luksFormat",
      "erase", "luksErase", "reencrypt", "open", "remove", "removeall", "--create", "--zero-superblock", "--remove",
      "--fail"};
  const auto& ops = c.fact().operands;
  bool destroying = std::any_of(c.argv.begin() + 1, c.argv.end(), [](const Expanded& a) {
    return std::find(std::begin(kDestroying), std::end(kDestroying), a.text) != std::end(kDestroying);
  });
  for (uint32_t op : ops) {
    const std::string& t = c.argv[op].text;
    if (t.rfind("/", 0) == 0 || (c.argv[op].bits & kArgDynamic)) c.Operand(destroying ? FileOp::kWrite : FileOp::kRead, op);
  }
  return UnknownStream(c.name());
}

// ddrescue INFILE OUTFILE [MAPFILE]: OUTFILE is written.
Stream Ddrescue(Call& c) {
  const auto& ops = c.fact().operands;
  if (!ops.empty()) c.Operand(FileOp::kRead, ops[0]);
  if (ops.size() > 1) c.Operand(FileOp::kWrite, ops[1]);
  if (ops.size() > 2) c.Operand(FileOp::kWrite, ops[2]);
  return UnknownStream(c.name());
}

constexpr CommandSpec kModels[] = {
    {"mkfs", F::kEffects, "tLbCcEgGIiJmNOoqrTUv", "type", false, 0, 0, "", false, WritesOperands},
    {"mke2fs", F::kEffects, "bCcEgGIiJLmNOorTtU", "", false, 0, 0, "", false, WritesOperands},
    {"mkswap", F::kEffects, "LpUe", "label pagesize uuid endianness", false, 0, 0, "", false, WritesOperands},
    {"mkdosfs", F::kEffects, "ABCDfFhiIlmMnrRsS", "", false, 0, 0, "", false, WritesOperands},
    {"mkntfs", F::kEffects, "cLpSsHzT", "", false, 0, 0, "", false, WritesOperands},
    {"mkexfatfs", F::kEffects, "LinpS", "", false, 0, 0, "", false, WritesOperands},
    {"wipefs", F::kEffects, "bfOopt", "backup output offset types", false, 0, 0, "", false, WritesOperands},
    {"blkdiscard", F::kEffects, "lop", "length offset step", false, 0, 0, "", false, WritesOperands},
    {"fdisk", F::kEffects, "bcCHSLnouwW", "sector-size compatibility cylinders heads sectors color units wipe wipe-partitions", false, 0, 0, "", false, Partitioner},
    {"sfdisk", F::kEffects, "NXYw", "partno label label-nested wipe wipe-partitions backup-file", false, 0, 0, "", false, Partitioner},
    {"cfdisk", F::kEffects, "L", "color", false, 0, 0, "", false, Partitioner},
    {"gdisk", F::kEffects, "", "", false, 0, 0, "", false, Partitioner},
    {"sgdisk", F::kEffects, "aAbcdeEfFgGhilLmnNoOpPrRsStTuvVz", "", false, 0, 0, "", false, Partitioner},
    {"parted", F::kEffects, "", "", false, 0, 0, "", false, Partitioner},
    {"badblocks", F::kEffects, "bcdeiopt", "", false, 0, 0, "", false, Badblocks},
    {.name = "hdparm", .family = F::kEffects, .run = Hdparm},
    {.name = "nvme", .family = F::kEffects, .run = VerbWrites},
    {.name = "zpool", .family = F::kEffects, .run = VerbWrites},
    {.name = "zfs", .family = F::kEffects, .run = VerbWrites},
    {.name = "cryptsetup", .family = F::kEffects, .run = VerbWrites},
    {.name = "mdadm", .family = F::kEffects, .run = VerbWrites},
    {.name = "pvcreate", .family = F::kEffects, .run = WritesOperands},
    {.name = "pvremove", .family = F::kEffects, .run = WritesOperands},
    {.name = "vgremove", .family = F::kEffects, .run = WritesOperands},
    {.name = "lvremove", .family = F::kEffects, .run = WritesOperands},
    {.name = "vgcreate", .family = F::kEffects, .run = WritesOperands},
    {.name = "lvcreate", .family = F::kEffects, .run = VerbWrites},
    {"ddrescue", F::kEffects, "bcemiKoOsT", "", false, 0, 0, "", false, Ddrescue},
    {.name = "lsblk", .family = F::kNoFiles},
    {.name = "blkid", .family = F::kNoFiles},
    {.name = "smartctl", .family = F::kNoFiles},  // health data; its self-tests do not erase
};

}  // namespace

ModelTable DiskCommands() { return kModels; }

}  // namespace warden::shell
