// A fake kernel for unit tests: the generic netlink controller and the
// in-kernel path manager ("mptcp_pm"), answering at the byte level.
//
// send() parses the request as the kernel would (libmnl, every length
// checked) and queues the datagrams the real kernel would send back;
// receive() hands them out one by one. The rules are those observed on
// Linux 6.18 (docs/kernel-behaviour.md); the reply layout was checked
// byte for byte against that kernel: NLMSG_ERROR with NLM_F_CAPPED (we ask
// for NETLINK_CAP_ACK) and, when there are TLVs, NLM_F_ACK_TLVS with the
// extack message and the offset of the attribute at fault.
//
// Live connections are modelled for the userspace path manager only
// (addConnection()): their local address list, announcements and subflows,
// and the commands ANNOUNCE, REMOVE, SUBFLOW_CREATE, SUBFLOW_DESTROY,
// SET_FLAGS and GET_ADDR dumps with a token. A created subflow simply
// exists: no peer accepts or refuses it.
//
// Not modelled: the in-kernel path manager's effect on connections (delete
// id 0 and flush only touch the table here), events, GET_ADDR of one
// address with a token, dumps of the controller, CTRL_ATTR_OPS, and the
// NLMSGERR_ATTR_POLICY nest the kernel adds to attribute-policy errors
// (their errno, text and offset are the kernel's).
#pragma once

#include "endpoint.hpp"
#include "ip_address.hpp"
#include "netlink_transport.hpp"

#include <bitset>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <span>
#include <string_view>
#include <vector>

struct nlmsghdr;

namespace mptcp::testing {

using Datagram = std::vector<std::uint8_t>;

class FakeKernel : public NetlinkTransport {
public:
    static constexpr std::uint16_t kFamilyId = 0x1f;
    // The real family has two groups; the client must pick its own by name.
    static constexpr std::uint32_t kCmdsGroupId = 6;    // "mptcp_pm_cmds"
    static constexpr std::uint32_t kEventsGroupId = 7;  // "mptcp_pm_events"
    static constexpr std::uint32_t kPortId = 4242;

    // Without MPTCP the controller knows no "mptcp_pm" (ENOENT) and requests
    // to kFamilyId fail with ENOENT too, as for any unknown family.
    explicit FakeKernel(bool mptcpAvailable = true);

    // ------------------------------------------------ NetlinkTransport
    void send(std::span<const std::uint8_t> message) override;
    // Nothing queued throws PmError(Failed, ETIMEDOUT): the real kernel
    // answers every request that asked for it, so this means a test or a
    // client bug. A datagram larger than the buffer is consumed and throws
    // EMSGSIZE, as the real transport does.
    std::size_t receive(std::span<std::uint8_t> buffer) override;
    std::uint32_t portId() const override { return kPortId; }

    // ------------------------------------------------ the simulated host
    void setMptcpAvailable(bool available) { mptcpAvailable_ = available; }
    // Writes (add, delete, flush, limits, change) need CAP_NET_ADMIN; without
    // it they fail with EPERM and no message. Reads always work.
    void setCapNetAdmin(bool granted) { capNetAdmin_ = granted; }
    // Addresses a port endpoint's listener can bind (otherwise EADDRNOTAVAIL).
    // The wildcards 0.0.0.0 and :: are always bindable. None by default.
    void addLocalAddress(const IpAddress& address);
    // What the kernel does when a subflow uses a local address that has no
    // endpoint: an entry with the implicit flag and the next free id. Returns
    // the id of the entry for that address, 0 when the table is full.
    std::uint8_t addImplicitEndpoint(const IpAddress& address);

    // A live MPTCP connection whose initial subflow runs from local to
    // remote (local id 0). `userspace`: created while the path manager was
    // "userspace"; else the kernel refuses the userspace commands on it.
    struct Connection {
        bool userspace = true;
        IpAddress localAddress;
        std::uint16_t localPort = 0;
        IpAddress remoteAddress;
        std::uint16_t remotePort = 0;
    };
    struct Subflow {
        std::uint8_t localId = 0;
        IpAddress localAddress;
        std::uint16_t localPort = 0;
        IpAddress remoteAddress;
        std::uint16_t remotePort = 0;
        bool backup = false;
    };
    // Returns the connection's token (the given one, or a new one).
    std::uint32_t addConnection(const Connection& connection, std::uint32_t token = 0);
    // Empty for an unknown token. The initial subflow comes first.
    std::vector<Subflow> subflows(std::uint32_t token) const;
    // The connection's local address list, in the kernel's list order.
    std::vector<Endpoint> connectionAddresses(std::uint32_t token) const;
    // Ids announced to the peer (ADD_ADDR sent, not yet removed).
    std::vector<std::uint8_t> announcedIds(std::uint32_t token) const;

    // ------------------------------------------------ error-path hooks
    // Appends a raw datagram to the reply queue.
    void queueRaw(Datagram datagram) { replies_.push_back(std::move(datagram)); }
    // The next send() is processed as usual (state changes included), then
    // `filter` gets the request and the replies the kernel made for it and
    // returns what is queued instead: drop, truncate, corrupt, add stale
    // replies before them, or replace them altogether.
    using ReplyFilter =
        std::function<std::vector<Datagram>(std::span<const std::uint8_t> request, std::vector<Datagram> replies)>;
    void overrideNextReply(ReplyFilter filter) { nextReplyFilter_ = std::move(filter); }
    // The NLMSG_ERROR the kernel would send for `request` (sequence number
    // and port id echoed); `message` becomes the extack text when not empty.
    static Datagram errorReply(std::span<const std::uint8_t> request, int error, std::string_view message = {});

    // ------------------------------------------------ inspection
    std::vector<Endpoint> table() const;  // ascending id, as a dump lists them
    Limits limits() const { return limits_; }
    std::uint8_t nextId() const { return nextId_; }  // the id cursor (docs/kernel-behaviour.md §2)
    const std::vector<Datagram>& sentRequests() const { return sent_; }
    // mptcp_pm requests of command `cmd` (proto::Command) sent so far.
    std::size_t requestCount(std::uint8_t cmd) const;
    std::size_t pendingReplies() const { return replies_.size(); }

private:
    struct Request;
    struct Outcome;

    std::vector<Datagram> process(const nlmsghdr* nlh);
    Outcome dispatch(const nlmsghdr* nlh);
    Outcome controller(const Request& req) const;
    Outcome addAddr(const Request& req);
    Outcome delAddr(const Request& req);
    Outcome getAddr(const Request& req) const;
    Outcome dumpAddrs(const Request& req) const;
    Outcome flushAddrs();
    Outcome setLimits(const Request& req);
    Outcome getLimits(const Request& req) const;
    Outcome setFlags(const Request& req);

    // The userspace path manager (pm_userspace.c).
    struct LiveConnection {
        Connection spec;
        std::vector<Endpoint> local;  // userspace_pm_local_addr_list
        std::vector<Subflow> subflows;
        std::vector<std::uint8_t> announced;
        std::uint16_t nextPort = 50000;  // the ephemeral ports of new subflows
    };
    // mptcp_userspace_pm_get_sock(): the connection, or the refusal.
    LiveConnection* userspaceConnection(const Request& req, Outcome& refusal);
    Outcome announce(const Request& req);
    Outcome remove(const Request& req);
    Outcome subflowCreate(const Request& req);
    Outcome subflowDestroy(const Request& req);
    Outcome setSubflowFlags(const Request& req);
    Outcome dumpConnectionAddrs(const Request& req);

    // mptcp_pm_nl_append_new_local_addr(): the table checks and id choice.
    // Returns the new id, or a negative errno.
    int appendEntry(Endpoint entry, bool replaceImplicit);
    // Why a listener on entry's addr:port cannot be opened (errno), or 0.
    int listenError(const Endpoint& entry) const;

    bool mptcpAvailable_;
    bool capNetAdmin_ = true;
    std::vector<IpAddress> localAddresses_;
    // In the kernel's list order, which decides lookups by address: ported
    // entries are pushed at the front, the others appended at the back.
    std::vector<Endpoint> endpoints_;
    std::bitset<256> usedIds_;
    std::uint8_t nextId_ = 1;
    Limits limits_{.subflows = 2, .addAddrAccepted = 0};

    std::map<std::uint32_t, LiveConnection> connections_;

    std::deque<Datagram> replies_;
    std::vector<Datagram> sent_;
    ReplyFilter nextReplyFilter_;
};

}  // namespace mptcp::testing
