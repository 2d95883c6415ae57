// The same command lines through `ip mptcp` (iproute2 6.1, the kernel of a
// fresh namespace with nothing else in it) and through mptcpctl (the real
// daemon on a private bus, in another fresh namespace): stdout, stderr and
// the exit status must be the same, step after step, and so must the
// resulting endpoint table as ip itself shows it in both namespaces.
//
// The only rewriting is for the deliberate differences of mptcpctl(8):
// the program's name in usage and hints, `laminar` in the usage's flag list.
// Endpoints with flags ip 6.1 cannot name, and `-j limits show`, have
// tests of their own below.
#include "bus_harness.hpp"
#include "process_runner.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fcntl.h>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

namespace mptcp::test {
namespace {

std::vector<std::string> words(const std::string& line)
{
    std::vector<std::string> out;
    std::istringstream in(line);
    for (std::string w; in >> w;) {
        out.push_back(w == "''" ? std::string() : w);  // '' stands for an empty word
    }
    return out;
}

void replaceAll(std::string& text, const std::string& from, const std::string& to)
{
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
}

// ip's words for what mptcpctl names differently on purpose.
std::string asMptcpctlWouldSay(std::string text)
{
    replaceAll(text, "ip mptcp help", "mptcpctl help");
    replaceAll(text, "try \"ip -help\"", "try \"mptcpctl -help\"");
    replaceAll(text, "\tip mptcp ", "\tmptcpctl ");
    // mptcpctl's own command, which ip lacks (ss -M shows little of it).
    replaceAll(text, "\tmptcpctl monitor\n", "\tmptcpctl monitor\n\tmptcpctl [ -d ] connection show [ token TOKEN ]\n");
    replaceAll(text, "FLAG  := [ signal | subflow | backup | fullmesh ]",
               "FLAG  := [ signal | subflow | backup | fullmesh | laminar ]");
    return text;
}

RunOptions optionsFor(int ns, std::vector<std::string> env = {})
{
    RunOptions options;
    options.netnsFd = ns;
    options.extraEnv = std::move(env);
    return options;
}

std::string show(const RunResult& r)
{
    return "status " + std::to_string(r.status) + "\n--- stdout ---\n" + r.out + "--- stderr ---\n" + r.err;
}

class MptcpctlVsIp : public BusTest {
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
        ipNs_ = newNetworkNamespace();
        const std::string daemonNs = "/proc/" + std::to_string(bus_.daemonPid()) + "/ns/net";
        serviceNs_ = open(daemonNs.c_str(), O_RDONLY | O_CLOEXEC);
        ASSERT_GE(serviceNs_, 0) << daemonNs;
        // The same addresses on both sides: port endpoints need them local.
        for (const int ns : {ipNs_, serviceNs_}) {
            for (const char* cmd :
                 {"ip link set lo up", "ip addr add 10.0.1.1/32 dev lo", "ip addr add 2001:db8::1/128 dev lo"}) {
                ASSERT_EQ(runProgram(words(cmd), optionsFor(ns)).status, 0) << cmd;
            }
        }
    }

    void TearDown() override
    {
        for (const int fd : {ipNs_, serviceNs_}) {
            if (fd >= 0) {
                close(fd);
            }
        }
        BusTest::TearDown();
    }

    RunResult viaIp(const std::string& line, int ns = -1)
    {
        auto argv = words(line);
        if (!argv.empty() && argv[0].starts_with("-")) {
            // ip's options come before the object: ip -j mptcp ...
            std::size_t i = 0;
            while (i < argv.size() && argv[i].starts_with("-")) {
                ++i;
            }
            argv.insert(argv.begin() + static_cast<std::ptrdiff_t>(i), "mptcp");
        } else {
            argv.insert(argv.begin(), "mptcp");
        }
        argv.insert(argv.begin(), "ip");
        return runProgram(argv, optionsFor(ns < 0 ? ipNs_ : ns));
    }

    RunResult viaMptcpctl(const std::string& line)
    {
        auto argv = words(line);
        argv.insert(argv.begin(), mptcpctl_);
        return runProgram(argv, optionsFor(serviceNs_, {"DBUS_SYSTEM_BUS_ADDRESS=" + bus_.busAddress()}));
    }

    // Runs every line both ways and expects the same; then the same table.
    void expectSameAsIp(const std::vector<std::string>& lines)
    {
        for (const std::string& line : lines) {
            RunResult ip = viaIp(line);
            ip.out = asMptcpctlWouldSay(ip.out);
            ip.err = asMptcpctlWouldSay(ip.err);
            const RunResult ctl = viaMptcpctl(line);
            EXPECT_EQ(show(ctl), show(ip)) << "for: " << line;
        }
        const RunResult ipTable = viaIp("endpoint show");
        const RunResult serviceTable = viaIp("endpoint show", serviceNs_);
        EXPECT_EQ(serviceTable.out, ipTable.out) << "the endpoint tables differ after the steps";
        EXPECT_EQ(viaIp("limits show", serviceNs_).out, viaIp("limits show").out) << "the limits differ";
    }

    std::string mptcpctl_;
    int ipNs_ = -1;
    int serviceNs_ = -1;
};

TEST_F(MptcpctlVsIp, AddAndShowIpv4AndIpv6)
{
    expectSameAsIp({
        "endpoint show",
        "-j endpoint show",
        "-j -p endpoint show",
        "endpoint add 10.0.1.1 subflow",
        "endpoint add 10.0.1.2 id 0x10 subflow backup fullmesh dev lo",
        "endpoint add 10.0.1.1 id 3 port 10001 signal",
        "endpoint add 2001:db8::1 port 10002 signal backup",
        "endpoint add 2001:DB8:0:0:0:0:0:2 backup",
        "endpoint add ::ffff:10.0.1.3",
        "endpoint add 10.1",
        "endpoint a 0x7f.1.1.1 i 010",
        "endpoint show",
        "endpoint",
        "e s",
        "-j endpoint show",
        "-json -pretty endpoint show",
        "--json --pretty endpoint show id 16",
        "endpoint show id 1",
        "endpoint show id 3 10.9.9.9",
        "endpoint show id 0",
        "endpoint show 10.0.1.1",  // no id: the kernel looks up id 0
        "endpoint show id 99",
        "-j endpoint show id 1",
        "endpoint show id 0x11 signal port 9 dev lo",
    });
}

TEST_F(MptcpctlVsIp, AddRefusals)
{
    expectSameAsIp({
        "endpoint add 10.0.1.1 id 5 signal",
        "endpoint add 10.0.1.1 signal",           // duplicate address: -17
        "endpoint add ::ffff:10.0.1.1 subflow",   // the same, IPv4-mapped
        "endpoint add 10.0.2.2 id 5",             // id in use: -16
        "endpoint add 10.0.2.3 signal fullmesh",  // ip's own check
        "endpoint add 10.0.2.3 fullmesh signal",
        "endpoint add 10.0.2.3 port 80",                 // port without signal
        "endpoint add 10.0.2.3 port 80 signal subflow",  // the kernel's rule
        "endpoint add 10.0.2.3 port 80 signal",          // not local: -99
        "endpoint add 127.0.0.1 port 10003 signal",
        "endpoint add 127.0.0.1 port 10003 signal",  // listener in use: -98
        "endpoint add",
        "endpoint add 10.0.2.4 id",
        "endpoint add 10.0.2.4 id 256",
        "endpoint add 10.0.2.4 id -1",
        "endpoint add 10.0.2.4 id 3x",
        "endpoint add 10.0.2.4 id ''",
        "endpoint add 10.0.2.4 port 65536 signal",
        "endpoint add 10.0.2.4 port x signal",
        "endpoint add 10.0.2.4 dev nosuch",
        "endpoint add 10.0.2.4 dev lo/x",
        "endpoint add 10.0.2.4 dev ''",
        "endpoint add 10.0.2.4 dev aaaaaaaaaaaaaaaa",
        "endpoint add 10.0.2.4 bogus",
        "endpoint add 10.0.2.4 Subflow",
        "endpoint add 10.0.2.4 implicit",
        "endpoint add 10.0.1.1/24",
        "endpoint add fe80::1%lo",
        "endpoint add 1.2.3.4.5",
        "endpoint add 10.0.2.4 ids 7",
    });
}

TEST_F(MptcpctlVsIp, FullTable)
{
    expectSameAsIp({
        "endpoint add 10.0.3.1",
        "endpoint add 10.0.3.2",
        "endpoint add 10.0.3.3",
        "endpoint add 10.0.3.4",
        "endpoint add 10.0.3.5",
        "endpoint add 10.0.3.6",
        "endpoint add 10.0.3.7",
        "endpoint add 2001:db8::8",
        "endpoint add 10.0.3.9",       // 9th: -34
        "endpoint add 10.0.3.1 id 1",  // full wins over busy and duplicate
        "endpoint delete id 3",
        "endpoint add 10.0.3.10",  // id 9: the cursor never goes back
        "endpoint show",
        "endpoint flush",
        "endpoint add 10.0.3.11",  // id 1 again after flush
        "endpoint show",
    });
}

TEST_F(MptcpctlVsIp, DeleteAndFlush)
{
    expectSameAsIp({
        "endpoint add 10.0.1.1 subflow",
        "endpoint add 2001:db8::5 id 7 signal",
        "endpoint delete",
        "endpoint delete id",
        "endpoint delete id 0",
        "endpoint delete id 1 10.0.1.1",
        "endpoint delete 10.0.1.1",
        "endpoint delete id 300",
        "endpoint delete id 9",           // unknown id
        "endpoint delete id 0 10.0.1.1",  // closes initial subflows; always succeeds
        "endpoint delete id 0 2001:db8::99",
        "endpoint delete id 7 port 80",  // the port is ignored
        "endpoint delete id 7",          // already gone
        "endpoint d id 1 dev lo",
        "endpoint show",
        "endpoint add 10.0.1.1",
        "endpoint flush foo",
        "endpoint flush",
        "endpoint f",
        "endpoint show",
    });
}

TEST_F(MptcpctlVsIp, Change)
{
    expectSameAsIp({
        "endpoint add 10.0.1.1 subflow backup",
        "endpoint add 10.0.1.2 signal",
        "endpoint add 2001:db8::1 port 10004 signal",
        "endpoint change",
        "endpoint change id 0",
        "endpoint change id 0 backup",
        "endpoint change port 5 backup",
        "endpoint change 10.0.9.9 backup",
        "endpoint change id 9 backup",
        "endpoint change id 1 signal",
        "endpoint change id 1 subflow",
        "endpoint change id 1 port 80 backup",
        "endpoint change id 1 fullmesh",  // backup is cleared, as the kernel does
        "endpoint show id 1",
        "endpoint change id 1 backup nobackup",  // nobackup sets nothing: backup
        "endpoint show id 1",
        "endpoint change id 1",  // clears both
        "endpoint show id 1",
        "endpoint change id 9 10.0.1.1 fullmesh backup",  // the address wins over the id
        "endpoint show id 1",
        "endpoint change 10.0.1.1 port 99 nofullmesh",  // a port-less endpoint matches any port
        "endpoint show id 1",
        "endpoint change 10.0.1.2 fullmesh",  // not on a signal endpoint
        "endpoint change 10.0.1.2 backup",
        "endpoint change ::ffff:10.0.1.2 nobackup",
        "endpoint change 2001:db8::1 port 10004 backup",
        "endpoint change 2001:db8::1 port 10005 backup",  // no such port, no port-less entry
        "endpoint change 10.0.1.2 dev nosuch backup",
        "endpoint c id 2 backup",
        "endpoint show",
    });
}

TEST_F(MptcpctlVsIp, Limits)
{
    expectSameAsIp({
        "limits show",
        "limits",
        "limits set",
        "limits set subflows",
        "limits set subflows 9",
        "limits set subflows 8 add_addr_accepted 9",
        "limits set add_addr_accepted 3 subflows 9",  // checked before either is written
        "limits show",
        "limits set subflows 4294967295",
        "limits set subflows 4294967296",
        "limits set subflows -1",
        "limits set subflows x",
        "limits set add_addr_accepted x",
        "limits set foo 1",
        "limits set subflows 0x3",
        "limits set a 5",
        "limits show",
        "limits set s 1 s 2",
        "limits se subflows 4 add_addr_accepted 4",
        "l s subflows 7",
        "limits show extra",
        "limits show subflows 1",
        "l sh",
        "l",
    });
}

TEST_F(MptcpctlVsIp, CommandLineAndHelp)
{
    expectSameAsIp({
        "",
        "help",
        "h",
        "hel",
        "foo",
        "endpoint foo",
        "endpoint help",
        "limits foo",
        "limits help",
        "monitor foo",
        "m x",
        "-x limits show",
        "--x limits show",
        "-jp limits show",
        "-s -d -4 -6 -o -N limits show",
        "-c limits show",
        "-color=never limits show",
        "-- limits show",
        "-t limits show",
        "-ts limits show",
    });
}

// What ip 6.1 cannot say: laminar by name. ip, looking at the same
// namespace, shows the same endpoint as rawflags 20.
TEST_F(MptcpctlVsIp, LaminarByName)
{
    const RunResult add = viaMptcpctl("endpoint add 10.0.1.1 id 4 subflow laminar");
    ASSERT_EQ(add.status, 0) << show(add);
    EXPECT_EQ(viaMptcpctl("endpoint show").out, "10.0.1.1 id 4 subflow laminar \n");
    EXPECT_EQ(viaMptcpctl("-j endpoint show").out,
              "[{\"address\":\"10.0.1.1\",\"id\":4,\"subflow\":true,\"laminar\":true}]\n");
    EXPECT_EQ(viaIp("endpoint show", serviceNs_).out, "10.0.1.1 id 4 subflow rawflags 20 \n");
    const RunResult change = viaMptcpctl("endpoint change id 4 laminar");
    EXPECT_EQ(show(change),
              show({"", "Error: argument \"laminar\" is wrong: invalid flags, backup and fullmesh only\n", 255}));
}

// ip 6.1 prints limits as text even with -j; mptcpctl prints JSON.
TEST_F(MptcpctlVsIp, LimitsAsJson)
{
    EXPECT_EQ(viaIp("-j limits show").out, "add_addr_accepted 0 subflows 2 \n");
    EXPECT_EQ(viaMptcpctl("-j limits show").out, "[{\"add_addr_accepted\":0,\"subflows\":2}]\n");
    EXPECT_EQ(viaMptcpctl("-j -p limits show").out,
              "[ {\n        \"add_addr_accepted\": 0,\n        \"subflows\": 2\n    } ]\n");
}

}  // namespace
}  // namespace mptcp::test
