// polkit on the tests' private system bus: python3-dbusmock's polkitd
// template, which owns org.freedesktop.PolicyKit1 and answers
// CheckAuthorization with "authorized" exactly for the actions a test has
// granted (SetAllowed). Run by Debian's own python3 (/usr/bin/python3),
// where the python3-dbusmock package puts the module.
#pragma once

#include "polkit_process.hpp"

#include <string>
#include <vector>

namespace mptcp::test {

// Why the mock cannot run here, or "" when it can.
std::string polkitMockObstacle();

class PolkitMock {
public:
    // Starts the mock on the bus at busAddress and returns once it owns
    // org.freedesktop.PolicyKit1; throws std::runtime_error otherwise.
    explicit PolkitMock(const std::string& busAddress);
    // stop().
    ~PolkitMock();
    PolkitMock(const PolkitMock&) = delete;
    PolkitMock& operator=(const PolkitMock&) = delete;

    // The actions CheckAuthorization grants from now on (none at first).
    void grant(const std::vector<std::string>& actions);
    // From now on CheckAuthorization grants exactly the calls that ask
    // about a unique bus name ("system-bus-name") and allow user
    // interaction (flags = 1), whatever the action: what polkit would do
    // once the user typed the password.
    void grantOnlyInteractiveChecksOfBusNames();
    // Ends the mock (by pid) and waits until its name is gone from the bus.
    void stop();

private:
    PolkitProcess process_;
};

}  // namespace mptcp::test
