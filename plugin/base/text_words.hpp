// Splitting a line of a small text format into its words, and trimming
// one. Pure.
#pragma once

#include <string_view>
#include <vector>

namespace mptcp {

// `s` without the spaces and tabs at either end; a view into it.
std::string_view trimmed(std::string_view s);

// The words of `line`, separated by runs of spaces and tabs; views into it.
std::vector<std::string_view> splitWords(std::string_view line);

}  // namespace mptcp
