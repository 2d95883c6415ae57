// mptcpctl asks for a password the way systemctl does, as a user meets it:
// on a terminal (a pseudo-terminal here) it allows interactive
// authorization and starts a text polkit agent (`pkttyagent`, a stub that
// comes first in PATH and records how it was started) for a change, unless
// --no-ask-password; off a terminal it allows nothing, and polkit's
// "authentication required" becomes one clear line and exit status 2. The
// daemon runs on a private bus with the tests' own polkit (polkit-stub),
// which grants exactly the calls that allowed interaction.
#include "bus_harness.hpp"
#include "polkit_stub.hpp"
#include "process_runner.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace mptcp::test {
namespace {

constexpr uid_t kNobody = 65534;

std::string readFile(const std::string& path)
{
    std::ifstream in(path);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// A pseudo-terminal: the slave side is a program's stdin, the master is
// kept open meanwhile (closing it would hang the terminal up).
class PseudoTerminal {
public:
    PseudoTerminal()
    {
        master_ = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (master_ < 0 || grantpt(master_) != 0 || unlockpt(master_) != 0) {
            return;
        }
        const char* name = ptsname(master_);
        if (name != nullptr) {
            slave_ = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
        }
    }
    ~PseudoTerminal()
    {
        if (slave_ >= 0) {
            close(slave_);
        }
        if (master_ >= 0) {
            close(master_);
        }
    }
    PseudoTerminal(const PseudoTerminal&) = delete;
    PseudoTerminal& operator=(const PseudoTerminal&) = delete;

    int slave() const { return slave_; }

private:
    int master_ = -1;
    int slave_ = -1;
};

class MptcpctlPassword : public BusTest {
protected:
    void SetUp() override
    {
        BusTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) {
            return;
        }
        const char* cli = std::getenv("MPTCPCTL");
        ASSERT_NE(cli, nullptr) << "MPTCPCTL is not set (run through meson test)";
        mptcpctl_ = cli;
        ASSERT_EQ(polkitStubObstacle(), "");
        stub_ = std::make_unique<PolkitStub>(bus_.busAddress());
        // polkit lets in whoever allowed it to ask (the user typed the password).
        stub_->setAnswer("yes-if-interactive");

        // The stand-in agent, first in PATH; its record where nobody may write.
        const std::string bin = bus_.tempDir() + "/agent-bin";
        const std::string records = bus_.tempDir() + "/agent-records";
        ASSERT_EQ(mkdir(bin.c_str(), 0755), 0);
        ASSERT_EQ(mkdir(records.c_str(), 0777), 0);
        ASSERT_EQ(chmod(records.c_str(), 0777), 0);
        agentRecord_ = records + "/started";
        {
            std::ofstream agent(bin + "/pkttyagent");
            agent << "#!/bin/bash\n"
                     "# Records how it was started, says it is ready by closing the\n"
                     "# notify fd, and waits to be ended, as pkttyagent would.\n"
                     "printf '%s\\n' \"$*\" >> '"
                  << agentRecord_
                  << "'\n"
                     "[ \"$1\" = --notify-fd ] && eval \"exec $2>&-\"\n"
                     "exec sleep 60\n";
        }
        ASSERT_EQ(chmod((bin + "/pkttyagent").c_str(), 0755), 0);
        const char* path = std::getenv("PATH");
        path_ = bin + ":" + (path != nullptr ? path : "/usr/bin:/bin");
    }

    void TearDown() override
    {
        stub_.reset();
        BusTest::TearDown();
    }

    // mptcpctl as nobody, with stdin a terminal or /dev/null.
    RunResult mptcpctlAsNobody(std::vector<std::string> args, bool onTerminal)
    {
        PseudoTerminal tty;
        const int devNull = open("/dev/null", O_RDONLY | O_CLOEXEC);
        RunOptions o;
        o.extraEnv = {"DBUS_SYSTEM_BUS_ADDRESS=" + bus_.busAddress(), "PATH=" + path_};
        o.uid = kNobody;
        o.stdinFd = onTerminal ? tty.slave() : devNull;
        args.insert(args.begin(), mptcpctl_);
        RunResult r;
        if (!onTerminal || tty.slave() >= 0) {
            r = runProgram(args, o);
        } else {
            ADD_FAILURE() << "no pseudo-terminal";
        }
        close(devNull);
        return r;
    }

    std::string mptcpctl_;
    std::string path_;
    std::string agentRecord_;
    std::unique_ptr<PolkitStub> stub_;
};

TEST_F(MptcpctlPassword, OnATerminalItAllowsInteractionAndStartsATextAgentForAChange)
{
    const RunResult add = mptcpctlAsNobody({"endpoint", "add", "10.0.0.2", "id", "2", "subflow"}, true);
    EXPECT_EQ(add.status, 0) << add.err;
    EXPECT_EQ(add.err, "");
    EXPECT_EQ(inNamespace("ip mptcp endpoint show"), "10.0.0.2 id 2 subflow \n");
    const auto checks = stub_->checks();
    ASSERT_EQ(checks.size(), 1u);
    EXPECT_EQ(checks[0].flags, 1u) << "the call did not allow interactive authorization";
    // systemctl's way: pkttyagent --notify-fd N --fallback, once.
    const std::string record = readFile(agentRecord_);
    EXPECT_EQ(record.rfind("--notify-fd ", 0), 0u) << record;
    EXPECT_NE(record.find(" --fallback\n"), std::string::npos) << record;
    EXPECT_EQ(std::count(record.begin(), record.end(), '\n'), 1);

    // A read needs no agent.
    const RunResult show = mptcpctlAsNobody({"endpoint", "show"}, true);
    EXPECT_EQ(show.status, 0) << show.err;
    EXPECT_EQ(readFile(agentRecord_), record);
}

TEST_F(MptcpctlPassword, NoAskPasswordAllowsNoInteractionEvenOnATerminal)
{
    const RunResult r = mptcpctlAsNobody({"--no-ask-password", "limits", "set", "subflows", "5"}, true);
    EXPECT_EQ(r.status, 2);
    EXPECT_EQ(r.err,
              "Error: changing the MPTCP configuration needs authentication, and mptcpctl let polkit ask for no "
              "password (not on a terminal, or --no-ask-password): run it on a terminal, or as root.\n");
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(inNamespace("ip mptcp limits show"), "add_addr_accepted 0 subflows 2 \n");
    const auto checks = stub_->checks();
    ASSERT_EQ(checks.size(), 1u);
    EXPECT_EQ(checks[0].flags, 0u);
    EXPECT_EQ(readFile(agentRecord_), "") << "an agent was started";
}

TEST_F(MptcpctlPassword, OffATerminalAuthenticationRequiredIsOneClearLineAndStatus2)
{
    const RunResult r = mptcpctlAsNobody({"endpoint", "add", "10.0.0.3", "subflow"}, false);
    EXPECT_EQ(r.status, 2);
    EXPECT_EQ(r.err,
              "Error: changing the MPTCP configuration needs authentication, and mptcpctl let polkit ask for no "
              "password (not on a terminal, or --no-ask-password): run it on a terminal, or as root.\n");
    EXPECT_EQ(inNamespace("ip mptcp endpoint show"), "");
    const auto checks = stub_->checks();
    ASSERT_EQ(checks.size(), 1u);
    EXPECT_EQ(checks[0].flags, 0u);
    EXPECT_EQ(readFile(agentRecord_), "");
}

}  // namespace
}  // namespace mptcp::test
