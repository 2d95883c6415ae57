// The tests' own polkit (polkit_stub_main.cpp, the binary MPTCP_POLKIT_STUB
// names) on a test's private bus, and the test's remote control of it: what
// CheckAuthorization answers, which checks it saw and which were cancelled,
// and the release of a check it holds (as polkitd holds one while a
// password dialog is open).
#pragma once

#include "polkit_process.hpp"

#include <sdbus-c++/sdbus-c++.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mptcp::test {

class PolkitStub {
public:
    struct Check {
        std::string busName;  // the subject's system-bus-name
        std::string action;
        std::uint32_t flags = 0;  // 1 = AllowUserInteraction
        std::string cancellationId;
    };

    // Starts the stub on the bus; every check is answered "no" until told
    // otherwise. Throws std::runtime_error.
    explicit PolkitStub(const std::string& busAddress);
    ~PolkitStub();
    PolkitStub(const PolkitStub&) = delete;
    PolkitStub& operator=(const PolkitStub&) = delete;

    // answer: yes, no, challenge, yes-if-interactive, dismissed or hold;
    // for one action, or for every action without one of its own ("").
    void setAnswer(const std::string& answer, const std::string& action = "");
    std::vector<Check> checks();
    std::vector<std::string> cancellations();
    std::vector<std::string> held();
    // Answers a held check now; false when none has that id.
    bool release(const std::string& cancellationId, const std::string& answer);

    // Wait for a state (polling the stub); false on timeout.
    bool waitForHeld(std::size_t count, std::chrono::milliseconds timeout);
    bool waitForCancellation(const std::string& cancellationId, std::chrono::milliseconds timeout);

    void stop() { process_.stop(); }

private:
    PolkitProcess process_;
    std::unique_ptr<sdbus::IConnection> connection_;
    std::unique_ptr<sdbus::IProxy> control_;
};

// Why the stub cannot run here, or "" when it can.
std::string polkitStubObstacle();

}  // namespace mptcp::test
