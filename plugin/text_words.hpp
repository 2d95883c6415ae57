// Splitting a line of a small text format into its words. Pure.
#pragma once

#include <string_view>
#include <vector>

namespace mptcp {

// The words of `line`, separated by runs of spaces and tabs; views into it.
std::vector<std::string_view> splitWords(std::string_view line);

}  // namespace mptcp
