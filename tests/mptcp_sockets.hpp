// Real MPTCP connections over loopback for the kernel and bus tests and the
// burst tool: a listener, a client connected to it and the accepted server
// socket, with the ports each side used. All sockets live in the network
// namespace of the thread that creates them; inNetworkNamespace() creates
// them in another one (the daemon's) without moving the caller.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace mptcp::testing {

inline constexpr int kIpprotoMptcp = 262;  // IPPROTO_MPTCP; Debian 12's libc headers lack it

// A file descriptor that closes itself.
class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() { reset(); }
    Fd(Fd&& other) noexcept : fd_(other.release()) {}
    Fd& operator=(Fd&& other) noexcept;
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;

    int get() const { return fd_; }
    int release();
    void reset();

private:
    int fd_ = -1;
};

// An MPTCP listening socket on address:port (port 0 = any free port); an
// address with a ':' is IPv6, as for mptcpConnect().
// Throws std::runtime_error saying what failed.
struct MptcpListener {
    Fd fd;
    std::uint16_t port = 0;
};
MptcpListener mptcpListen(const std::string& address, std::uint16_t port = 0);

// One connection to a listener: the client's socket, the accepted server
// socket, and the client's local port (the server side's remote port).
struct MptcpConnection {
    Fd client;
    Fd server;
    std::uint16_t clientPort = 0;
};
MptcpConnection mptcpConnect(const MptcpListener& listener, const std::string& address);

// Sends a byte each way, so that both ends are fully established in MPTCP
// terms (the server's ESTABLISHED comes with the first data).
void exchangeData(const MptcpConnection& c);

// The connection's token (MPTCP_INFO, which only the socket's owner can
// read). Throws std::runtime_error.
std::uint32_t mptcpToken(int fd);

// Runs fn on a thread that has joined the network namespace netnsFd (a
// descriptor of /proc/PID/ns/net), and waits for it. What fn throws is
// rethrown here. Sockets fn creates stay in that namespace.
void inNetworkNamespace(int netnsFd, const std::function<void()>& fn);

}  // namespace mptcp::testing
