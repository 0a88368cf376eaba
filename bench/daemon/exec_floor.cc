// The floor of any in-place exec wrapper: a program that does nothing but execv its arguments.
// `warden exec -- /bin/true` does what this does plus deciding; bench/run.sh times all three
// (/bin/true, this, warden exec) in one hyperfine run so the wrapper's unavoidable second
// execve on this machine is measured, not guessed. Linked statically: no loader work either.
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  execv(argv[1], argv + 1);
  return 127;
}
