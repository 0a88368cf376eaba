// The YAML document builder (libyaml events → YamlNode tree) on arbitrary bytes.
//
// Checks that nothing crashes, hangs or exhausts the stack, and that a rejection says why.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "policy/yaml_document.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  warden::policy::YamlNode root;
  warden::policy::YamlError error;
  if (!warden::policy::ParseYaml(text, &root, &error) && error.message.empty()) __builtin_trap();
  return 0;
}
