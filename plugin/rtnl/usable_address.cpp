#include "usable_address.hpp"

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>

#include <algorithm>

namespace mptcp {
namespace {

const char* whyNotUsable4(const std::uint8_t* b)
{
    if (b[0] == 0) {
        return "unspecified (0.0.0.0/8)";
    }
    if (b[0] == 127) {
        return "loopback";
    }
    // The kernel gives 169.254/16 global scope unless told otherwise.
    if (b[0] == 169 && b[1] == 254) {
        return "link-local";
    }
    if ((b[0] & 0xf0) == 0xe0) {
        return "multicast";
    }
    if (b[0] == 255 && b[1] == 255 && b[2] == 255 && b[3] == 255) {
        return "broadcast";
    }
    return nullptr;
}

const char* whyNotUsable6(const std::uint8_t* b, std::uint32_t flags, const AddressPolicy& policy)
{
    static constexpr std::uint8_t kLoopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    if (std::all_of(b, b + 16, [](std::uint8_t x) { return x == 0; })) {
        return "unspecified";
    }
    if (std::equal(b, b + 16, kLoopback)) {
        return "loopback";
    }
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) {
        return "link-local";
    }
    if (b[0] == 0xff) {
        return "multicast";
    }
    if ((b[0] & 0xfe) == 0xfc && !policy.uniqueLocal) {
        return "unique-local (fc00::/7; option unique-local is off)";
    }
    // IFA_F_TEMPORARY is the same bit as IFA_F_SECONDARY, which on IPv4
    // only means "not the first address of its subnet": IPv6 only.
    if (flags & IFA_F_TEMPORARY) {
        return "temporary (privacy address)";
    }
    return nullptr;
}

}  // namespace

const char* whyNotUsable(const rtnl::Address& a, const AddressPolicy& policy)
{
    const bool v4 = a.address.family == AF_INET;
    if (!v4 && a.address.family != AF_INET6) {
        return "not an IP address";
    }
    if (v4 ? !policy.ipv4 : !policy.ipv6) {
        return v4 ? "IPv4 (option families leaves it out)" : "IPv6 (option families leaves it out)";
    }
    if (a.flags & IFA_F_DADFAILED) {
        return "duplicate address detection failed";
    }
    // Optimistic DAD keeps the tentative bit too: wait for the end of DAD.
    if (a.flags & (IFA_F_TENTATIVE | IFA_F_OPTIMISTIC)) {
        return "tentative (duplicate address detection running)";
    }
    if (a.flags & IFA_F_DEPRECATED) {
        return "deprecated";
    }
    if (a.scope != RT_SCOPE_UNIVERSE) {
        return "not of global scope";
    }
    return v4 ? whyNotUsable4(a.address.bytes.data()) : whyNotUsable6(a.address.bytes.data(), a.flags, policy);
}

}  // namespace mptcp
