// mptcpctl's userspace path manager commands: what is accepted, what is
// refused before anything is sent, and that the `ip mptcp` grammar (and
// `connection show`) is left alone.
#include "userspace_commands.hpp"
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

bool fakeDevices(const std::string& name)
{
    return name == "eth0";
}

std::optional<UserspaceCommand> parse(const std::string& line)
{
    return parseUserspaceCommand(split(line), fakeDevices);
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

TEST(UserspaceCommands, AnnounceTakesTheTokenInHexAndItsWords)
{
    const auto c = parse("connection announce token 0a1b2c3d id 5 10.0.0.2 port 8080 dev eth0");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->action, UserspaceAction::Announce);
    EXPECT_EQ(c->token, 0x0a1b2c3du);
    EXPECT_EQ(c->id, 5u);
    EXPECT_EQ(c->address, "10.0.0.2");
    EXPECT_EQ(c->port, 8080);
    EXPECT_EQ(c->device, "eth0");
    EXPECT_EQ(parse("co ann token 0xDEADBEEF id 1 2001:db8::1")->token, 0xdeadbeefu);
}

TEST(UserspaceCommands, RemoveAndAddresses)
{
    const auto r = parse("connection remove token ff id 0");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->action, UserspaceAction::Remove);
    EXPECT_EQ(r->token, 0xffu);
    EXPECT_EQ(r->id, 0u);
    const auto a = parse("connection addresses token 1");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->action, UserspaceAction::ListAddresses);
}

TEST(UserspaceCommands, SubflowVerbs)
{
    const auto add = parse("subflow add token 1 10.0.0.2 dev eth0 rip 10.0.0.9 rport 443 backup");
    ASSERT_TRUE(add);
    EXPECT_EQ(add->action, UserspaceAction::SubflowAdd);
    EXPECT_EQ(add->id, 0u);
    EXPECT_EQ(add->remoteAddress, "10.0.0.9");
    EXPECT_EQ(add->remotePort, 443);
    EXPECT_TRUE(add->backup);
    EXPECT_EQ(parse("subflow add token 1 id 7 10.0.0.2 rip 10.0.0.9 rport 443")->id, 7u);

    const auto del = parse("subflow delete token 1 10.0.0.2 lport 5000 rip 10.0.0.9 rport 443");
    ASSERT_TRUE(del);
    EXPECT_EQ(del->action, UserspaceAction::SubflowDelete);
    EXPECT_EQ(del->port, 5000);

    const auto change = parse("subflow change token 1 10.0.0.2 rip 10.0.0.9 rport 443 nobackup");
    ASSERT_TRUE(change);
    EXPECT_EQ(change->action, UserspaceAction::SubflowChange);
    EXPECT_EQ(change->port, 0) << "lport is optional: any";
    EXPECT_FALSE(change->backup);
}

TEST(UserspaceCommands, PathManager)
{
    EXPECT_EQ(parse("path-manager")->action, UserspaceAction::PathManagerShow);
    EXPECT_EQ(parse("path-manager show")->action, UserspaceAction::PathManagerShow);
    const auto set = parse("pa set userspace");
    ASSERT_TRUE(set);
    EXPECT_EQ(set->action, UserspaceAction::PathManagerSet);
    EXPECT_EQ(set->pathManager, "userspace");
    EXPECT_EQ(refusal("path-manager set bpf").message, "Error: argument \"bpf\" is wrong: kernel or userspace\n");
    EXPECT_EQ(refusal("path-manager set").status, kExitArguments);
}

TEST(UserspaceCommands, RefusalsNameTheArgument)
{
    EXPECT_EQ(refusal("connection announce id 5 10.0.0.2").message, "Error: argument \"token\" is required\n");
    EXPECT_EQ(refusal("connection announce token 1 10.0.0.2").message, "Error: argument \"id\" is required\n");
    EXPECT_EQ(refusal("connection announce token xyz id 1 10.0.0.2").status, kExitArguments);
    EXPECT_EQ(refusal("connection announce token 123456789 id 1 10.0.0.2").status, kExitArguments);
    EXPECT_EQ(refusal("connection announce token 1 id 256 10.0.0.2").status, kExitArguments);
    EXPECT_EQ(refusal("connection announce token 1 id 1 10.0.0.2 dev nope0").message,
              "Error: argument \"nope0\" is wrong: device does not exist\n\n");
    EXPECT_EQ(refusal("subflow add token 1 10.0.0.2 rport 443").message, "Error: argument \"rip\" is required\n");
    EXPECT_EQ(refusal("subflow add token 1 10.0.0.2 rip 10.0.0.9").message, "Error: argument \"rport\" is required\n");
    EXPECT_EQ(refusal("subflow delete token 1 10.0.0.2 rip 10.0.0.9 rport 443").message,
              "Error: argument \"lport\" is required\n");
    EXPECT_EQ(refusal("subflow change token 1 10.0.0.2 rip 10.0.0.9 rport 443").status, kExitArguments);
    EXPECT_EQ(refusal("subflow add token 1 nonsense rip 10.0.0.9 rport 443").status, kExitUnparsable);
    EXPECT_EQ(refusal("subflow frobnicate").status, kExitArguments);
    EXPECT_EQ(refusal("connection remove token 1 id 2 10.0.0.2").status, kExitArguments);
}

TEST(UserspaceCommands, OtherCommandsAreNotOurs)
{
    EXPECT_FALSE(parse("connection show"));
    EXPECT_FALSE(parse("connection"));
    EXPECT_FALSE(parse("endpoint show"));
    EXPECT_FALSE(parse("monitor"));
    EXPECT_FALSE(parse("limits"));
    EXPECT_FALSE(parse(""));
}

}  // namespace
}  // namespace mptcp::cli
