// A process that owns org.freedesktop.PolicyKit1 on a test's private bus
// (python3-dbusmock's polkitd template, or the tests' own polkit-stub):
// started with the bus as its system bus, awaited until it owns the name,
// ended by pid and awaited until the name is gone.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace mptcp::test {

inline constexpr const char* kPolkitBusName = "org.freedesktop.PolicyKit1";
inline constexpr const char* kPolkitObjectPath = "/org/freedesktop/PolicyKit1/Authority";

class PolkitProcess {
public:
    // Runs argv (argv[0] an absolute path) with DBUS_SYSTEM_BUS_ADDRESS =
    // busAddress and returns once it owns the name; throws
    // std::runtime_error otherwise. Its stdout goes to /dev/null.
    PolkitProcess(const std::string& busAddress, const std::vector<std::string>& argv);
    // stop().
    ~PolkitProcess();
    PolkitProcess(const PolkitProcess&) = delete;
    PolkitProcess& operator=(const PolkitProcess&) = delete;

    // Ends the process (SIGTERM, then SIGKILL) and waits until its name is
    // gone from the bus, so that the next call really finds no polkit.
    void stop();

    const std::string& busAddress() const { return busAddress_; }

private:
    std::string busAddress_;
    pid_t pid_ = -1;
};

}  // namespace mptcp::test
