#include "sock_diag_codec.hpp"

#include "genl_codec.hpp"
#include "pm_error.hpp"

#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <netinet/in.h>

#include <cstring>
#include <string>

namespace mptcp::diag {
namespace {

[[noreturn]] void malformed(const std::string& what)
{
    throw PmError(ErrorKind::Failed, "malformed sock_diag message: " + what, EPROTO);
}

// The attribute numbers of MPTCP's ULP info (linux/mptcp.h, MPTCP_SUBFLOW_ATTR_*).
enum : std::uint16_t {
    kAttrTokenRemote = 1,
    kAttrTokenLocal = 2,
    kAttrFlags = 8,
    kAttrIdRemote = 9,
    kAttrIdLocal = 10,
};

// struct mptcp_info, by offset: Debian 12's header has the 5.14 layout
// only, and the struct must be read as the running kernel wrote it.
// Each release's fields count only when the payload reaches that
// release's last field (an older struct's tail padding is not a field).
namespace mi {
constexpr std::size_t kSubflows = 0, kAddAddrSignal = 1, kAddAddrAccepted = 2, kFlags = 8, kToken = 12;
constexpr std::size_t kEnd59 = 40;  // up to mptcpi_rcv_nxt
constexpr std::size_t kLocalAddrUsed = 40, kLocalAddrMax = 41, kEnd512 = 42;
constexpr std::size_t kCsumEnabled = 42, kEnd514 = 43;
constexpr std::size_t kRetransmits = 44, kBytesRetrans = 48, kBytesSent = 56, kBytesReceived = 64, kBytesAcked = 72,
                      kEnd65 = 80;
constexpr std::size_t kSubflowsTotal = 80, kEnd68 = 81;
}  // namespace mi

template <typename T>
T readAt(std::span<const std::uint8_t> bytes, std::size_t offset)
{
    T value;
    std::memcpy(&value, bytes.data() + offset, sizeof value);
    return value;
}

// A tcp_info field, when the payload holds all of it.
template <typename T>
std::optional<T> tcpField(std::span<const std::uint8_t> bytes, std::size_t offset)
{
    if (bytes.size() < offset + sizeof(T)) {
        return std::nullopt;
    }
    return readAt<T>(bytes, offset);
}

MptcpInfo parseMptcpInfo(std::span<const std::uint8_t> b)
{
    if (b.size() < mi::kEnd59) {
        malformed("mptcp_info of " + std::to_string(b.size()) + " bytes, at least " + std::to_string(mi::kEnd59) +
                  " expected");
    }
    MptcpInfo info;
    info.subflows = b[mi::kSubflows];
    info.addAddrSignal = b[mi::kAddAddrSignal];
    info.addAddrAccepted = b[mi::kAddAddrAccepted];
    info.flags = readAt<std::uint32_t>(b, mi::kFlags);
    info.token = readAt<std::uint32_t>(b, mi::kToken);
    if (b.size() >= mi::kEnd512) {
        info.localAddrUsed = b[mi::kLocalAddrUsed];
        info.localAddrMax = b[mi::kLocalAddrMax];
    }
    if (b.size() >= mi::kEnd514) {
        info.checksum = b[mi::kCsumEnabled] != 0;
    }
    if (b.size() >= mi::kEnd65) {
        info.retransmits = readAt<std::uint32_t>(b, mi::kRetransmits);
        info.bytesRetransmitted = readAt<std::uint64_t>(b, mi::kBytesRetrans);
        info.bytesSent = readAt<std::uint64_t>(b, mi::kBytesSent);
        info.bytesReceived = readAt<std::uint64_t>(b, mi::kBytesReceived);
        info.bytesAcked = readAt<std::uint64_t>(b, mi::kBytesAcked);
    }
    if (b.size() >= mi::kEnd68) {
        info.subflowsTotal = b[mi::kSubflowsTotal];
    }
    return info;
}

const inet_diag_msg* diagHeader(const nlmsghdr* nlh)
{
    if (mnl_nlmsg_get_payload_len(nlh) < sizeof(inet_diag_msg)) {
        malformed("message shorter than its inet_diag_msg");
    }
    return static_cast<const inet_diag_msg*>(mnl_nlmsg_get_payload(nlh));
}

SocketId parseId(const inet_diag_msg* msg)
{
    SocketId id;
    id.family = msg->idiag_family;
    if (id.family != AF_INET && id.family != AF_INET6) {
        malformed("socket of address family " + std::to_string(id.family));
    }
    const std::size_t size = id.family == AF_INET ? 4 : 16;
    id.state = msg->idiag_state;
    id.local.family = id.remote.family = id.family;
    std::memcpy(id.local.bytes.data(), msg->id.idiag_src, size);
    std::memcpy(id.remote.bytes.data(), msg->id.idiag_dst, size);
    id.localPort = ntohs(msg->id.idiag_sport);
    id.remotePort = ntohs(msg->id.idiag_dport);
    id.ifindex = msg->id.idiag_if;
    id.uid = msg->idiag_uid;
    return id;
}

// Walks the attributes of a nest or of the part of a message after its
// fixed header; the end is the length the kernel gave, not libmnl's
// aligned tail (a last message may end unaligned).
template <typename Fn>
void forEachAttr(const void* first, std::size_t length, Fn&& fn)
{
    int remaining = static_cast<int>(length);
    for (auto* a = static_cast<const nlattr*>(first); mnl_attr_ok(a, remaining); a = mnl_attr_next(a)) {
        remaining -= MNL_ALIGN(a->nla_len);
        fn(a);
    }
}

template <typename Fn>
void forEachMessageAttr(const nlmsghdr* nlh, Fn&& fn)
{
    const std::size_t header = MNL_ALIGN(sizeof(inet_diag_msg));
    const std::size_t payload = mnl_nlmsg_get_payload_len(nlh);
    if (payload <= header) {
        return;
    }
    forEachAttr(static_cast<const char*>(mnl_nlmsg_get_payload(nlh)) + header, payload - header, fn);
}

std::span<const std::uint8_t> payloadOf(const nlattr* a)
{
    return {static_cast<const std::uint8_t*>(mnl_attr_get_payload(a)), mnl_attr_get_payload_len(a)};
}

template <typename T>
T fixedAttr(const nlattr* a, const char* name)
{
    if (mnl_attr_get_payload_len(a) != sizeof(T)) {
        malformed(std::string(name) + " of " + std::to_string(mnl_attr_get_payload_len(a)) + " bytes, " +
                  std::to_string(sizeof(T)) + " expected");
    }
    return readAt<T>(payloadOf(a), 0);
}

// INET_ULP_INFO_MPTCP's attributes into the subflow. The sequence numbers
// (visible with CAP_NET_ADMIN only) are not shown and not read.
void parseSubflowAttrs(const nlattr* nest, TcpSubflow& sf)
{
    forEachAttr(mnl_attr_get_payload(nest), mnl_attr_get_payload_len(nest), [&](const nlattr* a) {
        switch (mnl_attr_get_type(a)) {
            case kAttrTokenRemote:
                sf.tokenRemote = fixedAttr<std::uint32_t>(a, "MPTCP_SUBFLOW_ATTR_TOKEN_REM");
                break;
            case kAttrTokenLocal:
                sf.tokenLocal = fixedAttr<std::uint32_t>(a, "MPTCP_SUBFLOW_ATTR_TOKEN_LOC");
                break;
            case kAttrFlags:
                sf.flags = fixedAttr<std::uint32_t>(a, "MPTCP_SUBFLOW_ATTR_FLAGS");
                break;
            case kAttrIdRemote:
                sf.idRemote = fixedAttr<std::uint8_t>(a, "MPTCP_SUBFLOW_ATTR_ID_REM");
                break;
            case kAttrIdLocal:
                sf.idLocal = fixedAttr<std::uint8_t>(a, "MPTCP_SUBFLOW_ATTR_ID_LOC");
                break;
            default:
                break;
        }
    });
}

// INET_DIAG_ULP_INFO: true when the ULP is "mptcp" (its info then read).
bool parseUlpInfo(const nlattr* ulp, TcpSubflow& sf)
{
    bool isMptcp = false;
    const nlattr* mptcpNest = nullptr;
    forEachAttr(mnl_attr_get_payload(ulp), mnl_attr_get_payload_len(ulp), [&](const nlattr* a) {
        switch (mnl_attr_get_type(a)) {
            case INET_ULP_INFO_NAME:
                if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0) {
                    malformed("INET_ULP_INFO_NAME is not a C string");
                }
                isMptcp = std::strcmp(mnl_attr_get_str(a), "mptcp") == 0;
                break;
            case INET_ULP_INFO_MPTCP:
                mptcpNest = a;
                break;
            default:
                break;
        }
    });
    if (isMptcp && mptcpNest != nullptr) {
        parseSubflowAttrs(mptcpNest, sf);
    }
    return isMptcp;
}

}  // namespace

std::span<const std::uint8_t> buildRequest(std::span<std::uint8_t> buf, const Request& request)
{
    const bool mptcp = request.protocol == kProtocolMptcp;
    const std::size_t size = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(inet_diag_req_v2)) +
                             (mptcp ? MNL_ATTR_HDRLEN + MNL_ALIGN(sizeof(std::uint32_t)) : 0);
    if (buf.size() < size) {
        throw PmError(ErrorKind::Failed, "request too large", EMSGSIZE);
    }
    std::memset(buf.data(), 0, size);
    nlmsghdr* nlh = mnl_nlmsg_put_header(buf.data());
    nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
    nlh->nlmsg_flags = NLM_F_REQUEST | (request.dump ? NLM_F_DUMP : 0);
    nlh->nlmsg_seq = request.seq;
    auto* req = static_cast<inet_diag_req_v2*>(mnl_nlmsg_put_extra_header(nlh, sizeof(inet_diag_req_v2)));
    req->sdiag_family = request.family;
    // The u8 field cannot hold 262: the attribute below carries it.
    req->sdiag_protocol = mptcp ? 0 : static_cast<std::uint8_t>(request.protocol);
    req->idiag_ext = 1u << (INET_DIAG_INFO - 1);
    req->idiag_states = ~(1u << kStateListen);
    if (!request.dump) {
        req->id.idiag_cookie[0] = request.token;
        req->id.idiag_cookie[1] = 0;
    } else {
        req->id.idiag_cookie[0] = req->id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
    }
    if (mptcp) {
        mnl_attr_put_u32(nlh, INET_DIAG_REQ_PROTOCOL, static_cast<std::uint32_t>(request.protocol));
    }
    return {buf.data(), nlh->nlmsg_len};
}

void forEachMessage(std::span<const std::uint8_t> datagram, const std::function<void(const Message&)>& fn)
{
    int remaining = static_cast<int>(datagram.size());
    // mnl_nlmsg_ok() compares nlmsg_len as an int: check it as unsigned too.
    for (auto* nlh = reinterpret_cast<const nlmsghdr*>(datagram.data());
         mnl_nlmsg_ok(nlh, remaining) && nlh->nlmsg_len <= static_cast<std::uint32_t>(remaining);
         nlh = mnl_nlmsg_next(nlh, &remaining)) {
        Message m;
        m.seq = nlh->nlmsg_seq;
        m.portId = nlh->nlmsg_pid;
        switch (nlh->nlmsg_type) {
            case SOCK_DIAG_BY_FAMILY:
                m.kind = Message::Kind::Socket;
                m.nlh = nlh;
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
        fn(m);
    }
    if (remaining != 0) {
        malformed("datagram ends inside a message (" + std::to_string(remaining) + " bytes left)");
    }
}

MptcpSocket parseMptcpSocket(const nlmsghdr* nlh)
{
    MptcpSocket s;
    s.id = parseId(diagHeader(nlh));
    forEachMessageAttr(nlh, [&](const nlattr* a) {
        if (mnl_attr_get_type(a) == INET_DIAG_INFO) {
            s.info = parseMptcpInfo(payloadOf(a));
        }
    });
    return s;
}

std::optional<TcpSubflow> parseTcpSubflow(const nlmsghdr* nlh)
{
    TcpSubflow sf;
    sf.id = parseId(diagHeader(nlh));
    bool isSubflow = false;
    forEachMessageAttr(nlh, [&](const nlattr* a) {
        switch (mnl_attr_get_type(a)) {
            case INET_DIAG_INFO: {
                const auto b = payloadOf(a);
                sf.rttUs = tcpField<std::uint32_t>(b, offsetof(tcp_info, tcpi_rtt));
                sf.totalRetransmits = tcpField<std::uint32_t>(b, offsetof(tcp_info, tcpi_total_retrans));
                sf.bytesReceived = tcpField<std::uint64_t>(b, offsetof(tcp_info, tcpi_bytes_received));
                sf.bytesSent = tcpField<std::uint64_t>(b, offsetof(tcp_info, tcpi_bytes_sent));
                break;
            }
            case INET_DIAG_ULP_INFO:
                isSubflow = parseUlpInfo(a, sf);
                break;
            default:
                break;
        }
    });
    if (!isSubflow) {
        return std::nullopt;
    }
    return sf;
}

const char* stateName(std::uint8_t state)
{
    static constexpr const char* kNames[] = {
        "",      "established", "syn-sent", "syn-recv", "fin-wait-1", "fin-wait-2",   "time-wait",
        "close", "close-wait",  "last-ack", "listen",   "closing",    "new-syn-recv",
    };
    return state < std::size(kNames) ? kNames[state] : "";
}

}  // namespace mptcp::diag
