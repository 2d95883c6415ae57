// Socket diagnostics (NETLINK_SOCK_DIAG, inet_diag) for live MPTCP
// connections: the request, and parsing of the kernel's answers into
// small structs. Pure: no syscalls, unit-tested with crafted bytes and
// fuzzed (fuzz/fuzz_sock_diag.cpp). Every header and attribute is checked
// for length before it is read; a malformed message is a PmError(Failed),
// never undefined behaviour.
//
// Two kinds of sockets are read:
// - MPTCP sockets (IPPROTO_MPTCP, 262: too large for the request's u8
//   protocol field, so it travels in the INET_DIAG_REQ_PROTOCOL attribute),
//   whose INET_DIAG_INFO is a struct mptcp_info;
// - TCP sockets, whose INET_DIAG_INFO is a struct tcp_info and which, when
//   they are MPTCP subflows, carry INET_DIAG_ULP_INFO with the subflow's
//   tokens, ids and flags.
// Both structs grew over kernel releases: a shorter one (older kernel)
// yields only the fields it holds, a longer one (newer kernel) is read as
// far as this code knows it.
#pragma once

#include "ip_address.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>

struct nlmsghdr;

namespace mptcp::diag {

inline constexpr int kProtocolMptcp = 262;  // IPPROTO_MPTCP; Debian 12's libc headers lack it
inline constexpr int kProtocolTcp = 6;

inline constexpr std::size_t kRequestBufferSize = 128;
// A dump datagram holds many sockets; the kernel fills at most 32 KiB.
inline constexpr std::size_t kReceiveBufferSize = 32 * 1024;

// TCP states as the kernel numbers them (include/net/tcp_states.h).
inline constexpr std::uint8_t kStateListen = 10;

// What a request asks for.
struct Request {
    std::uint8_t family = 0;      // AF_INET or AF_INET6
    int protocol = kProtocolTcp;  // kProtocolTcp or kProtocolMptcp
    bool dump = true;             // false: one socket, by MPTCP token
    std::uint32_t token = 0;      // the token of a non-dump MPTCP request
    std::uint32_t seq = 0;
};

// Writes an inet_diag_req_v2 request for every state but LISTEN (listeners
// are not connections) with INET_DIAG_INFO asked for. Returns the bytes.
std::span<const std::uint8_t> buildRequest(std::span<std::uint8_t> buf, const Request& request);

// The part every inet_diag answer has: who the socket is.
struct SocketId {
    std::uint8_t family = 0;  // AF_INET or AF_INET6
    std::uint8_t state = 0;   // TCP state number
    IpAddress local;
    IpAddress remote;
    std::uint16_t localPort = 0;  // host order
    std::uint16_t remotePort = 0;
    std::uint32_t ifindex = 0;  // the device the socket is bound to, 0 = none
    std::uint32_t uid = 0;

    bool operator==(const SocketId&) const = default;
};

// struct mptcp_info, as far as the kernel sent it. The fields of 5.9 are
// always there (a shorter payload is malformed); the later ones are
// present only when the payload reaches the end of the release that
// added them (padding of an older struct is not taken for a field).
struct MptcpInfo {
    std::uint8_t subflows = 0;  // additional subflows (the initial one not counted)
    std::uint8_t addAddrSignal = 0;
    std::uint8_t addAddrAccepted = 0;
    std::uint32_t flags = 0;  // bit 0 fallback, bit 1 remote key received
    std::uint32_t token = 0;
    std::optional<std::uint8_t> localAddrUsed;  // 5.12
    std::optional<std::uint8_t> localAddrMax;   // 5.12
    std::optional<bool> checksum;               // 5.14
    std::optional<std::uint32_t> retransmits;   // 6.5
    std::optional<std::uint64_t> bytesRetransmitted;
    std::optional<std::uint64_t> bytesSent;
    std::optional<std::uint64_t> bytesReceived;
    std::optional<std::uint64_t> bytesAcked;
    std::optional<std::uint8_t> subflowsTotal;  // 6.8: the initial subflow included

    bool operator==(const MptcpInfo&) const = default;
};
inline constexpr std::uint32_t kMptcpInfoFallback = 1u << 0;

// One MPTCP socket (a connection, when it has a token).
struct MptcpSocket {
    SocketId id;
    std::optional<MptcpInfo> info;  // absent when the kernel sent no INET_DIAG_INFO

    bool operator==(const MptcpSocket&) const = default;
};

// The subflow flag bits of MPTCP_SUBFLOW_ATTR_FLAGS.
inline constexpr std::uint32_t kSubflowJoinRemote = 1u << 2;
inline constexpr std::uint32_t kSubflowJoinLocal = 1u << 3;
inline constexpr std::uint32_t kSubflowBackupRemote = 1u << 4;
inline constexpr std::uint32_t kSubflowBackupLocal = 1u << 5;
inline constexpr std::uint32_t kSubflowFullyEstablished = 1u << 6;

// One TCP socket that is an MPTCP subflow: its ULP info and the parts of
// tcp_info the contract shows, each present when the kernel sent it.
struct TcpSubflow {
    SocketId id;
    std::optional<std::uint32_t> tokenLocal;
    std::optional<std::uint32_t> tokenRemote;
    std::optional<std::uint8_t> idLocal;
    std::optional<std::uint8_t> idRemote;
    std::optional<std::uint32_t> flags;
    std::optional<std::uint32_t> rttUs;
    std::optional<std::uint64_t> bytesSent;
    std::optional<std::uint64_t> bytesReceived;
    std::optional<std::uint32_t> totalRetransmits;

    bool operator==(const TcpSubflow&) const = default;
};

// One message of an answer.
struct Message {
    enum class Kind {
        Socket,   // SOCK_DIAG_BY_FAMILY: the payload below
        Done,     // end of a dump
        Error,    // NLMSG_ERROR; error is the positive errno, 0 for an ACK
        Ignored,  // another type
    };
    Kind kind = Kind::Ignored;
    std::uint32_t seq = 0;
    std::uint32_t portId = 0;
    const nlmsghdr* nlh = nullptr;  // Socket: parse it with the functions below
    int error = 0;
};

// Calls fn for each message of one datagram, in order. A datagram that
// ends in the middle of a message is malformed.
void forEachMessage(std::span<const std::uint8_t> datagram, const std::function<void(const Message&)>& fn);

// The socket of an answer to an MPTCP request.
MptcpSocket parseMptcpSocket(const nlmsghdr* nlh);

// The socket of an answer to a TCP request; nullopt for a TCP socket that
// is not an MPTCP subflow (no "mptcp" ULP info).
std::optional<TcpSubflow> parseTcpSubflow(const nlmsghdr* nlh);

// "established", "syn-sent", ...; "" for a number no TCP state has.
const char* stateName(std::uint8_t state);

}  // namespace mptcp::diag
