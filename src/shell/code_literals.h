// Literals in inline interpreter code, read without parsing the language: Perl's and Ruby's
// quote operators turned into ordinary quotes, and lists of string literals that read as a
// program's argv. Linear in the code's length; nothing here runs a regex with backtracking.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "shell/facts.h"

namespace warden::shell {

// q(…), qq{…}, %q[…], %Q<…> become "…"; qx(…) and %x{…} become `…` (they run a shell); qw(a b)
// and %w(a b) become ("a", "b"). Bracket delimiters nest; other punctuation delimiters (q|…|,
// qx!…!) end at their next occurrence. Other text is copied unchanged.
std::string NormalizeQuoteOperators(std::string_view code);

// Expressions that compute the home directory in many languages — Path.home(), os.homedir(),
// Dir.home, homedir(), path.expand("~"), os.path.expanduser("~"), System.user_home!(),
// os.environ["HOME"], process.env.HOME, $ENV{HOME}, getenv("HOME"), user.home — replaced by the
// literal "`home`", so that shutil.rmtree(Path.home()) names the path it deletes.
std::string WithHomeLiterals(std::string_view code, std::string_view home);

// Decoding calls on a string literal replaced by the decoded text as a "…" literal, so that
// system(pack("H*", "726d…")) reads as system("rm …"): base64 (b64decode, Buffer.from(…,
// 'base64'), atob, decode_base64, Base64.decode64, base64_decode, unpack('m')), hex
// (bytes.fromhex, Buffer.from(…, 'hex'), pack('H*', …), hex2bin, codecs.decode(…, 'hex')) and
// rot13 (codecs.decode(…, 'rot13'), str_rot13); a trailing .decode(…)/.toString(…) goes with
// the call. At most 16 calls; text that does not decode stays as written.
std::string WithDecodedLiterals(std::string_view code);

// Runs of two or more string literals ('…' or "…", backslash escapes undone) separated only by
// blanks, commas, opening brackets and list constructors — ["sh", "-c", "…"], ("rm", "-rf",
// "/"), "/bin/rm" (list "-rf" "/"), System.cmd("sh", ["-c", "…"]): candidate argvs.
std::vector<std::vector<std::string>> LiteralLists(std::string_view code);

// Every string literal ('…' or "…", escapes undone) in the code, in order; at most 64.
std::vector<std::string> LiteralStrings(std::string_view code);

// A library call that deletes or writes the path given to it as a literal:
// shutil.rmtree('/x'), fs.rmSync("/x", …), FileUtils.rm_rf('/x'), open('/x', 'w'),
// Path('/x').write_text(…), file_put_contents('/x', …), unlink('/x'), os.RemoveAll("/x").
struct PathCall {
  FileOp op;
  bool recursive;
  std::string path;  // as written (a leading ~ is left to the caller)
};
std::vector<PathCall> PathCalls(std::string_view code);

}  // namespace warden::shell
