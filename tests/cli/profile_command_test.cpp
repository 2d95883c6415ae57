// `mptcpctl profile` words: what is accepted, the text stored for a flag
// list (the hook's own canonical form), and why a command line is refused.
#include "profile_command.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using mptcp::profile::parseProfileCommand;
using mptcp::profile::ProfileCommand;

std::variant<ProfileCommand, std::string> parse(std::vector<std::string> words)
{
    return parseProfileCommand(words);
}

ProfileCommand ok(std::vector<std::string> words)
{
    auto parsed = parse(words);
    if (auto* why = std::get_if<std::string>(&parsed)) {
        ADD_FAILURE() << "refused: " << *why;
        return {};
    }
    return std::get<ProfileCommand>(parsed);
}

std::string refused(std::vector<std::string> words)
{
    auto parsed = parse(words);
    if (auto* why = std::get_if<std::string>(&parsed)) {
        return *why;
    }
    ADD_FAILURE() << "accepted";
    return "";
}

TEST(ProfileCommand, ShowEveryProfileOrOne)
{
    const auto all = ok({"show"});
    EXPECT_EQ(all.verb, ProfileCommand::Verb::Show);
    EXPECT_EQ(all.profile, "");
    const auto one = ok({"-j", "-p", "show", "office lan"});
    EXPECT_EQ(one.profile, "office lan");
    EXPECT_TRUE(one.json);
    EXPECT_TRUE(one.pretty);
    EXPECT_NE(refused({"show", "a", "b"}).find("at most one profile"), std::string::npos);
}

TEST(ProfileCommand, SetStoresTheCanonicalList)
{
    const auto c = ok({"set", "wwan", "backup", "subflow"});
    EXPECT_EQ(c.verb, ProfileCommand::Verb::Set);
    EXPECT_EQ(c.profile, "wwan");
    EXPECT_EQ(c.flags, "subflow,backup");
    EXPECT_EQ(ok({"set", "wwan", "subflow,fullmesh"}).flags, "subflow,fullmesh");
    EXPECT_EQ(ok({"set", "wwan", "none"}).flags, "none");
}

TEST(ProfileCommand, DefaultRemovesTheKey)
{
    EXPECT_EQ(ok({"set", "wwan", "default"}).flags, std::nullopt);
    EXPECT_NE(refused({"set", "wwan", "default", "subflow"}).find("default stands alone"), std::string::npos);
}

TEST(ProfileCommand, RefusedWithAReason)
{
    EXPECT_NE(refused({}).find("show or set"), std::string::npos);
    EXPECT_NE(refused({"delete", "x"}).find("unknown command \"delete\""), std::string::npos);
    EXPECT_NE(refused({"set"}).find("needs a profile"), std::string::npos);
    EXPECT_NE(refused({"set", "x"}).find("needs flags, none or default"), std::string::npos);
    EXPECT_NE(refused({"set", "x", "signal", "fullmesh"}).find("signal and fullmesh"), std::string::npos);
    EXPECT_NE(refused({"set", "x", "implicit"}).find("implicit"), std::string::npos);
    EXPECT_NE(refused({"set", "x", "none", "subflow"}).find("none"), std::string::npos);
    EXPECT_NE(refused({"set", "x", "bogus"}).find("bogus"), std::string::npos);
    EXPECT_NE(refused({"-x", "show"}).find("unknown option"), std::string::npos);
}

}  // namespace
