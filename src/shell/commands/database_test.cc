#include <gtest/gtest.h>

#include "shell/test_util.h"

namespace warden::shell {
namespace {

using namespace testing;

TEST(DatabaseCommandsTest, SqliteWritesItsDatabase) {
  Facts f = Analyze("sqlite3 app.db 'DELETE FROM users'");
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/home/dev/project/app.db"), nullptr) << Dump(f);
}

TEST(DatabaseCommandsTest, DotCommandsAndAttachWriteOtherFiles) {
  Facts f = Analyze("sqlite3 app.db '.output /home/dev/.bashrc' 'select 1'");
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/home/dev/.bashrc"), nullptr) << Dump(f);
  f = Analyze("sqlite3 app.db \"ATTACH '/home/dev/.profile' AS p; CREATE TABLE p.t(x)\"");
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/home/dev/.profile"), nullptr) << Dump(f);
  f = Analyze("printf '.backup /etc/cron.d/x\\n' | sqlite3 app.db");
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/etc/cron.d/x"), nullptr) << Dump(f);
}

TEST(DatabaseCommandsTest, SqlClientsRunShellsAndWriteServerFiles) {
  for (std::string_view cmd : {"psql -c '\\! rm -rf /'", "psql -c \"COPY t FROM PROGRAM 'rm -rf /'\"",
                               "mysql -e 'system rm -rf /'", "echo '\\! rm -rf /' | psql"}) {
    Facts f = Analyze(cmd);
    EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << cmd << ": " << Dump(f);
  }
  Facts f = Analyze("mysql -e \"SELECT 1 INTO OUTFILE '/home/dev/.bashrc'\"");
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/home/dev/.bashrc"), nullptr) << Dump(f);
}

}  // namespace
}  // namespace warden::shell
