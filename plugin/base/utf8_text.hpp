// Text that must be UTF-8 (a D-Bus string) from bytes that may not be (a
// device name, a line of a configuration file). Pure.
#pragma once

#include <string>
#include <string_view>

namespace mptcp {

// text as is when it is valid UTF-8 (no overlong forms, surrogates or code
// points above U+10FFFF); otherwise each byte outside a valid sequence
// written as \xNN.
std::string utf8Shown(std::string_view text);

}  // namespace mptcp
