// `mptcpctl connection [VERB ...]`: the live connections' commands. Each
// verb is one row of a table in connection_parser.cpp (word, parser), so
// that further verbs (e.g. the userspace path manager's) slot in beside
// `show` without touching the others.
#pragma once

#include "command.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace mptcp::cli {

// The words after `connection`; no verb means `show`. Throws CliFailure
// with ip's wording for a command line ip would refuse.
Command parseConnectionCommand(std::span<const std::string> rest);

// A token as `connection show` prints it: 1 to 8 hexadecimal digits, "0x"
// allowed in front. nullopt for anything else.
std::optional<std::uint32_t> parseToken(std::string_view word);

}  // namespace mptcp::cli
