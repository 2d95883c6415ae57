// RouteEventSocket over a real libmnl socket.
#include "route_events.hpp"

#include "pm_error.hpp"

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace mptcp {
namespace {

// Address events come in bursts (an interface with many addresses going
// away); 1 MiB holds thousands of them. Root may exceed rmem_max
// (SO_RCVBUFFORCE); others get what rmem_max allows.
constexpr int kReceiveBuffer = 1 << 20;

[[noreturn]] void fail(const char* what, int err)
{
    throw PmError(ErrorKind::Failed,
                  std::string("rtnetlink ") + what + ": " + errnoName(err) + " (" + std::strerror(err) + ")", err);
}

class MnlRouteEvents final : public RouteEventSocket {
public:
    MnlRouteEvents()
    {
        sock_ = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (sock_ == nullptr) {
            fail("socket", errno);
        }
        if (mnl_socket_bind(sock_, RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR, MNL_SOCKET_AUTOPID) < 0) {
            const int err = errno;
            mnl_socket_close(sock_);
            fail("bind", err);
        }
        const int size = kReceiveBuffer;
        const int fd = mnl_socket_get_fd(sock_);
        if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0) {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);  // best effort
        }
    }
    ~MnlRouteEvents() override { mnl_socket_close(sock_); }
    MnlRouteEvents(const MnlRouteEvents&) = delete;
    MnlRouteEvents& operator=(const MnlRouteEvents&) = delete;

    int fd() const override { return mnl_socket_get_fd(sock_); }

    Status receive(std::span<std::uint8_t> buffer, std::size_t* length) override
    {
        for (;;) {
            sockaddr_nl from{};
            socklen_t fromLen = sizeof from;
            const ssize_t n =
                recvfrom(fd(), buffer.data(), buffer.size(), MSG_TRUNC, reinterpret_cast<sockaddr*>(&from), &fromLen);
            if (n < 0) {
                if (errno == EINTR) {
                    continue;
                }
                if (errno == EAGAIN || errno == EWOULDBLOCK) {
                    return Status::Empty;
                }
                if (errno == ENOBUFS) {
                    return Status::Overrun;
                }
                fail("receive", errno);
            }
            if (from.nl_pid != 0) {
                // Any local process may send to this socket's port id; only
                // the kernel speaks for the links and addresses.
                continue;
            }
            if (static_cast<std::size_t>(n) > buffer.size()) {
                fail("receive (datagram larger than the buffer)", EMSGSIZE);
            }
            *length = static_cast<std::size_t>(n);
            return Status::Datagram;
        }
    }

private:
    mnl_socket* sock_ = nullptr;
};

}  // namespace

std::unique_ptr<RouteEventSocket> openRouteEvents()
{
    return std::make_unique<MnlRouteEvents>();
}

}  // namespace mptcp
