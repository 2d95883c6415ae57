#include "connection_reader.hpp"

#include "pm_error.hpp"

#include <netinet/in.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <exception>
#include <string>

namespace mptcp::diag {
namespace {

constexpr std::uint8_t kFamilies[] = {AF_INET, AF_INET6};

const char* protocolName(int protocol)
{
    return protocol == kProtocolMptcp ? "MPTCP" : "TCP";
}

[[noreturn]] void refused(const Request& request, int err)
{
    // No handler for IPPROTO_MPTCP: the kernel lacks (or cannot load) mptcp_diag.
    if (request.protocol == kProtocolMptcp && err == ENOENT) {
        throw PmError(ErrorKind::NotSupported,
                      "the kernel has no MPTCP socket diagnostics (CONFIG_INET_MPTCP_DIAG, module mptcp_diag)", err);
    }
    throw PmError(ErrorKind::Failed,
                  std::string("sock_diag ") + (request.dump ? "dump" : "request") + " of " +
                      protocolName(request.protocol) + " sockets refused: " + errnoName(err) + " (" +
                      std::strerror(err) + ")",
                  err);
}

bool isConnection(const MptcpSocket& s)
{
    return s.info && s.info->token != 0 && s.id.state != kStateListen;
}

}  // namespace

ConnectionReader::ConnectionReader(NetlinkTransport& transport)
    : transport_(transport), buffer_(std::make_unique_for_overwrite<std::uint8_t[]>(kReceiveBufferSize))
{
}

template <typename Fn>
int ConnectionReader::exchange(const Request& request, int tolerated, Fn&& fn)
{
    alignas(4) std::array<std::uint8_t, kRequestBufferSize> bytes{};
    transport_.send(buildRequest(bytes, request));
    const std::uint32_t portId = transport_.portId();
    // A socket message that cannot be parsed fails the call, but only after
    // the rest of the dump is read: the kernel refuses a new dump (EBUSY)
    // on a socket whose last one was left unfinished.
    std::exception_ptr malformed;
    for (;;) {
        const std::size_t n = transport_.receive({buffer_.get(), kReceiveBufferSize});
        bool done = false;
        int error = 0;
        forEachMessage({buffer_.get(), n}, [&](const Message& m) {
            // Answers to an earlier request (after a timeout) are not ours.
            if (done || m.seq != request.seq || (m.portId != 0 && m.portId != portId)) {
                return;
            }
            switch (m.kind) {
                case Message::Kind::Socket:
                    if (!malformed) {
                        try {
                            fn(m.nlh);
                        } catch (const PmError&) {
                            malformed = std::current_exception();
                        }
                    }
                    // A request for one socket has one answer and no DONE.
                    done = !request.dump;
                    break;
                case Message::Kind::Done:
                case Message::Kind::Error:
                    error = m.error;
                    done = true;
                    break;
                case Message::Kind::Ignored:
                    break;
            }
        });
        if (done) {
            if (malformed) {
                std::rethrow_exception(malformed);
            }
            if (error != 0 && error != tolerated) {
                refused(request, error);
            }
            return error;
        }
    }
}

std::vector<Connection> ConnectionReader::list()
{
    std::vector<Connection> all;
    for (const std::uint8_t family : kFamilies) {
        const Request request{.family = family, .protocol = kProtocolMptcp, .dump = true, .token = 0, .seq = ++seq_};
        exchange(request, 0, [&](const nlmsghdr* nlh) {
            MptcpSocket s = parseMptcpSocket(nlh);
            if (isConnection(s)) {
                all.push_back(std::move(s));
            }
        });
    }
    std::stable_sort(all.begin(), all.end(),
                     [](const Connection& a, const Connection& b) { return a.info->token < b.info->token; });
    // A token names one connection: a socket seen in both dumps counts once.
    all.erase(std::unique(all.begin(), all.end(),
                          [](const Connection& a, const Connection& b) { return a.info->token == b.info->token; }),
              all.end());
    return all;
}

std::optional<Connection> ConnectionReader::find(std::uint32_t token)
{
    if (token == 0) {
        return std::nullopt;
    }
    // The kernel looks the token up in its hash, whatever the family asked.
    const Request request{.family = AF_INET, .protocol = kProtocolMptcp, .dump = false, .token = token, .seq = ++seq_};
    std::optional<Connection> found;
    exchange(request, ENOENT, [&](const nlmsghdr* nlh) {
        MptcpSocket s = parseMptcpSocket(nlh);
        if (isConnection(s) && s.info->token == token) {
            found = std::move(s);
        }
    });
    return found;
}

std::vector<TcpSubflow> ConnectionReader::subflows(std::uint32_t token)
{
    std::vector<TcpSubflow> all;
    if (token == 0) {
        return all;
    }
    for (const std::uint8_t family : kFamilies) {
        const Request request{.family = family, .protocol = kProtocolTcp, .dump = true, .token = 0, .seq = ++seq_};
        exchange(request, 0, [&](const nlmsghdr* nlh) {
            // TOKEN_LOC, never TOKEN_REM: the latter is 0 on the initial
            // subflow and on joins the passive side accepted.
            if (auto sf = parseTcpSubflow(nlh); sf && sf->tokenLocal == token) {
                all.push_back(std::move(*sf));
            }
        });
    }
    std::stable_partition(all.begin(), all.end(), [](const TcpSubflow& sf) {
        return (sf.flags.value_or(0) & (kSubflowJoinLocal | kSubflowJoinRemote)) == 0;
    });
    return all;
}

}  // namespace mptcp::diag
