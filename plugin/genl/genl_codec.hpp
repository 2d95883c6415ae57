// Building mptcp_pm requests and parsing the kernel's replies. Pure: no
// syscalls, unit-tested with crafted bytes. Every attribute is checked for
// type and length before it is read; a malformed reply is a PmError(Failed),
// never undefined behaviour.
#pragma once

#include "endpoint.hpp"
#include "pm_error.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

struct nlmsghdr;
struct nlattr;

namespace mptcp::genl {

// Requests are small; replies of a dump fit many endpoints per datagram.
inline constexpr std::size_t kRequestBufferSize = 256;
inline constexpr std::size_t kReplyBufferSize = 32 * 1024;

// What goes into the address nest of a request. Fields left empty are not
// sent, exactly like iproute2 leaves them out.
struct AddrSpec {
    std::optional<std::uint8_t> id;
    std::optional<IpAddress> address;
    std::uint16_t port = 0;    // 0 = not sent
    std::int32_t ifindex = 0;  // 0 = not sent
    std::optional<std::uint32_t> flags;
};

// Writes one generic netlink request into buf and returns the bytes to send.
class RequestBuilder {
public:
    RequestBuilder(std::span<std::uint8_t> buf, std::uint16_t family, std::uint16_t nlFlags, std::uint32_t seq,
                   std::uint8_t cmd, std::uint8_t version);
    void putAddr(std::uint16_t attr, const AddrSpec& spec);
    void putU8(std::uint16_t attr, std::uint8_t value);
    void putU32(std::uint16_t attr, std::uint32_t value);
    void putString(std::uint16_t attr, std::string_view value);
    std::span<const std::uint8_t> bytes() const;

private:
    std::span<std::uint8_t> buf_;
    nlmsghdr* nlh_;
};

// CTRL_CMD_GETFAMILY reply: the family id and its multicast groups.
struct FamilyInfo {
    std::uint16_t id = 0;
    struct Group {
        std::string name;
        std::uint32_t id = 0;
    };
    std::vector<Group> groups;
    std::optional<std::uint32_t> group(std::string_view name) const;
};

FamilyInfo parseFamily(const nlmsghdr* nlh);
Endpoint parseEndpoint(const nlmsghdr* nlh);
Limits parseLimits(const nlmsghdr* nlh);

// The errno (positive, 0 for an ACK) and extack text of an NLMSG_ERROR
// message, or of the NLMSG_DONE that ends a dump.
KernelError parseStatus(const nlmsghdr* nlh);

[[noreturn]] void malformed(const std::string& what);

}  // namespace mptcp::genl
