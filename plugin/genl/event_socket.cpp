// EventSource over a real netlink socket.
#include "event_socket.hpp"

#include "file_text.hpp"
#include "pm_error.hpp"
#include "text_words.hpp"

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <string>

namespace mptcp {
namespace {

[[noreturn]] void fail(const std::string& what, int err)
{
    throw PmError(ErrorKind::Failed, what + ": " + errnoName(err) + " (" + std::strerror(err) + ")", err);
}

class NetlinkEventSocket final : public EventSource {
public:
    NetlinkEventSocket(std::uint32_t groupId, int receiveBuffer) : group_(groupId)
    {
        sock_ = mnl_socket_open2(NETLINK_GENERIC, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (sock_ == nullptr) {
            fail("netlink event socket", errno);
        }
        if (mnl_socket_bind(sock_, 0, MNL_SOCKET_AUTOPID) < 0) {
            const int err = errno;
            mnl_socket_close(sock_);
            fail("netlink event socket: bind", err);
        }
        const int fd = mnl_socket_get_fd(sock_);
        // FORCE goes past net.core.rmem_max, which is far too small for an
        // event storm; it needs CAP_NET_ADMIN, which the daemon has. Both
        // are best effort: a smaller buffer means earlier EventsLost.
        if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &receiveBuffer, sizeof receiveBuffer) != 0) {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receiveBuffer, sizeof receiveBuffer);
        }
        // The default, said out loud: we want to hear about every overrun.
        int off = 0;
        mnl_socket_setsockopt(sock_, NETLINK_NO_ENOBUFS, &off, sizeof off);
    }
    ~NetlinkEventSocket() override { mnl_socket_close(sock_); }
    NetlinkEventSocket(const NetlinkEventSocket&) = delete;
    NetlinkEventSocket& operator=(const NetlinkEventSocket&) = delete;

    int fd() const override { return mnl_socket_get_fd(sock_); }

    void join() override
    {
        if (mnl_socket_setsockopt(sock_, NETLINK_ADD_MEMBERSHIP, &group_, sizeof group_) < 0) {
            const int err = errno;
            fail(err == EPERM ? "joining the mptcp_pm_events group (needs CAP_NET_ADMIN)"
                              : "joining the mptcp_pm_events group",
                 err);
        }
    }

    void leave() override { mnl_socket_setsockopt(sock_, NETLINK_DROP_MEMBERSHIP, &group_, sizeof group_); }

    Read read(std::span<std::uint8_t> buffer) override
    {
        for (;;) {
            sockaddr_nl from{};
            socklen_t fromLen = sizeof from;
            const ssize_t n = recvfrom(fd(), buffer.data(), buffer.size(), MSG_TRUNC | MSG_DONTWAIT,
                                       reinterpret_cast<sockaddr*>(&from), &fromLen);
            if (n < 0) {
                switch (errno) {
                    case EINTR:
                        continue;
                    case EAGAIN:
                        return {Status::Empty, 0};
                    case ENOBUFS:
                        return {Status::Overrun, 0};
                    default:
                        fail("reading MPTCP events", errno);
                }
            }
            if (from.nl_pid != 0) {
                continue;  // not from the kernel: nobody else speaks for it
            }
            if (static_cast<std::size_t>(n) > buffer.size()) {
                return {Status::Truncated, buffer.size()};
            }
            return {Status::Message, static_cast<std::size_t>(n)};
        }
    }

    std::optional<std::uint64_t> droppedSoFar() override
    {
        struct stat st {};
        if (fstat(fd(), &st) != 0) {
            return std::nullopt;
        }
        // The sockets of this network namespace, with the kernel's count of
        // messages each one lost (sk_drops).
        // A line per netlink socket: a few hundred KiB at most, even on a
        // busy host.
        const FileText proc = readFileText("/proc/self/net/netlink", 16 * 1024 * 1024);
        if (proc.error != 0 || proc.tooLarge) {
            return std::nullopt;
        }
        return netlinkDropsFromProc(proc.text, st.st_ino);
    }

private:
    mnl_socket* sock_ = nullptr;
    unsigned group_;
};

}  // namespace

std::unique_ptr<EventSource> openEventSocket(std::uint32_t groupId, int receiveBuffer)
{
    return std::make_unique<NetlinkEventSocket>(groupId, receiveBuffer);
}

std::optional<std::uint64_t> netlinkDropsFromProc(std::string_view text, std::uint64_t inode)
{
    const std::size_t firstEnd = text.find('\n');
    const auto header = splitWords(text.substr(0, firstEnd));
    std::size_t dropsAt = header.size(), inodeAt = header.size();
    for (std::size_t i = 0; i < header.size(); ++i) {
        if (header[i] == "Drops") {
            dropsAt = i;
        } else if (header[i] == "Inode") {
            inodeAt = i;
        }
    }
    if (dropsAt == header.size() || inodeAt == header.size() || firstEnd == std::string_view::npos) {
        return std::nullopt;
    }
    std::string_view rest = text.substr(firstEnd + 1);
    while (!rest.empty()) {
        const std::size_t end = rest.find('\n');
        const auto row = splitWords(rest.substr(0, end));
        rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
        if (row.size() <= std::max(dropsAt, inodeAt)) {
            continue;
        }
        std::uint64_t rowInode = 0, drops = 0;
        const auto& i = row[inodeAt];
        const auto& d = row[dropsAt];
        if (std::from_chars(i.data(), i.data() + i.size(), rowInode).ec != std::errc() || rowInode != inode) {
            continue;
        }
        if (std::from_chars(d.data(), d.data() + d.size(), drops).ec != std::errc()) {
            return std::nullopt;
        }
        return drops;
    }
    return std::nullopt;
}

}  // namespace mptcp
