#include <gtest/gtest.h>

#include "shell/test_util.h"

namespace warden::shell {
namespace {

using namespace testing;

TEST(EditCommandsTest, SedInPlaceWritesAndPlainSedReads) {
  Facts f = Analyze("sed -i 's/a/b/' conf; sed -n 1p notes");
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/home/dev/project/conf"), nullptr) << Dump(f);
  EXPECT_NE(FindFile(f, FileOp::kRead, "/home/dev/project/notes"), nullptr) << Dump(f);
  EXPECT_EQ(FindFile(f, FileOp::kWrite, "/home/dev/project/notes"), nullptr) << Dump(f);
}

TEST(EditCommandsTest, SedScriptsRunAndWrite) {
  Facts f = Analyze("sed -n '1e rm -rf /' x; sed 'w /etc/passwd' y");
  EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << Dump(f);
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/etc/passwd"), nullptr) << Dump(f);
}

TEST(EditCommandsTest, SedSubstituteExecute) {
  Facts f = Analyze("echo x | sed 's/x/rm -rf ~/e'");
  EXPECT_TRUE(HasSignal(f, kSignalDynamicScript)) << Dump(f);
  EXPECT_NE(FindFile(f, FileOp::kDelete, "/home/dev"), nullptr) << Dump(f);
}

TEST(EditCommandsTest, VimBangCommandsRun) {
  Facts f = Analyze("vim -c ':!rm -rf /' +q file.txt");
  EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << Dump(f);
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/home/dev/project/file.txt"), nullptr) << Dump(f);
  EXPECT_TRUE(HasSignal(f, kSignalInlineCode)) << "+q is vim code: " << Dump(f);
}

TEST(EditCommandsTest, EditorsReadAndWrite) {
  Facts f = Analyze("nano ~/.bashrc");
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/home/dev/.bashrc"), nullptr) << Dump(f);
  EXPECT_NE(FindFile(f, FileOp::kRead, "/home/dev/.bashrc"), nullptr) << Dump(f);
}

TEST(EditCommandsTest, VimFunctionsAndEmacsLisp) {
  Facts f = Analyze("vim -c 'call delete(expand(\"~/.bashrc\"))' -c q");
  EXPECT_NE(FindFile(f, FileOp::kDelete, "/home/dev/.bashrc"), nullptr) << Dump(f);
  f = Analyze("vim -c 'call writefile([\"k\"], \"/home/dev/.ssh/authorized_keys\")' -c q");
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/home/dev/.ssh/authorized_keys"), nullptr) << Dump(f);
  f = Analyze("emacs --batch --eval '(delete-directory \"/etc\" t)'");
  const FileFact* del = FindFile(f, FileOp::kDelete, "/etc");
  ASSERT_NE(del, nullptr) << Dump(f);
  EXPECT_TRUE(del->recursive);
  for (std::string_view cmd : {"emacs --batch --eval '(shell-command \"rm -rf /\")'",
                               "emacs --batch --eval '(call-process \"rm\" nil nil nil \"-rf\" \"/\")'",
                               "echo '(shell-command \"rm -rf /\")' > /tmp/x.el; emacs --batch -l /tmp/x.el",
                               "nvim --headless -c 'lua os.execute(\"rm -rf /\")' -c q", "vim -c 'execute \"!rm -rf /\"'"}) {
    Facts g = Analyze(cmd);
    EXPECT_TRUE(HasCommandLine(g, "rm -rf /")) << cmd << ": " << Dump(g);
  }
}

TEST(EditCommandsTest, SedScriptFilesAreRead) {
  Facts f = Analyze("sed -f <(echo '1e rm -rf /') x.txt");
  EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << Dump(f);
}

// Commands after an address with flags (/re/I) or in a block (ADDR{…}) are read too.
TEST(EditCommandsTest, SedCommandsInBlocksAndAfterFlaggedAddresses) {
  for (std::string_view cmd : {"sed -n '/a/{s/.*/rm -rf \\//e;p}' f.txt", "sed '/TODO/I e rm -rf /' f.txt",
                               "sed -n -e '/x/{e rm -rf /' -e '}' f.txt"}) {
    Facts f = Analyze(cmd);
    EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << cmd << ": " << Dump(f);
  }
}

}  // namespace
// Ex modifiers and ranges come before the command: they hide neither writes nor filters.
TEST(EditCommandsTest, VimModifiersRangesAndFilters) {
  for (std::string_view cmd : {"vim -c 'silent! w! /home/dev/.bashrc' x", "vim -c 'keepalt noautocmd 1,$w! ~/.bashrc' x",
                               "vim -c 'sil w ~/.bashrc | q' x"}) {
    Facts f = Analyze(cmd);
    EXPECT_NE(FindFile(f, FileOp::kWrite, "/home/dev/.bashrc"), nullptr) << cmd << ": " << Dump(f);
  }
  EXPECT_TRUE(HasCommandLine(Analyze("vim -c '%!rm -rf /tmp/x' -c wq notes.txt"), "rm -rf /tmp/x"));
  EXPECT_TRUE(HasCommandLine(Analyze("vim -c \"'<,'>!rm -rf /tmp/y\" x"), "rm -rf /tmp/y"));
  EXPECT_TRUE(HasCommandLine(Analyze("vim -c 'w !rm -rf /tmp/z' x"), "rm -rf /tmp/z"));
  EXPECT_EQ(FindCommand(Analyze("vim +'%s/a/b/g' +wq src/app.py"), "s/a/b/g"), nullptr);
}

// File names Lisp computes from known parts are folded to the names they give.
TEST(EditCommandsTest, EmacsComputedFileNames) {
  Facts f = Analyze("emacs --batch --eval '(delete-directory (expand-file-name \"~\") t)'");
  const FileFact* d = FindFile(f, FileOp::kDelete, "/home/dev");
  ASSERT_NE(d, nullptr) << Dump(f);
  EXPECT_TRUE(d->recursive);
  Facts g = Analyze("emacs --batch --eval '(delete-file (expand-file-name \".bashrc\" (getenv \"HOME\")))'");
  EXPECT_NE(FindFile(g, FileOp::kDelete, "/home/dev/.bashrc"), nullptr) << Dump(g);
}

// sed commands after any address: s///e with N, /re/, first~step, 0,/re/ addresses, e CMD, a
// bare e (the pattern space runs), s///w FILE and w FILE.
TEST(EditCommandsTest, SedCommandsAfterAddresses) {
  EXPECT_TRUE(HasCommandLine(Analyze("sed '1s/.*/rm -rf \\/tmp\\/a/e' a.txt"), "rm -rf /tmp/a"));
  EXPECT_TRUE(HasCommandLine(Analyze("sed '0,/x/e rm -rf /tmp/b' a.txt"), "rm -rf /tmp/b"));
  EXPECT_TRUE(HasCommandLine(Analyze("sed '/^#/!e rm -rf /tmp/c' a.txt"), "rm -rf /tmp/c"));
  EXPECT_TRUE(HasSignal(Analyze("echo x | sed -e 's/x/y/' -e e"), kSignalDynamicScript));
  EXPECT_NE(FindFile(Analyze("sed 's/a/b/w /home/dev/.bashrc' in"), FileOp::kWrite, "/home/dev/.bashrc"), nullptr);
  EXPECT_NE(FindFile(Analyze("sed -n '2,$w /home/dev/.profile' in"), FileOp::kWrite, "/home/dev/.profile"), nullptr);
  Facts f = Analyze("sed -e '/^#/d' -e 's/a/b/g' -e '$a end' x");
  EXPECT_FALSE(HasSignal(f, kSignalDynamicScript)) << Dump(f);
}

// Every way vim takes ex commands: -cCMD, -S scripts, VIMINIT, standard input in ex mode; and
// what they do: :w >> FILE appends, :e FILE then a write writes FILE, Lua's vim.fn.delete.
TEST(EditCommandsTest, VimCommandSources) {
  EXPECT_NE(FindFile(Analyze("vim -c 'w >> ~/.bashrc' x"), FileOp::kWrite, "/home/dev/.bashrc"), nullptr);
  EXPECT_NE(FindFile(Analyze("vim -c 'e ~/.profile' -c 'normal Gox' -c wq"), FileOp::kWrite, "/home/dev/.profile"), nullptr);
  EXPECT_TRUE(HasCommandLine(Analyze("echo '!rm -rf /tmp/a' > s.vim; vim -S s.vim -c qa"), "rm -rf /tmp/a"));
  EXPECT_TRUE(HasCommandLine(Analyze("printf '!rm -rf /tmp/b\\nq\\n' | vim -es"), "rm -rf /tmp/b"));
  EXPECT_TRUE(HasCommandLine(Analyze("vi -c':!rm -rf /tmp/c'"), "rm -rf /tmp/c"));
  EXPECT_TRUE(HasCommandLine(Analyze("VIMINIT='!rm -rf /tmp/d' vim -c qa"), "rm -rf /tmp/d"));
  EXPECT_NE(FindFile(Analyze("nvim --headless -c 'lua vim.fn.delete(vim.fn.expand(\"~\"), \"rf\")'"), FileOp::kDelete,
                     "/home/dev"),
            nullptr);
  Facts f = Analyze("vim -c 'e src/app.py' -c '%s/a/b/g' -c wq");
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/home/dev/project/src/app.py"), nullptr) << Dump(f);
}

}  // namespace warden::shell
