// NetlinkTransport over a real libmnl socket.
#include "netlink_transport.hpp"
#include "pm_error.hpp"

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace mptcp {
namespace {

// A kernel configuration request answers in microseconds; deletes wait for
// an RCU grace period (milliseconds). Seconds of silence mean something is
// badly wrong, and the daemon must keep answering its bus rather than hang.
constexpr int kReplyTimeoutSeconds = 5;

[[noreturn]] void fail(const char* what, int err)
{
    throw PmError(ErrorKind::Failed,
                  std::string("netlink ") + what + ": " + errnoName(err) + " (" + std::strerror(err) + ")", err);
}

class MnlTransport final : public NetlinkTransport {
public:
    explicit MnlTransport(int protocol)
    {
        sock_ = mnl_socket_open(protocol);
        if (sock_ == nullptr) {
            fail("socket", errno);
        }
        if (mnl_socket_bind(sock_, 0, MNL_SOCKET_AUTOPID) < 0) {
            const int err = errno;
            mnl_socket_close(sock_);
            fail("bind", err);
        }
        int on = 1;
        // Both are best effort: without them we still get the errno.
        mnl_socket_setsockopt(sock_, NETLINK_EXT_ACK, &on, sizeof on);
        mnl_socket_setsockopt(sock_, NETLINK_CAP_ACK, &on, sizeof on);
        timeval tv{kReplyTimeoutSeconds, 0};
        setsockopt(mnl_socket_get_fd(sock_), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    }
    ~MnlTransport() override { mnl_socket_close(sock_); }
    MnlTransport(const MnlTransport&) = delete;
    MnlTransport& operator=(const MnlTransport&) = delete;

    void send(std::span<const std::uint8_t> message) override
    {
        if (mnl_socket_sendto(sock_, message.data(), message.size()) < 0) {
            fail("send", errno);
        }
    }

    std::size_t receive(std::span<std::uint8_t> buffer) override
    {
        for (;;) {
            const ssize_t n = recv(mnl_socket_get_fd(sock_), buffer.data(), buffer.size(), MSG_TRUNC);
            if (n < 0) {
                if (errno == EINTR) {
                    continue;
                }
                if (errno == EAGAIN || errno == EWOULDBLOCK) {
                    throw PmError(ErrorKind::Failed,
                                  "the kernel did not answer within " + std::to_string(kReplyTimeoutSeconds) + " s",
                                  ETIMEDOUT);
                }
                fail("receive", errno);
            }
            if (static_cast<std::size_t>(n) > buffer.size()) {
                fail("receive (reply larger than the buffer)", EMSGSIZE);
            }
            return static_cast<std::size_t>(n);
        }
    }

    std::uint32_t portId() const override { return mnl_socket_get_portid(sock_); }

private:
    mnl_socket* sock_ = nullptr;
};

}  // namespace

std::unique_ptr<NetlinkTransport> openGenericNetlink()
{
    return std::make_unique<MnlTransport>(NETLINK_GENERIC);
}

std::unique_ptr<NetlinkTransport> openRouteNetlink()
{
    return std::make_unique<MnlTransport>(NETLINK_ROUTE);
}

std::unique_ptr<NetlinkTransport> openSockDiagNetlink()
{
    return std::make_unique<MnlTransport>(NETLINK_SOCK_DIAG);
}

}  // namespace mptcp
