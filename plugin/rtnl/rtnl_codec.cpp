#include "rtnl_codec.hpp"

#include "genl_codec.hpp"
#include "pm_error.hpp"

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>

#include <cstring>
#include <string>

namespace mptcp::rtnl {
namespace {

[[noreturn]] void malformed(const std::string& what)
{
    throw PmError(ErrorKind::Failed, "malformed rtnetlink message: " + what, EPROTO);
}

// Walks the attributes after a fixed header of `headerSize` bytes.
template <typename Fn>
void forEachAttr(const nlmsghdr* nlh, std::size_t headerSize, Fn&& fn)
{
    const auto* first = static_cast<const nlattr*>(mnl_nlmsg_get_payload_offset(nlh, headerSize));
    // The end is nlmsg_len itself, not libmnl's aligned tail: a message whose
    // length is not a multiple of 4 may end the datagram (found by
    // fuzz/fuzz_rtnl.cpp reading past it).
    int remaining =
        static_cast<int>(reinterpret_cast<const char*>(nlh) + nlh->nlmsg_len - reinterpret_cast<const char*>(first));
    for (const nlattr* a = first; mnl_attr_ok(a, remaining); a = mnl_attr_next(a)) {
        remaining -= MNL_ALIGN(a->nla_len);
        fn(a);
    }
}

template <typename Header>
const Header* fixedHeader(const nlmsghdr* nlh, const char* name)
{
    if (mnl_nlmsg_get_payload_len(nlh) < sizeof(Header)) {
        malformed(std::string("message shorter than its ") + name);
    }
    return static_cast<const Header*>(mnl_nlmsg_get_payload(nlh));
}

Link parseLink(const nlmsghdr* nlh)
{
    const auto* ifi = fixedHeader<ifinfomsg>(nlh, "ifinfomsg");
    Link link;
    link.ifindex = ifi->ifi_index;
    link.flags = ifi->ifi_flags;
    if (link.ifindex <= 0) {
        malformed("link with index " + std::to_string(link.ifindex));
    }
    forEachAttr(nlh, sizeof(ifinfomsg), [&](const nlattr* a) {
        if (mnl_attr_get_type(a) == IFLA_IFNAME) {
            if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0 || mnl_attr_get_payload_len(a) > IFNAMSIZ) {
                malformed("IFLA_IFNAME of link " + std::to_string(link.ifindex) + " is not a short C string");
            }
            link.name = mnl_attr_get_str(a);
        }
    });
    return link;
}

bool parseAddress(const nlmsghdr* nlh, Address& out)
{
    const auto* ifa = fixedHeader<ifaddrmsg>(nlh, "ifaddrmsg");
    if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6) {
        return false;  // not an IP address: nothing for MPTCP
    }
    const std::size_t size = ifa->ifa_family == AF_INET ? 4 : 16;
    out.ifindex = static_cast<std::int32_t>(ifa->ifa_index);
    out.prefixLength = ifa->ifa_prefixlen;
    out.scope = ifa->ifa_scope;
    out.flags = ifa->ifa_flags;
    out.address.family = ifa->ifa_family;
    // For point-to-point links IFA_ADDRESS is the peer and IFA_LOCAL ours;
    // otherwise both are ours and IFA_LOCAL may be missing (IPv6).
    bool haveLocal = false, haveAddress = false;
    std::uint8_t local[16] = {}, address[16] = {};
    forEachAttr(nlh, sizeof(ifaddrmsg), [&](const nlattr* a) {
        switch (mnl_attr_get_type(a)) {
            case IFA_LOCAL:
            case IFA_ADDRESS: {
                const bool isLocal = mnl_attr_get_type(a) == IFA_LOCAL;
                if (mnl_attr_validate2(a, MNL_TYPE_BINARY, size) < 0) {
                    malformed(std::string(isLocal ? "IFA_LOCAL" : "IFA_ADDRESS") + " of " + std::to_string(size) +
                              " bytes expected, got " + std::to_string(mnl_attr_get_payload_len(a)));
                }
                std::memcpy(isLocal ? local : address, mnl_attr_get_payload(a), size);
                (isLocal ? haveLocal : haveAddress) = true;
                break;
            }
            case IFA_FLAGS:
                if (mnl_attr_validate(a, MNL_TYPE_U32) < 0) {
                    malformed("IFA_FLAGS is not a u32");
                }
                out.flags = mnl_attr_get_u32(a);
                break;
            default:
                break;
        }
    });
    if (!haveLocal && !haveAddress) {
        malformed("address message for interface " + std::to_string(out.ifindex) + " without an address");
    }
    std::memcpy(out.address.bytes.data(), haveLocal ? local : address, size);
    if (out.ifindex <= 0) {
        malformed("address " + out.address.toString() + " on interface index " + std::to_string(out.ifindex));
    }
    return true;
}

}  // namespace

std::span<const std::uint8_t> buildDumpRequest(std::span<std::uint8_t> buf, std::uint16_t type, std::uint32_t seq)
{
    // Both requests carry a one-byte family header first (rtgenmsg);
    // ifinfomsg/ifaddrmsg are larger and equally accepted, but the short
    // form is what every kernel takes for "all families".
    const std::size_t size = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(rtgenmsg));
    if (buf.size() < size) {
        throw PmError(ErrorKind::Failed, "request too large", EMSGSIZE);
    }
    std::memset(buf.data(), 0, size);
    nlmsghdr* nlh = mnl_nlmsg_put_header(buf.data());
    nlh->nlmsg_type = type;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    nlh->nlmsg_seq = seq;
    auto* gen = static_cast<rtgenmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(rtgenmsg)));
    gen->rtgen_family = AF_UNSPEC;
    return {buf.data(), nlh->nlmsg_len};
}

Message parseMessage(const nlmsghdr* nlh)
{
    Message m;
    m.seq = nlh->nlmsg_seq;
    m.portId = nlh->nlmsg_pid;
    m.dumpInterrupted = (nlh->nlmsg_flags & NLM_F_DUMP_INTR) != 0;
    switch (nlh->nlmsg_type) {
        case RTM_NEWLINK:
        case RTM_DELLINK:
            m.kind = nlh->nlmsg_type == RTM_NEWLINK ? Message::Kind::NewLink : Message::Kind::DelLink;
            m.link = parseLink(nlh);
            break;
        case RTM_NEWADDR:
        case RTM_DELADDR:
            if (parseAddress(nlh, m.address)) {
                m.kind = nlh->nlmsg_type == RTM_NEWADDR ? Message::Kind::NewAddr : Message::Kind::DelAddr;
            }
            break;
        case NLMSG_ERROR:
        case NLMSG_DONE:
            // The same status layout as generic netlink's (errno, extack).
            m.kind = nlh->nlmsg_type == NLMSG_DONE ? Message::Kind::Done : Message::Kind::Error;
            m.error = genl::parseStatus(nlh).error;
            break;
        default:
            break;
    }
    return m;
}

void forEachMessage(std::span<const std::uint8_t> datagram, const std::function<void(const Message&)>& fn)
{
    int remaining = static_cast<int>(datagram.size());
    // mnl_nlmsg_ok() compares nlmsg_len as an int: a length of 2^31 or more
    // turns negative and passes. Check it as unsigned too (as PmClient does).
    for (auto* nlh = reinterpret_cast<const nlmsghdr*>(datagram.data());
         mnl_nlmsg_ok(nlh, remaining) && nlh->nlmsg_len <= static_cast<std::uint32_t>(remaining);
         nlh = mnl_nlmsg_next(nlh, &remaining)) {
        fn(parseMessage(nlh));
    }
    if (remaining != 0) {
        malformed("datagram ends inside a message (" + std::to_string(remaining) + " bytes left)");
    }
}

}  // namespace mptcp::rtnl
