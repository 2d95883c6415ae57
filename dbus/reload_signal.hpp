// SIGHUP as a readable descriptor, for `systemctl reload` (ExecReload=
// sends it): the daemon reads its configuration file again between two
// requests, never inside a signal handler.
#pragma once

namespace mptcp::dbus {

class ReloadSignal {
public:
    // Blocks SIGHUP for the process (before any thread starts) and opens a
    // signalfd for it. Throws std::runtime_error when it cannot.
    ReloadSignal();
    ~ReloadSignal();
    ReloadSignal(const ReloadSignal&) = delete;
    ReloadSignal& operator=(const ReloadSignal&) = delete;

    int fd() const { return fd_; }
    // Reads every pending SIGHUP; true when there was at least one (several
    // in a row mean one reload).
    bool consume();

private:
    int fd_ = -1;
};

}  // namespace mptcp::dbus
