// A private D-Bus system bus for the benchmark: a dbus-daemon of its own
// with the project's policy (the same rule set a real system bus would
// check on every message), in a temporary directory that goes with it.
#pragma once

#include "process.hpp"

#include <string>

namespace mptcp::bench {

class PrivateBus {
public:
    // policyFile: the project's data/org.mptcp.PathManager.conf; the bus's
    // socket, configuration and log go in a new directory under workDir.
    PrivateBus(const std::string& policyFile, const std::string& workDir);
    ~PrivateBus();
    PrivateBus(const PrivateBus&) = delete;
    PrivateBus& operator=(const PrivateBus&) = delete;

    const std::string& address() const { return address_; }
    pid_t pid() const { return bus_.pid(); }
    const std::string& dir() const { return dir_; }
    // DBUS_SYSTEM_BUS_ADDRESS=..., for the children that talk to it.
    std::string environment() const { return "DBUS_SYSTEM_BUS_ADDRESS=" + address_; }

private:
    void writeConfig(const std::string& policyFile) const;

    std::string dir_;
    std::string address_;
    ChildProcess bus_;
};

}  // namespace mptcp::bench
