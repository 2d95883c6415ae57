#include "diag_bytes.hpp"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>

#include <cstring>
#include <stdexcept>

namespace mptcp::testing {
namespace {

constexpr int kMptcp = 262;

template <typename T>
void putAt(DiagBytes& b, std::size_t offset, T value)
{
    std::memcpy(b.data() + offset, &value, sizeof value);
}

void putAddress(const std::string& text, std::uint8_t family, __be32 (&out)[4])
{
    if (inet_pton(family, text.c_str(), out) != 1) {
        throw std::invalid_argument("not an address of the socket's family: " + text);
    }
}

std::uint8_t familyOf(const DiagSocket& s)
{
    return s.local.find(':') != std::string::npos ? AF_INET6 : AF_INET;
}

DiagBytes finish(std::vector<std::uint8_t>& buf, const nlmsghdr* nlh)
{
    buf.resize(nlh->nlmsg_len);
    return buf;
}

}  // namespace

DiagBytes mptcpInfoBytes(const DiagMptcpInfo& i)
{
    DiagBytes b(96, 0);
    b[0] = i.subflows;
    b[1] = i.addAddrSignal;
    b[2] = i.addAddrAccepted;
    putAt(b, 8, i.flags);
    putAt(b, 12, i.token);
    b[40] = i.localAddrUsed;
    b[41] = i.localAddrMax;
    b[42] = i.csumEnabled;
    putAt(b, 44, i.retransmits);
    putAt(b, 48, i.bytesRetrans);
    putAt(b, 56, i.bytesSent);
    putAt(b, 64, i.bytesReceived);
    putAt(b, 72, i.bytesAcked);
    b[80] = i.subflowsTotal;
    return b;
}

DiagBytes tcpInfoBytes(const DiagSubflowInfo& sf)
{
    tcp_info info{};
    info.tcpi_rtt = sf.rttUs;
    info.tcpi_total_retrans = sf.totalRetrans;
    info.tcpi_bytes_sent = sf.bytesSent;
    info.tcpi_bytes_received = sf.bytesReceived;
    DiagBytes b(sizeof info);
    std::memcpy(b.data(), &info, sizeof info);
    if (sf.tcpInfoLength != 0) {
        b.resize(sf.tcpInfoLength, 0);
    }
    return b;
}

DiagBytes diagMessage(const DiagSocket& socket, const std::optional<DiagBytes>& info,
                      const std::optional<DiagSubflowInfo>& ulp, std::uint32_t seq, std::uint32_t portId)
{
    std::vector<std::uint8_t> buf(MNL_SOCKET_BUFFER_SIZE, 0);
    nlmsghdr* nlh = mnl_nlmsg_put_header(buf.data());
    nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
    nlh->nlmsg_flags = NLM_F_MULTI;
    nlh->nlmsg_seq = seq;
    nlh->nlmsg_pid = portId;
    auto* msg = static_cast<inet_diag_msg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(inet_diag_msg)));
    msg->idiag_family = familyOf(socket);
    msg->idiag_state = socket.state;
    msg->id.idiag_sport = htons(socket.localPort);
    msg->id.idiag_dport = htons(socket.remotePort);
    putAddress(socket.local, msg->idiag_family, msg->id.idiag_src);
    putAddress(socket.remote, msg->idiag_family, msg->id.idiag_dst);
    msg->id.idiag_if = socket.ifindex;
    msg->idiag_uid = socket.uid;
    if (info) {
        mnl_attr_put(nlh, INET_DIAG_INFO, info->size(), info->data());
    }
    if (ulp) {
        nlattr* outer = mnl_attr_nest_start(nlh, INET_DIAG_ULP_INFO);
        mnl_attr_put_strz(nlh, INET_ULP_INFO_NAME, ulp->ulpName.c_str());
        nlattr* inner = mnl_attr_nest_start(nlh, INET_ULP_INFO_MPTCP);
        if (ulp->tokenRemote) {
            mnl_attr_put_u32(nlh, 1, *ulp->tokenRemote);
        }
        if (ulp->tokenLocal) {
            mnl_attr_put_u32(nlh, 2, *ulp->tokenLocal);
        }
        if (ulp->flags) {
            mnl_attr_put_u32(nlh, 8, *ulp->flags);
        }
        if (ulp->idRemote) {
            mnl_attr_put_u8(nlh, 9, *ulp->idRemote);
        }
        if (ulp->idLocal) {
            mnl_attr_put_u8(nlh, 10, *ulp->idLocal);
        }
        mnl_attr_nest_end(nlh, inner);
        mnl_attr_nest_end(nlh, outer);
    }
    return finish(buf, nlh);
}

DiagBytes diagDone(std::uint32_t seq, std::uint32_t portId)
{
    std::vector<std::uint8_t> buf(64, 0);
    nlmsghdr* nlh = mnl_nlmsg_put_header(buf.data());
    nlh->nlmsg_type = NLMSG_DONE;
    nlh->nlmsg_flags = NLM_F_MULTI;
    nlh->nlmsg_seq = seq;
    nlh->nlmsg_pid = portId;
    const int zero = 0;
    std::memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof zero), &zero, sizeof zero);
    return finish(buf, nlh);
}

DiagBytes diagError(int error, std::uint32_t seq, std::uint32_t portId)
{
    std::vector<std::uint8_t> buf(128, 0);
    nlmsghdr* nlh = mnl_nlmsg_put_header(buf.data());
    nlh->nlmsg_type = NLMSG_ERROR;
    nlh->nlmsg_flags = NLM_F_CAPPED;
    nlh->nlmsg_seq = seq;
    nlh->nlmsg_pid = portId;
    auto* err = static_cast<nlmsgerr*>(mnl_nlmsg_put_extra_header(nlh, sizeof(nlmsgerr)));
    err->error = -error;
    err->msg.nlmsg_len = sizeof(nlmsghdr);
    err->msg.nlmsg_seq = seq;
    return finish(buf, nlh);
}

void FakeSockDiag::send(std::span<const std::uint8_t> message)
{
    const auto* nlh = reinterpret_cast<const nlmsghdr*>(message.data());
    if (message.size() < sizeof(nlmsghdr) + sizeof(inet_diag_req_v2) || nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY) {
        throw std::logic_error("FakeSockDiag: not an inet_diag_req_v2 request");
    }
    const auto* req = static_cast<const inet_diag_req_v2*>(mnl_nlmsg_get_payload(nlh));
    int protocol = req->sdiag_protocol;
    // As the kernel: INET_DIAG_REQ_PROTOCOL overrides the u8 field.
    const auto* first = static_cast<const nlattr*>(mnl_nlmsg_get_payload_offset(nlh, sizeof(inet_diag_req_v2)));
    int left = static_cast<int>(nlh->nlmsg_len) -
               static_cast<int>(reinterpret_cast<const char*>(first) - reinterpret_cast<const char*>(nlh));
    for (const nlattr* attr = first; mnl_attr_ok(attr, left); attr = mnl_attr_next(attr)) {
        left -= MNL_ALIGN(attr->nla_len);
        if (mnl_attr_get_type(attr) == INET_DIAG_REQ_PROTOCOL) {
            protocol = static_cast<int>(mnl_attr_get_u32(attr));
        }
    }
    const bool dump = (nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
    const std::uint32_t seq = nlh->nlmsg_seq;
    requests.push_back({req->sdiag_family, protocol, dump, req->id.idiag_cookie[0]});
    // As the kernel: no new dump while the last one was not read to its end.
    if (dump && !pending_.empty()) {
        pending_.push_back(diagError(EBUSY, seq, kPortId));
        return;
    }
    if (refuseWith != 0) {
        pending_.push_back(diagError(refuseWith, seq, kPortId));
        return;
    }
    const bool wantInfo = (req->idiag_ext & (1u << (INET_DIAG_INFO - 1))) != 0;
    std::vector<DiagBytes> answers;
    if (protocol == kMptcp) {
        for (const Mptcp& m : mptcp) {
            const bool listening = m.socket.state == 10;
            if (dump) {
                if (familyOf(m.socket) != req->sdiag_family || !(req->idiag_states & (1u << m.socket.state))) {
                    continue;
                }
            } else {
                // By token: the kernel's token hash, any family, never a listener.
                std::uint32_t token = 0;
                if (m.info && m.info->size() >= 16) {
                    std::memcpy(&token, m.info->data() + 12, sizeof token);
                }
                if (listening || token != req->id.idiag_cookie[0]) {
                    continue;
                }
            }
            answers.push_back(diagMessage(m.socket, wantInfo ? m.info : std::nullopt, std::nullopt, seq, kPortId));
        }
    } else if (protocol == IPPROTO_TCP && dump) {
        for (const Tcp& t : tcp) {
            if (familyOf(t.socket) != req->sdiag_family || !(req->idiag_states & (1u << t.socket.state))) {
                continue;
            }
            std::optional<DiagBytes> info;
            if (wantInfo && t.ulp) {
                info = tcpInfoBytes(*t.ulp);
            }
            answers.push_back(diagMessage(t.socket, info, t.ulp, seq, kPortId));
        }
    } else {
        pending_.push_back(diagError(EINVAL, seq, kPortId));
        return;
    }
    if (!dump) {
        if (answers.empty()) {
            pending_.push_back(diagError(ENOENT, seq, kPortId));
        } else {
            pending_.push_back(answers.front());
        }
        return;
    }
    DiagBytes datagram;
    std::size_t inDatagram = 0;
    for (const DiagBytes& a : answers) {
        datagram.insert(datagram.end(), a.begin(), a.end());
        if (++inDatagram == perDatagram) {
            pending_.push_back(std::move(datagram));
            datagram.clear();
            inDatagram = 0;
        }
    }
    const DiagBytes done = diagDone(seq, kPortId);
    datagram.insert(datagram.end(), done.begin(), done.end());
    pending_.push_back(std::move(datagram));
}

std::size_t FakeSockDiag::receive(std::span<std::uint8_t> buffer)
{
    if (pending_.empty()) {
        throw std::logic_error("FakeSockDiag: receive without a pending answer");
    }
    const DiagBytes d = std::move(pending_.front());
    pending_.pop_front();
    if (d.size() > buffer.size()) {
        throw std::logic_error("FakeSockDiag: answer larger than the buffer");
    }
    std::memcpy(buffer.data(), d.data(), d.size());
    return d.size();
}

}  // namespace mptcp::testing
