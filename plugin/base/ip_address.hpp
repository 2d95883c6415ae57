// An IPv4 or IPv6 address as the kernel stores an endpoint's address.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mptcp {

struct IpAddress {
    int family = 0;                        // AF_INET or AF_INET6; 0 = none
    std::array<std::uint8_t, 16> bytes{};  // IPv4 uses the first 4 bytes

    // Accepts exactly what inet_pton accepts (no prefix, no zone, no spaces).
    static std::optional<IpAddress> parse(std::string_view text);
    static IpAddress v4(const std::uint8_t (&b)[4]);

    // inet_ntop's canonical form: "2001:db8::2", "::ffff:10.0.1.3".
    std::string toString() const;
    // The same text, NUL-terminated, into a buffer of the caller's (no
    // allocation: a reply with thousands of addresses writes them from
    // the stack). Returns out; "" when the address has no family.
    static constexpr std::size_t kTextSize = 46;  // INET6_ADDRSTRLEN
    const char* format(char (&out)[kTextSize]) const;

    bool isV4() const { return family == 2; }
    bool isV4Mapped() const;

    // The kernel's notion of "same address" (mptcp_addresses_equal): an
    // IPv4-mapped IPv6 address equals the plain IPv4 address.
    bool sameAs(const IpAddress& other) const;

    bool operator==(const IpAddress&) const = default;
};

}  // namespace mptcp
