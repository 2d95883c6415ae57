// A fake rtnetlink for unit tests: a simulated set of links and IP
// addresses, answering RTM_GETLINK/RTM_GETADDR dumps on one side (a
// NetlinkTransport) and announcing every change as the kernel's multicast
// events on the other (a RouteEventSocket), byte for byte as rtnetlink
// writes them (RTM_NEWADDR with IFA_ADDRESS, IFA_LOCAL for IPv4, IFA_FLAGS).
//
// As the kernel: deleting a link first announces the removal of each of its
// addresses, then the link; an address change (end of DAD, deprecation) is
// a new RTM_NEWADDR of the same address.
#pragma once

#include "netlink_transport.hpp"
#include "route_events.hpp"

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace mptcp::testing {

using RouteDatagram = std::vector<std::uint8_t>;

// Message builders, also for the codec's crafted-bytes tests.
RouteDatagram linkMessage(std::uint16_t type, std::int32_t ifindex, std::string_view name, std::uint32_t seq = 0,
                          std::uint16_t nlFlags = 0);
// cidr: "192.0.2.1/24", "2001:db8::1/64".
RouteDatagram addressMessage(std::uint16_t type, std::int32_t ifindex, std::string_view cidr, std::uint32_t ifaFlags,
                             std::uint8_t scope, std::uint32_t seq = 0, std::uint16_t nlFlags = 0);

class FakeRoute {
public:
    static constexpr std::uint32_t kPortId = 5151;

    FakeRoute();
    FakeRoute(const FakeRoute&) = delete;
    FakeRoute& operator=(const FakeRoute&) = delete;

    // ------------------------------------------------ the simulated host
    void addLink(std::int32_t ifindex, const std::string& name);
    void renameLink(std::int32_t ifindex, const std::string& name);
    void removeLink(std::int32_t ifindex);
    // flags: IFA_F_*; scope: RT_SCOPE_* (0 = global).
    void addAddress(std::int32_t ifindex, const std::string& cidr, std::uint32_t flags = 0, std::uint8_t scope = 0);
    void setAddressFlags(std::int32_t ifindex, const std::string& cidr, std::uint32_t flags);
    void removeAddress(std::int32_t ifindex, const std::string& cidr);

    // ------------------------------------------------ the event stream
    // The receive queue is full, as when the service did not read for a
    // while: what was queued so far stays queued, every event announced
    // from now on is dropped, and the next read says ENOBUFS. After that
    // read the queue holds what came BEFORE the gap, and new events queue
    // behind it again (as the kernel's netlink sockets behave).
    void overflow();
    // Forgets the pending events without an overrun (a new socket after a
    // restart never sees them).
    void discardEvents() { events_.clear(); }
    void queueEvent(RouteDatagram datagram) { events_.push_back(std::move(datagram)); }
    std::size_t pendingEvents() const { return events_.size(); }
    // Every dump request answers with this errno instead (0: answer).
    void failDumps(int error) { dumpError_ = error; }
    std::size_t dumpRequests() const { return dumpRequests_; }

    NetlinkTransport& dumpSocket() { return dump_; }
    RouteEventSocket& eventSocket() { return eventSocket_; }

private:
    struct Address {
        std::int32_t ifindex;
        std::string cidr;
        std::uint32_t flags;
        std::uint8_t scope;
    };
    struct Link {
        std::int32_t ifindex;
        std::string name;
    };

    class Dump final : public NetlinkTransport {
    public:
        explicit Dump(FakeRoute& route) : route_(route) {}
        void send(std::span<const std::uint8_t> message) override;
        std::size_t receive(std::span<std::uint8_t> buffer) override;
        std::uint32_t portId() const override { return kPortId; }

    private:
        FakeRoute& route_;
        std::deque<RouteDatagram> replies_;
    };

    class Events final : public RouteEventSocket {
    public:
        explicit Events(FakeRoute& route) : route_(route) {}
        int fd() const override { return -1; }
        Status receive(std::span<std::uint8_t> buffer, std::size_t* length) override;

    private:
        FakeRoute& route_;
    };

    Address* findAddress(std::int32_t ifindex, const std::string& cidr);
    void announce(RouteDatagram datagram)
    {
        if (!full_) {
            events_.push_back(std::move(datagram));
        }
    }

    std::vector<Link> links_;
    std::vector<Address> addresses_;
    std::deque<RouteDatagram> events_;
    bool overrun_ = false;
    bool full_ = false;
    int dumpError_ = 0;
    std::size_t dumpRequests_ = 0;
    Dump dump_;
    Events eventSocket_;
};

}  // namespace mptcp::testing
