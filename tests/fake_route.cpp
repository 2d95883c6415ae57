#include "fake_route.hpp"

#include "ip_address.hpp"
#include "pm_error.hpp"

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace mptcp::testing {
namespace {

// Two messages per datagram: the client must handle both several messages
// in one datagram and a dump spread over several datagrams.
constexpr std::size_t kMessagesPerDatagram = 2;

struct Cidr {
    IpAddress address;
    std::uint8_t prefix;
};

Cidr parseCidr(std::string_view cidr)
{
    const auto slash = cidr.find('/');
    const auto address = IpAddress::parse(cidr.substr(0, slash));
    if (!address || slash == std::string_view::npos) {
        throw std::invalid_argument("FakeRoute: not an address/prefix: " + std::string(cidr));
    }
    return {*address, static_cast<std::uint8_t>(std::stoi(std::string(cidr.substr(slash + 1))))};
}

class Builder {
public:
    Builder(std::uint16_t type, std::uint16_t flags, std::uint32_t seq, std::uint32_t portId)
    {
        nlh_ = mnl_nlmsg_put_header(buf_.data());
        nlh_->nlmsg_type = type;
        nlh_->nlmsg_flags = flags;
        nlh_->nlmsg_seq = seq;
        nlh_->nlmsg_pid = portId;
    }
    template <typename T>
    T* header()
    {
        return static_cast<T*>(mnl_nlmsg_put_extra_header(nlh_, sizeof(T)));
    }
    nlmsghdr* nlh() { return nlh_; }
    RouteDatagram bytes() const
    {
        return RouteDatagram(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(nlh_->nlmsg_len));
    }

private:
    alignas(4) std::array<std::uint8_t, 512> buf_{};
    nlmsghdr* nlh_;
};

RouteDatagram doneMessage(std::uint32_t seq)
{
    Builder b(NLMSG_DONE, NLM_F_MULTI, seq, FakeRoute::kPortId);
    *b.header<int>() = 0;
    return b.bytes();
}

RouteDatagram errorMessage(const nlmsghdr& request, int error)
{
    Builder b(NLMSG_ERROR, NLM_F_CAPPED, request.nlmsg_seq, FakeRoute::kPortId);
    auto* err = b.header<nlmsgerr>();
    err->error = -error;
    err->msg = request;
    return b.bytes();
}

}  // namespace

RouteDatagram linkMessage(std::uint16_t type, std::int32_t ifindex, std::string_view name, std::uint32_t seq,
                          std::uint16_t nlFlags)
{
    Builder b(type, nlFlags, seq, seq != 0 ? FakeRoute::kPortId : 0);
    auto* ifi = b.header<ifinfomsg>();
    ifi->ifi_family = AF_UNSPEC;
    ifi->ifi_index = ifindex;
    ifi->ifi_flags = IFF_UP | IFF_BROADCAST | IFF_MULTICAST;
    mnl_attr_put_strz(b.nlh(), IFLA_IFNAME, std::string(name).c_str());
    mnl_attr_put_u32(b.nlh(), IFLA_MTU, 1500);
    return b.bytes();
}

RouteDatagram addressMessage(std::uint16_t type, std::int32_t ifindex, std::string_view cidr, std::uint32_t ifaFlags,
                             std::uint8_t scope, std::uint32_t seq, std::uint16_t nlFlags)
{
    const Cidr c = parseCidr(cidr);
    const bool v4 = c.address.isV4();
    Builder b(type, nlFlags, seq, seq != 0 ? FakeRoute::kPortId : 0);
    auto* ifa = b.header<ifaddrmsg>();
    ifa->ifa_family = static_cast<std::uint8_t>(c.address.family);
    ifa->ifa_prefixlen = c.prefix;
    ifa->ifa_flags = static_cast<std::uint8_t>(ifaFlags & 0xff);  // the low byte, as the kernel
    ifa->ifa_scope = scope;
    ifa->ifa_index = static_cast<std::uint32_t>(ifindex);
    // IPv4: IFA_ADDRESS and IFA_LOCAL (equal off point-to-point); IPv6:
    // IFA_ADDRESS alone. Then IFA_FLAGS with all the bits.
    mnl_attr_put(b.nlh(), IFA_ADDRESS, v4 ? 4 : 16, c.address.bytes.data());
    if (v4) {
        mnl_attr_put(b.nlh(), IFA_LOCAL, 4, c.address.bytes.data());
    }
    mnl_attr_put_u32(b.nlh(), IFA_FLAGS, ifaFlags);
    return b.bytes();
}

FakeRoute::FakeRoute() : dump_(*this), eventSocket_(*this) {}

void FakeRoute::addLink(std::int32_t ifindex, const std::string& name)
{
    links_.push_back({ifindex, name});
    announce(linkMessage(RTM_NEWLINK, ifindex, name));
}

void FakeRoute::renameLink(std::int32_t ifindex, const std::string& name)
{
    for (auto& l : links_) {
        if (l.ifindex == ifindex) {
            l.name = name;
            announce(linkMessage(RTM_NEWLINK, ifindex, name));
        }
    }
}

void FakeRoute::removeLink(std::int32_t ifindex)
{
    for (const auto& a : addresses_) {
        if (a.ifindex == ifindex) {
            announce(addressMessage(RTM_DELADDR, a.ifindex, a.cidr, a.flags, a.scope));
        }
    }
    std::erase_if(addresses_, [&](const Address& a) { return a.ifindex == ifindex; });
    for (const auto& l : links_) {
        if (l.ifindex == ifindex) {
            announce(linkMessage(RTM_DELLINK, ifindex, l.name));
        }
    }
    std::erase_if(links_, [&](const Link& l) { return l.ifindex == ifindex; });
}

FakeRoute::Address* FakeRoute::findAddress(std::int32_t ifindex, const std::string& cidr)
{
    for (auto& a : addresses_) {
        if (a.ifindex == ifindex && a.cidr == cidr) {
            return &a;
        }
    }
    return nullptr;
}

void FakeRoute::addAddress(std::int32_t ifindex, const std::string& cidr, std::uint32_t flags, std::uint8_t scope)
{
    addresses_.push_back({ifindex, cidr, flags, scope});
    announce(addressMessage(RTM_NEWADDR, ifindex, cidr, flags, scope));
}

void FakeRoute::setAddressFlags(std::int32_t ifindex, const std::string& cidr, std::uint32_t flags)
{
    Address* a = findAddress(ifindex, cidr);
    if (a == nullptr) {
        throw std::invalid_argument("FakeRoute: no address " + cidr);
    }
    a->flags = flags;
    announce(addressMessage(RTM_NEWADDR, ifindex, cidr, flags, a->scope));
}

void FakeRoute::removeAddress(std::int32_t ifindex, const std::string& cidr)
{
    Address* a = findAddress(ifindex, cidr);
    if (a == nullptr) {
        throw std::invalid_argument("FakeRoute: no address " + cidr);
    }
    announce(addressMessage(RTM_DELADDR, ifindex, cidr, a->flags, a->scope));
    std::erase_if(addresses_, [&](const Address& x) { return x.ifindex == ifindex && x.cidr == cidr; });
}

void FakeRoute::overflow()
{
    full_ = true;
    overrun_ = true;
}

void FakeRoute::Dump::send(std::span<const std::uint8_t> message)
{
    if (message.size() < sizeof(nlmsghdr)) {
        throw std::invalid_argument("FakeRoute: request shorter than a netlink header");
    }
    nlmsghdr request;
    std::memcpy(&request, message.data(), sizeof request);
    ++route_.dumpRequests_;
    if (!(request.nlmsg_flags & NLM_F_DUMP) ||
        (request.nlmsg_type != RTM_GETLINK && request.nlmsg_type != RTM_GETADDR)) {
        replies_.push_back(errorMessage(request, EOPNOTSUPP));
        return;
    }
    if (route_.dumpError_ != 0) {
        replies_.push_back(errorMessage(request, route_.dumpError_));
        return;
    }
    std::vector<RouteDatagram> messages;
    if (request.nlmsg_type == RTM_GETLINK) {
        for (const auto& l : route_.links_) {
            messages.push_back(linkMessage(RTM_NEWLINK, l.ifindex, l.name, request.nlmsg_seq, NLM_F_MULTI));
        }
    } else {
        for (const auto& a : route_.addresses_) {
            messages.push_back(
                addressMessage(RTM_NEWADDR, a.ifindex, a.cidr, a.flags, a.scope, request.nlmsg_seq, NLM_F_MULTI));
        }
    }
    messages.push_back(doneMessage(request.nlmsg_seq));
    for (std::size_t i = 0; i < messages.size(); i += kMessagesPerDatagram) {
        RouteDatagram datagram;
        for (std::size_t j = i; j < std::min(messages.size(), i + kMessagesPerDatagram); ++j) {
            datagram.insert(datagram.end(), messages[j].begin(), messages[j].end());
        }
        replies_.push_back(std::move(datagram));
    }
}

std::size_t FakeRoute::Dump::receive(std::span<std::uint8_t> buffer)
{
    if (replies_.empty()) {
        throw PmError(ErrorKind::Failed, "FakeRoute: nothing to receive (no request pending)", ETIMEDOUT);
    }
    RouteDatagram d = std::move(replies_.front());
    replies_.pop_front();
    if (d.size() > buffer.size()) {
        throw PmError(ErrorKind::Failed, "FakeRoute: datagram larger than the buffer", EMSGSIZE);
    }
    std::memcpy(buffer.data(), d.data(), d.size());
    return d.size();
}

RouteEventSocket::Status FakeRoute::Events::receive(std::span<std::uint8_t> buffer, std::size_t* length)
{
    if (route_.overrun_) {
        route_.overrun_ = false;
        route_.full_ = false;  // reading makes room again
        return Status::Overrun;
    }
    if (route_.events_.empty()) {
        return Status::Empty;
    }
    RouteDatagram d = std::move(route_.events_.front());
    route_.events_.pop_front();
    if (d.size() > buffer.size()) {
        throw PmError(ErrorKind::Failed, "FakeRoute: datagram larger than the buffer", EMSGSIZE);
    }
    std::memcpy(buffer.data(), d.data(), d.size());
    *length = d.size();
    return Status::Datagram;
}

}  // namespace mptcp::testing
