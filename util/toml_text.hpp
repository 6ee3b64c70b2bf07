#pragma once
// Writing TOML text: what the 2016 reader emits and the host file's answers.
#include <string>
#include <string_view>

namespace dockerops {

// A basic string, escaped ("a\"b").
std::string toml_quote(std::string_view s);
// The same for a text that dockerops.toml must read as it is: "${" is written
// "$${", so that the loader's variables leave it alone (a 2016 file's values).
std::string toml_quote_text(std::string_view s);
// A bare key when it can be one, a quoted one otherwise.
std::string toml_key(std::string_view k);

}  // namespace dockerops
