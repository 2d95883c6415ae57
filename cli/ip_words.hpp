// How iproute2 6.1 reads single words of a command line: keyword
// abbreviations, numbers, addresses and device names. mptcpctl reads them
// the same way so that a script written for `ip mptcp` means the same
// thing here (e.g. `id 0x10`, `10.1` = 10.1.0.0, `a` = add).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mptcp::cli {

// ip's matches(): a non-empty prefix of the keyword ("sh" for "show").
bool abbreviates(std::string_view word, std::string_view keyword);

// ip's get_u8/get_u16/get_u32: strtoul with base 0 (hex 0x.., octal 0..),
// the whole word, at most max. "-1" is refused, as there.
std::optional<std::uint32_t> parseNumber(std::string_view word, std::uint32_t max);

// ip's get_addr(AF_UNSPEC) for a word that is an address: IPv6 when it has
// a ':' (inet_pton), else IPv4 in ip's lenient form ("10.1", "0x7f.1.1.1").
// Returns inet_ntop's text, which is what the service expects. The words
// "any", "all" and "default" are not addresses here (see mptcpctl(8)).
std::optional<std::string> parseAddress(std::string_view word);

// ip's check_ifname(): not empty, shorter than IFNAMSIZ, no '/' or blank.
bool validInterfaceName(std::string_view name);

}  // namespace mptcp::cli
