// `mptcpctl connection show`: its words, and what it prints from what the
// service returns (text, -d, -j), keys missing from an older kernel left out.
#include "cli_exit.hpp"
#include "command_parser.hpp"
#include "connection_format.hpp"
#include "connection_parser.hpp"
#include "global_options.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace mptcp::cli {
namespace {

Command parse(const std::string& line)
{
    std::vector<std::string> words;
    std::istringstream in(line);
    for (std::string w; in >> w;) {
        words.push_back(w);
    }
    return parseCommand(words, [](const std::string&) { return false; });
}

CliExit refusal(const std::string& line)
{
    try {
        parse(line);
    } catch (const CliFailure& f) {
        return f.exit();
    }
    ADD_FAILURE() << line << " was accepted";
    return {};
}

TEST(ConnectionCommand, ShowIsTheDefaultVerbAndWordsAbbreviate)
{
    for (const char* line : {"connection", "connection show", "c s", "conn sh"}) {
        const Command c = parse(line);
        EXPECT_EQ(c.action, Action::ConnectionShow) << line;
        EXPECT_FALSE(c.connection.token) << line;
    }
}

TEST(ConnectionCommand, TokenIsHexadecimalAsPrinted)
{
    EXPECT_EQ(parse("connection show token 0a1b2c3d").connection.token, 0x0a1b2c3du);
    EXPECT_EQ(parse("connection show token 0xDEADBEEF").connection.token, 0xdeadbeefu);
    EXPECT_EQ(parse("connection show t 10").connection.token, 0x10u);
    EXPECT_EQ(parseToken("ffffffff"), 0xffffffffu);
    EXPECT_FALSE(parseToken("100000000"));
    EXPECT_FALSE(parseToken("0x"));
    EXPECT_FALSE(parseToken("12g"));
    EXPECT_FALSE(parseToken("-1"));
}

TEST(ConnectionCommand, Refusals)
{
    EXPECT_EQ(refusal("connection show token").message, "Command line is not complete. Try option \"help\"\n");
    const CliExit bad = refusal("connection show token xyz");
    EXPECT_EQ(bad.status, kExitArguments);
    EXPECT_NE(bad.message.find("\"xyz\" is wrong"), std::string::npos) << bad.message;
    EXPECT_EQ(refusal("connection show id 1").status, kExitArguments);
    EXPECT_EQ(refusal("connection frobnicate").message, "Command \"frobnicate\" is unknown, try \"mptcpctl help\".\n");
}

InfoValue text(const std::string& s)
{
    return InfoValue::of(s);
}
InfoValue number(char type, std::uint64_t n)
{
    return InfoValue::of(n, type);
}

ConnectionView v6Connection()
{
    ConnectionView c;
    c.token = 0xab;
    c.info = {{"family", number('q', 10)},     {"local-address", text("::1")},      {"local-port", number('q', 5000)},
              {"remote-address", text("::1")}, {"remote-port", number('q', 40000)}, {"state", text("established")},
              {"uid", number('u', 65534)},     {"subflows", number('u', 2)},        {"fallback", number('b', 0)},
              {"bytes-sent", number('t', 10)}, {"bytes-received", number('t', 20)}};
    c.subflows = {
        {{"local-address", text("::1")},
         {"local-port", number('q', 5000)},
         {"remote-address", text("::1")},
         {"remote-port", number('q', 40000)},
         {"state", text("established")},
         {"local-id", number('y', 0)},
         {"remote-id", number('y', 0)},
         {"join", number('b', 0)},
         {"backup", number('b', 0)},
         {"rtt-us", number('u', 50)}},
        {{"local-address", text("10.0.0.2")},
         {"local-port", number('q', 41000)},
         {"remote-address", text("10.0.0.1")},
         {"remote-port", number('q', 5000)},
         {"state", text("established")},
         {"local-id", number('y', 1)},
         {"remote-id", number('y', 0)},
         {"join", number('b', 1)},
         {"backup", number('b', 1)},
         {"interface", text("eth1")}},
    };
    return c;
}

TEST(ConnectionFormat, OneLinePerConnection)
{
    ConnectionView old;  // an old kernel: no byte counters
    old.token = 0x1234;
    old.info = {{"local-address", text("10.0.0.1")},  {"local-port", number('q', 1)},
                {"remote-address", text("10.0.0.2")}, {"remote-port", number('q', 2)},
                {"state", text("close-wait")},        {"uid", number('u', 0)},
                {"subflows", number('u', 1)},         {"fallback", number('b', 1)}};
    const ConnectionView all[] = {old, v6Connection()};
    EXPECT_EQ(formatConnections(all, {}),
              "token 00001234 local 10.0.0.1:1 remote 10.0.0.2:2 state close-wait uid 0 subflows 1 fallback\n"
              "token 000000ab local [::1]:5000 remote [::1]:40000 state established uid 65534 subflows 2 "
              "bytes_sent 10 bytes_received 20\n");
}

TEST(ConnectionFormat, DetailsAddOneLinePerSubflow)
{
    GlobalOptions options;
    options.details = true;
    const ConnectionView all[] = {v6Connection()};
    EXPECT_EQ(formatConnections(all, options),
              "token 000000ab local [::1]:5000 remote [::1]:40000 state established uid 65534 subflows 2 "
              "bytes_sent 10 bytes_received 20\n"
              "\tsubflow local [::1]:5000 remote [::1]:40000 state established local_id 0 remote_id 0 rtt_us 50\n"
              "\tsubflow local 10.0.0.2:41000 remote 10.0.0.1:5000 state established local_id 1 remote_id 0 join "
              "backup dev eth1\n");
}

TEST(ConnectionFormat, Json)
{
    GlobalOptions options;
    options.json = true;
    ConnectionView c;
    c.token = 7;
    c.info = {{"state", text("established")}, {"subflows", number('u', 1)}, {"fallback", number('b', 0)}};
    const ConnectionView all[] = {c};
    EXPECT_EQ(formatConnections(all, options),
              "[{\"token\":7,\"fallback\":false,\"state\":\"established\",\"subflows\":1}]\n");
    options.details = true;
    ConnectionView withSubflow = c;
    withSubflow.subflows = {{{"local-id", number('y', 2)}, {"remote-backup", number('b', 1)}}};
    const ConnectionView one[] = {withSubflow};
    EXPECT_EQ(formatConnections(one, options),
              "[{\"token\":7,\"fallback\":false,\"state\":\"established\",\"subflows\":1,"
              "\"subflow_list\":[{\"local_id\":2,\"remote_backup\":true}]}]\n");
    EXPECT_EQ(formatConnections({}, options), "[]\n");
}

}  // namespace
}  // namespace mptcp::cli

namespace mptcp::cli {
namespace {

TEST(ConnectionCommand, DashDAsksForDetails)
{
    const std::vector<std::string> args = {"-d", "connection", "show"};
    const ParsedOptions p = parseGlobalOptions(args);
    EXPECT_TRUE(p.options.details);
    EXPECT_EQ(p.firstWord, 1u);
    const std::vector<std::string> plain = {"connection"};
    EXPECT_FALSE(parseGlobalOptions(plain).options.details);
}

}  // namespace
}  // namespace mptcp::cli
