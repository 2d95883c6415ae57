#include "event_decoder.hpp"

#include "pm_protocol.hpp"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netinet/in.h>

#include <array>
#include <cstring>

namespace mptcp {
namespace {

// The size of every event attribute this build knows, as the kernel sends
// it (Documentation/netlink/specs/mptcp_pm.yaml, event-attr). Exact: a
// longer or shorter one is not something we can read safely.
struct AttrRule {
    std::size_t size = 0;  // 0 = unknown attribute, skipped
    const char* name = nullptr;
};

constexpr std::array<AttrRule, 19> makeRules()
{
    std::array<AttrRule, 19> r{};
    r[proto::EV_ATTR_TOKEN] = {4, "token"};
    r[proto::EV_ATTR_FAMILY] = {2, "family"};
    r[proto::EV_ATTR_LOC_ID] = {1, "loc_id"};
    r[proto::EV_ATTR_REM_ID] = {1, "rem_id"};
    r[proto::EV_ATTR_SADDR4] = {4, "saddr4"};
    r[proto::EV_ATTR_SADDR6] = {16, "saddr6"};
    r[proto::EV_ATTR_DADDR4] = {4, "daddr4"};
    r[proto::EV_ATTR_DADDR6] = {16, "daddr6"};
    r[proto::EV_ATTR_SPORT] = {2, "sport"};
    r[proto::EV_ATTR_DPORT] = {2, "dport"};
    r[proto::EV_ATTR_BACKUP] = {1, "backup"};
    r[proto::EV_ATTR_ERROR] = {1, "error"};
    r[proto::EV_ATTR_FLAGS] = {2, "flags"};
    r[proto::EV_ATTR_TIMEOUT] = {4, "timeout"};
    r[proto::EV_ATTR_IF_IDX] = {4, "if_idx"};
    r[proto::EV_ATTR_RESET_REASON] = {4, "reset_reason"};
    r[proto::EV_ATTR_RESET_FLAGS] = {4, "reset_flags"};
    r[proto::EV_ATTR_SERVER_SIDE] = {1, "server_side"};
    return r;
}
constexpr auto kRules = makeRules();

// The payload of each known attribute, once its size has been checked.
using Seen = std::array<const std::uint8_t*, kRules.size()>;

template <typename T>
T read(const std::uint8_t* p)
{
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

const char* eventName(std::uint8_t type)
{
    switch (type) {
        case proto::EVENT_CREATED:
            return "CREATED";
        case proto::EVENT_ESTABLISHED:
            return "ESTABLISHED";
        case proto::EVENT_CLOSED:
            return "CLOSED";
        case proto::EVENT_ANNOUNCED:
            return "ANNOUNCED";
        case proto::EVENT_REMOVED:
            return "REMOVED";
        case proto::EVENT_SUB_ESTABLISHED:
            return "SUB_ESTABLISHED";
        case proto::EVENT_SUB_CLOSED:
            return "SUB_CLOSED";
        case proto::EVENT_SUB_PRIORITY:
            return "SUB_PRIORITY";
        case proto::EVENT_LISTENER_CREATED:
            return "LISTENER_CREATED";
        case proto::EVENT_LISTENER_CLOSED:
            return "LISTENER_CLOSED";
        default:
            return nullptr;
    }
}

DecodedEvent problem(std::string what)
{
    return DecodedEvent{std::nullopt, std::move(what)};
}

std::string describe(std::uint8_t type)
{
    const char* name = eventName(type);
    return name ? std::string("event ") + name : "event type " + std::to_string(type);
}

// The address of one side: the attribute that matches the family. Without
// a family, the only one present; with both and no family, none (a
// hostile message must not make us guess).
std::optional<IpAddress> pickAddress(const Seen& seen, std::optional<std::uint16_t> family, std::uint16_t attr4,
                                     std::uint16_t attr6, bool* ambiguous)
{
    const std::uint8_t* v4 = seen[attr4];
    const std::uint8_t* v6 = seen[attr6];
    const bool useV4 = family ? *family == AF_INET && v4 : v4 && !v6;
    const bool useV6 = family ? *family == AF_INET6 && v6 : v6 && !v4;
    if (!family && v4 && v6) {
        *ambiguous = true;
    }
    IpAddress a;
    if (useV4) {
        a.family = AF_INET;
        std::memcpy(a.bytes.data(), v4, 4);
        return a;
    }
    if (useV6) {
        a.family = AF_INET6;
        std::memcpy(a.bytes.data(), v6, 16);
        return a;
    }
    return std::nullopt;
}

}  // namespace

bool isKnownEventType(std::uint8_t type)
{
    return eventName(type) != nullptr;
}

bool needsToken(std::uint8_t type)
{
    return isKnownEventType(type) && type != proto::EVENT_LISTENER_CREATED && type != proto::EVENT_LISTENER_CLOSED;
}

DecodedEvent decodeEvent(const nlmsghdr* nlh, std::uint16_t familyId)
{
    if (nlh->nlmsg_type != familyId) {
        return problem("message of netlink type " + std::to_string(nlh->nlmsg_type) +
                       " is not an mptcp_pm event (family " + std::to_string(familyId) + ")");
    }
    constexpr std::size_t kHeaders = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(genlmsghdr));
    if (nlh->nlmsg_len < kHeaders) {
        return problem("event message shorter than its generic netlink header (" + std::to_string(nlh->nlmsg_len) +
                       " bytes)");
    }
    const auto* genl = static_cast<const genlmsghdr*>(mnl_nlmsg_get_payload(nlh));
    const std::uint8_t type = genl->cmd;

    Seen seen{};
    const auto* a = static_cast<const nlattr*>(mnl_nlmsg_get_payload_offset(nlh, sizeof(genlmsghdr)));
    int remaining = static_cast<int>(nlh->nlmsg_len - kHeaders);
    for (; mnl_attr_ok(a, remaining); a = mnl_attr_next(a)) {
        remaining -= MNL_ALIGN(a->nla_len);
        const std::uint16_t attr = mnl_attr_get_type(a);
        if (attr >= kRules.size() || kRules[attr].size == 0) {
            continue;  // a newer kernel's attribute: not ours to judge
        }
        const std::size_t len = mnl_attr_get_payload_len(a);
        if (len != kRules[attr].size) {
            return problem(describe(type) + ": attribute " + kRules[attr].name + " has " + std::to_string(len) +
                           " bytes, expected " + std::to_string(kRules[attr].size));
        }
        seen[attr] = static_cast<const std::uint8_t*>(mnl_attr_get_payload(a));
    }
    if (remaining > 0) {
        return problem(describe(type) + ": truncated attribute (" + std::to_string(remaining) +
                       " bytes left that are not a whole attribute)");
    }

    PmEvent ev;
    ev.type = type;
    if (seen[proto::EV_ATTR_TOKEN]) {
        ev.token = read<std::uint32_t>(seen[proto::EV_ATTR_TOKEN]);
    }
    if (seen[proto::EV_ATTR_FAMILY]) {
        ev.family = read<std::uint16_t>(seen[proto::EV_ATTR_FAMILY]);
    }
    bool ambiguous = false;
    ev.localAddress = pickAddress(seen, ev.family, proto::EV_ATTR_SADDR4, proto::EV_ATTR_SADDR6, &ambiguous);
    ev.remoteAddress = pickAddress(seen, ev.family, proto::EV_ATTR_DADDR4, proto::EV_ATTR_DADDR6, &ambiguous);
    if (ambiguous) {
        return problem(describe(type) + ": both an IPv4 and an IPv6 address and no family to choose");
    }
    // Big-endian on the wire here, unlike the port of an endpoint.
    if (seen[proto::EV_ATTR_SPORT]) {
        ev.localPort = ntohs(read<std::uint16_t>(seen[proto::EV_ATTR_SPORT]));
    }
    if (seen[proto::EV_ATTR_DPORT]) {
        ev.remotePort = ntohs(read<std::uint16_t>(seen[proto::EV_ATTR_DPORT]));
    }
    if (seen[proto::EV_ATTR_LOC_ID]) {
        ev.localId = *seen[proto::EV_ATTR_LOC_ID];
    }
    if (seen[proto::EV_ATTR_REM_ID]) {
        ev.remoteId = *seen[proto::EV_ATTR_REM_ID];
    }
    if (seen[proto::EV_ATTR_BACKUP]) {
        ev.backup = *seen[proto::EV_ATTR_BACKUP] != 0;
    }
    if (seen[proto::EV_ATTR_ERROR]) {
        ev.error = *seen[proto::EV_ATTR_ERROR];
    }
    if (seen[proto::EV_ATTR_FLAGS]) {
        ev.flags = read<std::uint16_t>(seen[proto::EV_ATTR_FLAGS]);
    }
    if (seen[proto::EV_ATTR_TIMEOUT]) {
        ev.timeout = read<std::uint32_t>(seen[proto::EV_ATTR_TIMEOUT]);
    }
    if (seen[proto::EV_ATTR_IF_IDX]) {
        ev.ifindex = read<std::int32_t>(seen[proto::EV_ATTR_IF_IDX]);
    }
    if (seen[proto::EV_ATTR_RESET_REASON]) {
        ev.resetReason = read<std::uint32_t>(seen[proto::EV_ATTR_RESET_REASON]);
    }
    if (seen[proto::EV_ATTR_RESET_FLAGS]) {
        ev.resetFlags = read<std::uint32_t>(seen[proto::EV_ATTR_RESET_FLAGS]);
    }
    if (seen[proto::EV_ATTR_SERVER_SIDE]) {
        ev.serverSide = *seen[proto::EV_ATTR_SERVER_SIDE] != 0;
    } else if (ev.flags && (*ev.flags & proto::EV_FLAG_SERVER_SIDE)) {
        ev.serverSide = true;
    }
    if (needsToken(type) && !ev.token) {
        return problem(describe(type) + " without a token");
    }
    return DecodedEvent{std::move(ev), {}};
}

void decodeDatagram(std::span<const std::uint8_t> datagram, std::uint16_t familyId,
                    const std::function<void(DecodedEvent&&)>& onMessage)
{
    int remaining = static_cast<int>(datagram.size());
    const auto* nlh = reinterpret_cast<const nlmsghdr*>(datagram.data());
    // mnl_nlmsg_ok() compares nlmsg_len as an int: a length of 2^31 or more
    // turns negative and passes. Check it as unsigned too.
    for (; mnl_nlmsg_ok(nlh, remaining) && nlh->nlmsg_len <= static_cast<std::uint32_t>(remaining);
         nlh = mnl_nlmsg_next(nlh, &remaining)) {
        onMessage(decodeEvent(nlh, familyId));
    }
    if (remaining > 0) {
        onMessage(problem("truncated netlink message (" + std::to_string(remaining) +
                          " bytes left that are not a whole message)"));
    }
}

}  // namespace mptcp
