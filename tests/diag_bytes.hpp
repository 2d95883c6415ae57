// Crafted sock_diag answers for the unit tests and the fuzz seeds, byte
// for byte as the kernel writes them (inet_diag_msg, INET_DIAG_INFO with a
// struct mptcp_info or tcp_info, INET_DIAG_ULP_INFO with MPTCP's nest), and
// a fake NETLINK_SOCK_DIAG socket that answers the reader's requests from a
// simulated set of sockets the way the kernel does.
#pragma once

#include "netlink_transport.hpp"

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace mptcp::testing {

using DiagBytes = std::vector<std::uint8_t>;

// What a simulated socket is; addresses as text ("10.0.0.1", "::1").
struct DiagSocket {
    std::string local;
    std::uint16_t localPort = 0;
    std::string remote;
    std::uint16_t remotePort = 0;
    std::uint8_t state = 1;  // TCP_ESTABLISHED
    std::uint32_t uid = 0;
    std::uint32_t ifindex = 0;
};

// struct mptcp_info of the 6.18 layout (96 bytes): callers cut it shorter
// to play an older kernel or pad it to play a newer one.
struct DiagMptcpInfo {
    std::uint8_t subflows = 0;
    std::uint8_t addAddrSignal = 0;
    std::uint8_t addAddrAccepted = 0;
    std::uint32_t flags = 0;
    std::uint32_t token = 0;
    std::uint8_t localAddrUsed = 0;
    std::uint8_t localAddrMax = 0;
    std::uint8_t csumEnabled = 0;
    std::uint32_t retransmits = 0;
    std::uint64_t bytesRetrans = 0;
    std::uint64_t bytesSent = 0;
    std::uint64_t bytesReceived = 0;
    std::uint64_t bytesAcked = 0;
    std::uint8_t subflowsTotal = 0;
};
DiagBytes mptcpInfoBytes(const DiagMptcpInfo& info);

struct DiagSubflowInfo {
    std::optional<std::uint32_t> tokenLocal;
    std::optional<std::uint32_t> tokenRemote;
    std::optional<std::uint8_t> idLocal;
    std::optional<std::uint8_t> idRemote;
    std::optional<std::uint32_t> flags;
    std::string ulpName = "mptcp";
    // tcp_info fields the contract shows.
    std::uint32_t rttUs = 0;
    std::uint32_t totalRetrans = 0;
    std::uint64_t bytesSent = 0;
    std::uint64_t bytesReceived = 0;
    std::size_t tcpInfoLength = 0;  // 0 = the whole struct tcp_info of the headers
};

// One SOCK_DIAG_BY_FAMILY message. info: the raw INET_DIAG_INFO payload
// (omitted when nullopt); ulp: an INET_DIAG_ULP_INFO nest for a subflow.
DiagBytes diagMessage(const DiagSocket& socket, const std::optional<DiagBytes>& info,
                      const std::optional<DiagSubflowInfo>& ulp = std::nullopt, std::uint32_t seq = 0,
                      std::uint32_t portId = 0);
DiagBytes tcpInfoBytes(const DiagSubflowInfo& sf);
// NLMSG_DONE (error 0) or NLMSG_ERROR with -error.
DiagBytes diagDone(std::uint32_t seq, std::uint32_t portId = 0);
DiagBytes diagError(int error, std::uint32_t seq, std::uint32_t portId = 0);

// A fake NETLINK_SOCK_DIAG socket over simulated MPTCP and TCP sockets.
class FakeSockDiag final : public NetlinkTransport {
public:
    static constexpr std::uint32_t kPortId = 4242;

    struct Mptcp {
        DiagSocket socket;
        std::optional<DiagBytes> info;  // the INET_DIAG_INFO payload
    };
    struct Tcp {
        DiagSocket socket;
        std::optional<DiagSubflowInfo> ulp;
    };
    std::vector<Mptcp> mptcp;
    std::vector<Tcp> tcp;
    // Sockets per answer datagram, to test dumps over several datagrams.
    std::size_t perDatagram = 2;
    // When set, every request is answered with this errno.
    int refuseWith = 0;
    // The requests seen, decoded: (family, protocol, dump).
    struct Seen {
        std::uint8_t family;
        int protocol;
        bool dump;
        std::uint32_t token;
    };
    std::vector<Seen> requests;

    void send(std::span<const std::uint8_t> message) override;
    std::size_t receive(std::span<std::uint8_t> buffer) override;
    std::uint32_t portId() const override { return kPortId; }

private:
    std::deque<DiagBytes> pending_;
};

}  // namespace mptcp::testing
