#include "mptcp_sockets.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <thread>

namespace mptcp::testing {
namespace {

[[noreturn]] void failErrno(const std::string& what)
{
    throw std::runtime_error(what + ": " + std::strerror(errno));
}

// An IPv4 or (with a ':') IPv6 socket address.
struct SocketAddress {
    sockaddr_storage storage{};
    socklen_t length = 0;
    int family() const { return storage.ss_family; }
    const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
};

SocketAddress socketAddress(const std::string& address, std::uint16_t port)
{
    SocketAddress sa;
    if (address.find(':') != std::string::npos) {
        auto* in6 = reinterpret_cast<sockaddr_in6*>(&sa.storage);
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        sa.length = sizeof *in6;
        if (inet_pton(AF_INET6, address.c_str(), &in6->sin6_addr) == 1) {
            return sa;
        }
    } else {
        auto* in = reinterpret_cast<sockaddr_in*>(&sa.storage);
        in->sin_family = AF_INET;
        in->sin_port = htons(port);
        sa.length = sizeof *in;
        if (inet_pton(AF_INET, address.c_str(), &in->sin_addr) == 1) {
            return sa;
        }
    }
    throw std::runtime_error("not an IP address: " + address);
}

std::uint16_t localPort(int fd)
{
    sockaddr_storage sa{};
    socklen_t len = sizeof sa;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len) != 0) {
        failErrno("getsockname");
    }
    // sin_port and sin6_port are at the same place.
    return ntohs(reinterpret_cast<const sockaddr_in*>(&sa)->sin_port);
}

Fd mptcpSocket(int family = AF_INET)
{
    Fd fd(socket(family, SOCK_STREAM | SOCK_CLOEXEC, kIpprotoMptcp));
    if (fd.get() < 0) {
        failErrno("socket(SOCK_STREAM, IPPROTO_MPTCP)");
    }
    return fd;
}

void transfer(int from, int to)
{
    const char byte = 'x';
    char got = 0;
    if (send(from, &byte, 1, MSG_NOSIGNAL) != 1) {
        failErrno("send");
    }
    if (recv(to, &got, 1, 0) != 1) {
        failErrno("recv");
    }
}

}  // namespace

Fd& Fd::operator=(Fd&& other) noexcept
{
    if (this != &other) {
        reset();
        fd_ = other.release();
    }
    return *this;
}

int Fd::release()
{
    const int fd = fd_;
    fd_ = -1;
    return fd;
}

void Fd::reset()
{
    if (fd_ >= 0) {
        close(fd_);
        fd_ = -1;
    }
}

MptcpListener mptcpListen(const std::string& address, std::uint16_t port)
{
    const SocketAddress sa = socketAddress(address, port);
    MptcpListener l{mptcpSocket(sa.family()), 0};
    const int on = 1;
    setsockopt(l.fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (bind(l.fd.get(), sa.get(), sa.length) != 0) {
        failErrno("bind " + address + ":" + std::to_string(port));
    }
    if (listen(l.fd.get(), 4096) != 0) {
        failErrno("listen");
    }
    l.port = localPort(l.fd.get());
    return l;
}

MptcpConnection mptcpConnect(const MptcpListener& listener, const std::string& address)
{
    MptcpConnection c;
    const SocketAddress sa = socketAddress(address, listener.port);
    c.client = mptcpSocket(sa.family());
    if (connect(c.client.get(), sa.get(), sa.length) != 0) {
        failErrno("connect " + address + ":" + std::to_string(listener.port));
    }
    c.clientPort = localPort(c.client.get());
    c.server = Fd(accept4(listener.fd.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (c.server.get() < 0) {
        failErrno("accept");
    }
    return c;
}

void exchangeData(const MptcpConnection& c)
{
    transfer(c.client.get(), c.server.get());
    transfer(c.server.get(), c.client.get());
}

std::uint32_t mptcpToken(int fd)
{
    // struct mptcp_info: six u8 counters, u32 flags, then u32 token.
    constexpr int kSolMptcp = 284;
    constexpr int kMptcpInfo = 1;
    constexpr std::size_t kTokenOffset = 12;
    std::uint8_t info[256] = {};
    socklen_t len = sizeof info;
    if (getsockopt(fd, kSolMptcp, kMptcpInfo, info, &len) != 0) {
        failErrno("getsockopt(MPTCP_INFO)");
    }
    if (len < kTokenOffset + 4) {
        throw std::runtime_error("MPTCP_INFO too short for the token");
    }
    std::uint32_t token = 0;
    std::memcpy(&token, info + kTokenOffset, sizeof token);
    return token;
}

void inNetworkNamespace(int netnsFd, const std::function<void()>& fn)
{
    std::exception_ptr failure;
    std::thread worker([&] {
        try {
            // Network namespaces are per thread: only this one moves.
            if (setns(netnsFd, CLONE_NEWNET) != 0) {
                failErrno("setns(CLONE_NEWNET)");
            }
            fn();
        } catch (...) {
            failure = std::current_exception();
        }
    });
    worker.join();
    if (failure) {
        std::rethrow_exception(failure);
    }
}

}  // namespace mptcp::testing
