#include "global_options.hpp"
#include "cli_exit.hpp"

#include <gtest/gtest.h>

namespace mptcp::cli {
namespace {

ParsedOptions parse(std::vector<std::string> args)
{
    return parseGlobalOptions(args);
}

TEST(GlobalOptions, IpsSpellingsAndAbbreviations)
{
    const ParsedOptions p = parse({"-j", "--pretty", "-ts", "endpoint", "-j"});
    EXPECT_TRUE(p.options.json);
    EXPECT_TRUE(p.options.pretty);
    EXPECT_EQ(p.options.timestamps, Timestamps::Short);
    EXPECT_EQ(p.firstWord, 3u);  // options stop at the first word
    EXPECT_EQ(parse({"-t", "monitor"}).options.timestamps, Timestamps::Long);
    EXPECT_EQ(parse({"-timestamp", "monitor"}).options.timestamps, Timestamps::Long);
    EXPECT_EQ(parse({"-tshort", "monitor"}).options.timestamps, Timestamps::Short);
    EXPECT_TRUE(parse({"-json"}).options.json);
    EXPECT_EQ(parse({"--", "-j"}).firstWord, 1u);
}

TEST(GlobalOptions, HarmlessIpOptionsAreIgnored)
{
    const ParsedOptions p = parse({"-4", "-s", "-d", "-color=never", "-f", "inet", "limits"});
    EXPECT_FALSE(p.options.json);
    EXPECT_EQ(p.firstWord, 6u);
}

TEST(GlobalOptions, NoAskPasswordAsSystemctlSpellsIt)
{
    EXPECT_TRUE(parse({"endpoint", "flush"}).options.askPassword);
    const ParsedOptions p = parse({"--no-ask-password", "-j", "endpoint", "flush"});
    EXPECT_FALSE(p.options.askPassword);
    EXPECT_TRUE(p.options.json);
    EXPECT_EQ(p.firstWord, 2u);
    // ip's own abbreviations keep their meaning.
    EXPECT_THROW(parse({"-n", "x", "limits"}), CliFailure);  // -netns, refused
    EXPECT_NE(fullUsage().find("--no-ask-password"), std::string::npos);
}

TEST(GlobalOptions, VersionAndHelp)
{
    EXPECT_TRUE(parse({"-V"}).options.showVersion);
    EXPECT_TRUE(parse({"-h"}).options.showHelp);
    EXPECT_TRUE(parse({"--help"}).options.showHelp);
    EXPECT_NE(fullUsage().find("-j[son]"), std::string::npos);
}

TEST(GlobalOptions, UnknownIncompleteAndRefused)
{
    try {
        parse({"-jp", "limits"});
        FAIL() << "accepted -jp";
    } catch (const CliFailure& f) {
        EXPECT_EQ(f.exit().status, 255);
        EXPECT_EQ(f.exit().message, "Option \"-jp\" is unknown, try \"mptcpctl -help\".\n");
    }
    EXPECT_THROW(parse({"-f"}), CliFailure);
    try {
        parse({"-n", "other", "limits"});
        FAIL() << "accepted -netns";
    } catch (const CliFailure& f) {
        EXPECT_EQ(f.exit().status, 255);
        EXPECT_NE(f.exit().message.find("not supported"), std::string::npos);
    }
}

}  // namespace
}  // namespace mptcp::cli
