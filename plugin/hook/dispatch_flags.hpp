// The flag lists of the dispatcher hook: what a connection's user data
// `mptcp-pathmanager.flags` or a `flags=` key of dispatcher.conf may say.
// Written like ip mptcp's words, separated by commas ("subflow,backup"), or
// "none" for no endpoints at all.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace mptcp::dispatch {

// 0 = none: no endpoints for this connection.
using FlagBits = std::uint32_t;

// The bits of a flag list, or (as a string) why the text is not one: an
// unknown name, implicit, signal with fullmesh, "none" mixed with flags, or
// nothing at all. Spaces around the names are allowed; the order is free.
std::variant<FlagBits, std::string> parseFlagList(std::string_view text);

// "none", or the names in the contract's order joined by commas.
std::string flagListText(FlagBits bits);

}  // namespace mptcp::dispatch
