// The grammar of `ip mptcp`, word by word: what is accepted, and the exact
// line and status of what ip 6.1 refuses (collected with ip itself).
#include "command_parser.hpp"
#include "cli_exit.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace mptcp::cli {
namespace {

std::vector<std::string> split(const std::string& line)
{
    std::vector<std::string> out;
    std::istringstream in(line);
    for (std::string w; in >> w;) {
        out.push_back(w);
    }
    return out;
}

// Only "lo" and "eth0" exist.
bool fakeDevices(const std::string& name)
{
    return name == "lo" || name == "eth0";
}

Command parse(const std::string& line)
{
    const auto w = split(line);
    return parseCommand(w, fakeDevices);
}

CliExit refusal(const std::string& line)
{
    try {
        parse(line);
    } catch (const CliFailure& f) {
        return f.exit();
    }
    ADD_FAILURE() << "accepted: " << line;
    return {};
}

TEST(CommandParser, AddTakesIpsWordsAndAbbreviations)
{
    const Command c = parse("endpoint a 10.1 i 0x10 d eth0 p 8080 signal backup laminar");
    EXPECT_EQ(c.action, Action::EndpointAdd);
    EXPECT_EQ(c.endpoint.address, "10.1.0.0");
    EXPECT_EQ(c.endpoint.id, 16u);
    EXPECT_EQ(c.endpoint.device, "eth0");
    EXPECT_EQ(c.endpoint.port, 8080);
    EXPECT_EQ(c.endpoint.flags, kFlagSignal | kFlagBackup | kFlagLaminar);
}

TEST(CommandParser, TheLastAddressAndIdWin)
{
    const Command c = parse("endpoint add 10.0.0.1 2001:DB8::2 id 3 id 010");
    EXPECT_EQ(c.endpoint.address, "2001:db8::2");
    EXPECT_EQ(c.endpoint.id, 8u);
}

TEST(CommandParser, VerbsAndDefaults)
{
    EXPECT_EQ(parse("").action, Action::Usage);
    EXPECT_EQ(parse("h").action, Action::Usage);
    EXPECT_EQ(parse("e").action, Action::EndpointList);
    EXPECT_EQ(parse("e s").action, Action::EndpointList);
    EXPECT_EQ(parse("e s id 1").action, Action::EndpointGet);
    EXPECT_EQ(parse("e f whatever").action, Action::EndpointFlush);
    EXPECT_EQ(parse("l").action, Action::LimitsShow);
    EXPECT_EQ(parse("l sh").action, Action::LimitsShow);
    EXPECT_EQ(parse("l s").action, Action::LimitsSet);  // s is set before show
    EXPECT_EQ(parse("m").action, Action::Monitor);
    EXPECT_EQ(parse("limits mon").action, Action::Monitor);  // ip's fall-through
}

TEST(CommandParser, LimitsKeepOnlyWhatIsGiven)
{
    const Command c = parse("limits set s 1 s 0x2");
    EXPECT_EQ(c.subflows, 2u);
    EXPECT_FALSE(c.addAddrAccepted);
    EXPECT_EQ(parse("limits set add 4294967295").addAddrAccepted, 4294967295u);
}

TEST(CommandParser, ChangeKeepsOnlyBackupAndFullmesh)
{
    const Command c = parse("endpoint change id 1 backup nobackup fullmesh nofullmesh");
    EXPECT_EQ(c.endpoint.flags, kFlagBackup | kFlagFullmesh);
    EXPECT_EQ(parse("endpoint change id 1 nobackup").endpoint.flags, 0u);
}

struct Refusal {
    const char* line;
    int status;
    const char* message;
};

class CommandParserRefuses : public ::testing::TestWithParam<Refusal> {};

TEST_P(CommandParserRefuses, AsIpDoes)
{
    const CliExit e = refusal(GetParam().line);
    EXPECT_EQ(e.status, GetParam().status);
    EXPECT_EQ(e.message, GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Ip61, CommandParserRefuses,
    ::testing::Values(
        Refusal{"foo", 255, "Command \"foo\" is unknown, try \"mptcpctl help\".\n"},
        Refusal{"endpoint help", 255, "Command \"help\" is unknown, try \"mptcpctl help\".\n"},
        Refusal{"limits foo", 255, "Command \"foo\" is unknown, try \"mptcpctl help\".\n"},
        Refusal{"monitor x", 255, "Command \"x\" is unknown, try \"mptcpctl help\".\n"},
        Refusal{"endpoint add", 255, "Error: argument \"ADDRESS\" is required\n"},
        Refusal{"endpoint add 10.0.0.1 id", 255, "Command line is not complete. Try option \"help\"\n"},
        Refusal{"endpoint add 10.0.0.1 id 256", 255, "Error: argument \"256\" is wrong: invalid ID\n\n"},
        Refusal{"endpoint add 10.0.0.1 id -1", 255, "Error: argument \"-1\" is wrong: invalid ID\n\n"},
        Refusal{"endpoint add 10.0.0.1 signal fullmesh", 255,
                "Error: argument \"fullmesh\" is wrong: flags mustn't have both signal and fullmesh\n"},
        Refusal{"endpoint add 10.0.0.1 port 80", 255,
                "Error: argument \"port\" is wrong: flags must have signal when using port\n"},
        Refusal{"endpoint add 10.0.0.1 port 65536 signal", 255, "Error: argument \"65536\" is wrong: expected port\n"},
        Refusal{"endpoint add 10.0.0.1 dev nosuch", 255,
                "Error: argument \"nosuch\" is wrong: device does not exist\n\n"},
        Refusal{"endpoint add 10.0.0.1 dev a/b", 255, "Error: argument \"a/b\" is wrong: invalid interface name\n\n"},
        Refusal{"endpoint add 10.0.0.1 dev aaaaaaaaaaaaaaaa", 255,
                "Error: argument \"aaaaaaaaaaaaaaaa\" is wrong: invalid interface name\n\n"},
        Refusal{"endpoint add 10.0.0.1 implicit", 1,
                "Error: any valid address is expected rather than \"implicit\".\n"},
        Refusal{"endpoint add 10.0.0.1/24", 1, "Error: any valid address is expected rather than \"10.0.0.1/24\".\n"},
        Refusal{"endpoint add any", 1, "Error: any valid address is expected rather than \"any\".\n"},
        Refusal{"endpoint delete", 255, "Error: argument \"ID\" is required\n"},
        Refusal{"endpoint delete id 0", 255,
                "Error: argument \"ID\" is wrong: address is needed for deleting id 0 address\n\n"},
        Refusal{"endpoint delete id 1 10.0.0.1", 255,
                "Error: argument \"ADDRESS\" is wrong: invalid for non-zero id address\n\n"},
        Refusal{"endpoint change id 1 signal", 255,
                "Error: argument \"signal\" is wrong: invalid flags, backup and fullmesh only\n"},
        Refusal{"endpoint change id 1 port 80 backup", 255,
                "Error: argument \"port\" is wrong: port can't be used with id\n"},
        Refusal{"limits set subflows", 255, "Command line is not complete. Try option \"help\"\n"},
        Refusal{"limits set subflows 4294967296", 255, "Error: argument \"4294967296\" is wrong: invalid subflows\n\n"},
        Refusal{"limits set add_addr_accepted x", 255, "Error: argument \"x\" is wrong: invalid add_addr_accepted\n\n"},
        Refusal{"limits show extra", 255, "Error: argument \"extra\" is wrong: unknown limit\n"}));

}  // namespace
}  // namespace mptcp::cli
