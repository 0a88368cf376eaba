/* as_user UID HOME DIR PROGRAM ARGS...: drops to UID (its group too, no supplementary groups),
 * sets HOME and WARDEN_STATE_DIR (HOME/.local/state/warden), enters DIR and executes PROGRAM. bench/sandbox/run.sh times Warden's sandbox as an unprivileged user
 * with it: one small static exec in front of both commands of the pair (setpriv and env cost
 * ~15 ms here, and as much noise). */
#define _GNU_SOURCE
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: as_user UID HOME DIR PROGRAM [ARGS...]\n");
    return 64;
  }
  uid_t uid = (uid_t)strtoul(argv[1], NULL, 10);
  if (setgroups(0, NULL) != 0 || setgid(uid) != 0 || setuid(uid) != 0) { perror("as_user: drop"); return 126; }
  char state[4096];
  snprintf(state, sizeof state, "%s/.local/state/warden", argv[2]);
  if (setenv("HOME", argv[2], 1) != 0 || setenv("WARDEN_STATE_DIR", state, 1) != 0) { perror("as_user: env"); return 126; }
  if (chdir(argv[3]) != 0) { perror("as_user: chdir"); return 126; }
  execv(argv[4], argv + 4);
  perror("as_user: exec");
  return 127;
}
