// Line numbers for messages about dispatcher.conf. GKeyFile reports neither
// the line of a bad value nor that of a syntax error, so the hook finds
// them itself in the text, with the key-file rules GKeyFile applies
// (leading blanks ignored, '#' comments, "[group]", "key=value").
#pragma once

#include <cstddef>
#include <string_view>

namespace mptcp::dispatch {

// The 1-based line of `key` in `group` (its last occurrence: the one
// GKeyFile keeps), of the group's header when key is empty, or 0.
std::size_t lineOfKey(std::string_view text, std::string_view group, std::string_view key);

// The first line GKeyFile cannot read (neither blank, comment, group header
// nor key=value, or a key before any group), or 0.
std::size_t firstMalformedLine(std::string_view text);

}  // namespace mptcp::dispatch
