#include "event_bytes.hpp"

#include "pm_protocol.hpp"

#include <arpa/inet.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <cstring>
#include <stdexcept>
#include <string>

namespace mptcp::testing {
namespace {

constexpr std::size_t align4(std::size_t n)
{
    return (n + 3) & ~std::size_t{3};
}

void setLength(Bytes& buf)
{
    const auto len = static_cast<std::uint32_t>(buf.size());
    std::memcpy(buf.data(), &len, sizeof len);  // nlmsg_len comes first
}

}  // namespace

EventBytes::EventBytes(std::uint8_t type, std::uint16_t nlmsgType)
{
    nlmsghdr nlh{};
    nlh.nlmsg_type = nlmsgType;
    genlmsghdr genl{};
    genl.cmd = type;
    genl.version = proto::kFamilyVersion;
    buf_.resize(NLMSG_HDRLEN + GENL_HDRLEN);
    std::memcpy(buf_.data(), &nlh, sizeof nlh);
    std::memcpy(buf_.data() + NLMSG_HDRLEN, &genl, sizeof genl);
    setLength(buf_);
}

void EventBytes::put(std::uint16_t attr, const void* payload, std::size_t size)
{
    nlattr a{};
    a.nla_type = attr;
    a.nla_len = static_cast<std::uint16_t>(NLA_HDRLEN + size);
    const std::size_t at = buf_.size();
    buf_.resize(at + align4(NLA_HDRLEN + size), 0);
    std::memcpy(buf_.data() + at, &a, sizeof a);
    if (size != 0) {
        std::memcpy(buf_.data() + at + NLA_HDRLEN, payload, size);
    }
    setLength(buf_);
}

EventBytes& EventBytes::u8(std::uint16_t attr, std::uint8_t value)
{
    put(attr, &value, sizeof value);
    return *this;
}

EventBytes& EventBytes::u16(std::uint16_t attr, std::uint16_t value)
{
    put(attr, &value, sizeof value);
    return *this;
}

EventBytes& EventBytes::u32(std::uint16_t attr, std::uint32_t value)
{
    put(attr, &value, sizeof value);
    return *this;
}

EventBytes& EventBytes::be16(std::uint16_t attr, std::uint16_t value)
{
    const std::uint16_t be = htons(value);
    put(attr, &be, sizeof be);
    return *this;
}

EventBytes& EventBytes::address(std::uint16_t attr, std::string_view text)
{
    const std::string s(text);
    std::uint8_t bytes[16];
    if (inet_pton(AF_INET, s.c_str(), bytes) == 1) {
        put(attr, bytes, 4);
    } else if (inet_pton(AF_INET6, s.c_str(), bytes) == 1) {
        put(attr, bytes, 16);
    } else {
        throw std::invalid_argument("not an address: " + s);
    }
    return *this;
}

EventBytes& EventBytes::raw(std::uint16_t attr, std::span<const std::uint8_t> payload)
{
    put(attr, payload.data(), payload.size());
    return *this;
}

Bytes createdV4(std::uint32_t token, bool serverSide)
{
    EventBytes e(proto::EVENT_CREATED);
    e.u32(proto::EV_ATTR_TOKEN, token)
        .u16(proto::EV_ATTR_FAMILY, AF_INET)
        .u8(proto::EV_ATTR_LOC_ID, 0)
        .u8(proto::EV_ATTR_REM_ID, 0)
        .address(proto::EV_ATTR_SADDR4, "127.0.0.1")
        .address(proto::EV_ATTR_DADDR4, "127.0.0.1")
        .be16(proto::EV_ATTR_SPORT, serverSide ? 5555 : 37566)
        .be16(proto::EV_ATTR_DPORT, serverSide ? 37566 : 5555);
    if (serverSide) {
        e.u8(proto::EV_ATTR_SERVER_SIDE, 1).u16(proto::EV_ATTR_FLAGS, proto::EV_FLAG_SERVER_SIDE);
    }
    return e.bytes();
}

Bytes closedEvent(std::uint32_t token)
{
    return EventBytes(proto::EVENT_CLOSED).u32(proto::EV_ATTR_TOKEN, token).bytes();
}

}  // namespace mptcp::testing
