// A text polkit agent for one command, the way systemctl starts one
// (systemd's spawn-polkit-agent.c): `pkttyagent --notify-fd N --fallback`
// from PATH, awaited until it closes the notify fd (it has registered
// with polkit, or failed), and ended with SIGTERM when the command is
// done. --fallback: an agent the desktop already runs for the session
// keeps the job. Only worth it when polkit may have to ask: not for root
// (the service asks polkit about no root caller) and only on a terminal,
// where someone can type the password.
#pragma once

#include <sys/types.h>

namespace mptcp::cli {

class PolkitAgent {
public:
    PolkitAgent() = default;
    // SIGTERM, and waits for it.
    ~PolkitAgent();
    PolkitAgent(const PolkitAgent&) = delete;
    PolkitAgent& operator=(const PolkitAgent&) = delete;

    // Starts the agent unless the caller is root or stdin is no terminal.
    // A missing or failing pkttyagent is no error: the call then goes on
    // without one, and polkit refuses if it had to ask.
    void startIfUseful();
    bool running() const { return pid_ > 0; }

private:
    pid_t pid_ = -1;
};

// Whether mptcpctl may let polkit ask for a password: on a terminal
// (stdin, where the answer would be typed) and not --no-ask-password.
bool mayAskPassword(bool askPasswordOption);

}  // namespace mptcp::cli
