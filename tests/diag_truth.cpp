#include "diag_truth.hpp"

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <stdexcept>

namespace mptcp::testing {
namespace {

const char* const kStates[] = {"",          "established", "syn-sent",   "syn-recv", "fin-wait-1", "fin-wait-2",
                               "time-wait", "close",       "close-wait", "last-ack", "listen",     "closing"};

std::string endpoint(int family, const void* addr, std::uint16_t portBe)
{
    char text[INET6_ADDRSTRLEN] = {};
    inet_ntop(family, addr, text, sizeof text);
    return std::string(text) + ":" + std::to_string(ntohs(portBe));
}

// One dump: fn(message header, inet_diag_msg, attributes begin, end).
void dump(int family, int protocol, const std::function<void(const inet_diag_msg&, const char*, const char*)>& fn)
{
    const int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (fd < 0) {
        throw std::runtime_error(std::string("sock_diag socket: ") + std::strerror(errno));
    }
    struct {
        nlmsghdr nlh;
        inet_diag_req_v2 req;
        nlattr attr;
        std::uint32_t protocol;
    } request{};
    request.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    request.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    request.nlh.nlmsg_seq = 1;
    request.req.sdiag_family = static_cast<std::uint8_t>(family);
    request.req.sdiag_protocol = protocol > 255 ? 0 : static_cast<std::uint8_t>(protocol);
    request.req.idiag_ext = 1 << (INET_DIAG_INFO - 1);
    request.req.idiag_states = ~(1u << 10);  // not LISTEN
    request.attr.nla_type = INET_DIAG_REQ_PROTOCOL;
    request.attr.nla_len = sizeof(nlattr) + sizeof(std::uint32_t);
    request.protocol = static_cast<std::uint32_t>(protocol);
    request.nlh.nlmsg_len = protocol > 255 ? sizeof request : sizeof(nlmsghdr) + sizeof(inet_diag_req_v2);
    if (send(fd, &request, request.nlh.nlmsg_len, 0) < 0) {
        close(fd);
        throw std::runtime_error(std::string("sock_diag send: ") + std::strerror(errno));
    }
    alignas(8) static thread_local char buf[64 * 1024];
    for (;;) {
        const ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n < 0) {
            close(fd);
            throw std::runtime_error(std::string("sock_diag recv: ") + std::strerror(errno));
        }
        int len = static_cast<int>(n);
        for (auto* h = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
            if (h->nlmsg_type == NLMSG_DONE) {
                close(fd);
                return;
            }
            if (h->nlmsg_type == NLMSG_ERROR) {
                close(fd);
                throw std::runtime_error("sock_diag dump refused: " +
                                         std::string(std::strerror(-static_cast<nlmsgerr*>(NLMSG_DATA(h))->error)));
            }
            const auto* msg = static_cast<const inet_diag_msg*>(NLMSG_DATA(h));
            const char* attrs = reinterpret_cast<const char*>(msg) + NLMSG_ALIGN(sizeof *msg);
            fn(*msg, attrs, reinterpret_cast<const char*>(h) + h->nlmsg_len);
        }
    }
}

// Calls fn(type, payload, length) for each attribute in [begin, end).
void attributes(const char* begin, const char* end, const std::function<void(int, const char*, std::size_t)>& fn)
{
    while (begin + sizeof(nlattr) <= end) {
        nlattr a;
        std::memcpy(&a, begin, sizeof a);
        if (a.nla_len < sizeof(nlattr) || begin + a.nla_len > end) {
            throw std::runtime_error("bad attribute in the kernel's answer");
        }
        fn(a.nla_type & NLA_TYPE_MASK, begin + NLA_HDRLEN, a.nla_len - NLA_HDRLEN);
        begin += NLA_ALIGN(a.nla_len);
    }
}

}  // namespace

std::map<std::uint32_t, TruthConnection> readKernelTruth()
{
    std::map<std::uint32_t, TruthConnection> all;
    for (const int family : {AF_INET, AF_INET6}) {
        dump(family, 262, [&](const inet_diag_msg& msg, const char* begin, const char* end) {
            TruthConnection c;
            c.family = msg.idiag_family;
            c.local = endpoint(c.family, msg.id.idiag_src, msg.id.idiag_sport);
            c.remote = endpoint(c.family, msg.id.idiag_dst, msg.id.idiag_dport);
            c.uid = msg.idiag_uid;
            c.state = msg.idiag_state < std::size(kStates) ? kStates[msg.idiag_state] : "?";
            attributes(begin, end, [&](int type, const char* p, std::size_t len) {
                if (type == INET_DIAG_INFO && len >= 81) {
                    std::memcpy(&c.token, p + 12, 4);               // mptcpi_token
                    c.subflows = static_cast<std::uint8_t>(p[80]);  // mptcpi_subflows_total
                }
            });
            if (c.token != 0) {
                all[c.token] = c;
            }
        });
    }
    for (const int family : {AF_INET, AF_INET6}) {
        dump(family, IPPROTO_TCP, [&](const inet_diag_msg& msg, const char* begin, const char* end) {
            std::uint32_t token = 0;
            std::uint32_t flags = 0;
            attributes(begin, end, [&](int type, const char* p, std::size_t len) {
                if (type != INET_DIAG_ULP_INFO) {
                    return;
                }
                attributes(p, p + len, [&](int ulpType, const char* q, std::size_t qlen) {
                    if (ulpType != INET_ULP_INFO_MPTCP) {
                        return;
                    }
                    attributes(q, q + qlen, [&](int sfType, const char* r, std::size_t rlen) {
                        if (sfType == 2 && rlen == 4) {  // MPTCP_SUBFLOW_ATTR_TOKEN_LOC
                            std::memcpy(&token, r, 4);
                        } else if (sfType == 8 && rlen == 4) {  // MPTCP_SUBFLOW_ATTR_FLAGS
                            std::memcpy(&flags, r, 4);
                        }
                    });
                });
            });
            const auto it = all.find(token);
            if (token == 0 || it == all.end()) {
                return;
            }
            TruthSubflow sf;
            sf.local = endpoint(msg.idiag_family, msg.id.idiag_src, msg.id.idiag_sport);
            sf.remote = endpoint(msg.idiag_family, msg.id.idiag_dst, msg.id.idiag_dport);
            sf.join = (flags & (4 | 8)) != 0;  // JOIN_REM | JOIN_LOC
            it->second.subflowList.push_back(sf);
        });
    }
    for (auto& [token, c] : all) {
        std::stable_partition(c.subflowList.begin(), c.subflowList.end(),
                              [](const TruthSubflow& s) { return !s.join; });
    }
    return all;
}

}  // namespace mptcp::testing
