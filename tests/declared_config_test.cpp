// pathmanager.conf: what a correct file declares, and that every mistake
// is one line with the file, the line and the key.
#include "declared_config.hpp"
#include "key_file.hpp"
#include "pm_protocol.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>

namespace mptcp {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr const char* kPath = "/etc/mptcp-pathmanager/pathmanager.conf";

std::vector<std::string> mistakes(const std::string& text)
{
    return parseDeclaredConfig(text, kPath).mistakes;
}

TEST(DeclaredConfigTest, ACorrectFileDeclaresItsInterfacesAndLimits)
{
    const auto result = parseDeclaredConfig(
        "# uplinks\n"
        "[interface:eth0]\n"
        "flags=subflow\n"
        "\n"
        "  [interface:wwan*]\n"
        "flags = subflow, backup\n"
        "families=ipv6\n"
        "unique-local=true\n"
        "[interface:srv0]\n"
        "flags=signal\n"
        "port=8080\n"
        "[limits]\n"
        "subflows=4\n"
        "add_addr_accepted=2\n",
        kPath);
    ASSERT_THAT(result.mistakes, IsEmpty());
    const DeclaredConfig& c = result.config;
    ASSERT_EQ(c.interfaces.size(), 3u);
    EXPECT_EQ(c.interfaces[0].pattern, "eth0");
    EXPECT_EQ(c.interfaces[0].settings.flags, proto::FLAG_SUBFLOW);
    EXPECT_EQ(c.interfaces[0].settings.owner, "config");
    EXPECT_EQ(c.interfaces[0].settings.source, std::string(kPath) + ":2 [interface:eth0]");
    EXPECT_EQ(c.interfaces[1].settings.flags, proto::FLAG_SUBFLOW | proto::FLAG_BACKUP);
    EXPECT_EQ(c.interfaces[1].settings.addresses, (AddressPolicy{.ipv4 = false, .ipv6 = true, .uniqueLocal = true}));
    EXPECT_EQ(c.interfaces[1].line, 5u);
    EXPECT_EQ(c.interfaces[2].settings.port, 8080);
    EXPECT_EQ(c.subflows, 4u);
    EXPECT_EQ(c.addAddrAccepted, 2u);

    EXPECT_EQ(c.find("wwan0"), &c.interfaces[1]);
    EXPECT_EQ(c.find("eth0"), &c.interfaces[0]);
    EXPECT_EQ(c.find("eth1"), nullptr);
}

TEST(DeclaredConfigTest, TheFirstMatchingSectionCounts)
{
    const auto result =
        parseDeclaredConfig("[interface:eth0]\nflags=backup,subflow\n[interface:eth*]\nflags=signal\n", kPath);
    ASSERT_THAT(result.mistakes, IsEmpty());
    EXPECT_EQ(result.config.find("eth0")->pattern, "eth0");
    EXPECT_EQ(result.config.find("eth7")->pattern, "eth*");
}

TEST(DeclaredConfigTest, EveryMistakeIsOneLineWithFileLineAndKey)
{
    const std::string f = std::string(kPath) + ":";
    EXPECT_THAT(mistakes("flags=subflow\n"), ElementsAre(f + "1: flags: comes before the first [group]"));
    EXPECT_THAT(mistakes("[interface:eth0]\nflags=subflw\n"), ElementsAre(::testing::StartsWith(f + "2: flags: ")));
    EXPECT_THAT(mistakes("[interface:eth0]\nfamilies=ipv4\n"),
                ElementsAre(f + "1: flags: missing in [interface:eth0] (for example flags=subflow)"));
    EXPECT_THAT(
        mistakes("[interface:eth0]\nflags=subflow\nfamilies=ipx\nport=0\nunique-local=yes\ncolour=red\n"),
        ElementsAre(f + "3: families: unknown family \"ipx\" (known: ipv4, ipv6)",
                    f + "4: port: \"0\" is not a port (1..65535)", f + "5: unique-local: is true or false, not \"yes\"",
                    f + "6: colour: unknown key in [interface:eth0] (known: flags, families, port, "
                        "unique-local)"));
    EXPECT_THAT(mistakes("[interface:eth0]\nflags=subflow\nport=80\n"),
                ElementsAre(::testing::StartsWith(f + "2: flags: ")));  // a port needs signal without subflow
    EXPECT_THAT(mistakes("[interface:a/b]\nflags=subflow\n"),
                ElementsAre(::testing::StartsWith(f + "1: [interface:a/b]: not an interface name")));
    EXPECT_THAT(mistakes("[limits]\nsubflows=9\nadd_addr=1\n"),
                ElementsAre(f + "2: subflows: \"9\" is not a limit (0..8)",
                            f + "3: add_addr: unknown key in [limits] (known: subflows, add_addr_accepted)"));
    EXPECT_THAT(mistakes("[global]\n"), ElementsAre(::testing::StartsWith(f + "1: [global]: unknown section")));
    EXPECT_THAT(mistakes("[interface:eth0]\nflags=subflow\nflags=backup\n"),
                ElementsAre(f + "3: flags: set a second time in [interface:eth0] (first on line 2)"));
    EXPECT_THAT(mistakes("[interface:eth0]\nflags=subflow\n[interface:eth0]\nflags=backup\n"),
                ElementsAre(f + "3: [interface:eth0]: appears a second time (first on line 1)"));
    EXPECT_THAT(mistakes("[limits]\nsubflows 3\n"),
                ElementsAre(f + "2: (line): neither [group], key=value nor a # comment"));
    EXPECT_THAT(mistakes("[limits\n"), ElementsAre(f + "1: [limits: a group header is [name]"));
    EXPECT_THAT(mistakes("[limits]\nsubflows=\x01\n"), ElementsAre(f + "2: (line): control character in the line"));
}

TEST(DeclaredConfigTest, NoFileDeclaresNothing)
{
    const auto result = loadDeclaredConfig("/nonexistent/pathmanager.conf");
    EXPECT_THAT(result.mistakes, IsEmpty());
    EXPECT_THAT(result.config.interfaces, IsEmpty());
}

// The installed example, its sections and keys uncommented, is a correct
// file that declares what its comments say.
TEST(DeclaredConfigTest, TheExampleIsCorrectOnceUncommented)
{
    std::ifstream in(MPTCP_CONF_EXAMPLE);
    ASSERT_TRUE(in) << MPTCP_CONF_EXAMPLE;
    std::string text, line;
    while (std::getline(in, line)) {
        if (line.starts_with("#[") ||
            (line.starts_with("#") && line.find('=') != std::string::npos && line.find(' ') == std::string::npos)) {
            line.erase(0, 1);
        }
        text += line + "\n";
    }
    const auto result = parseDeclaredConfig(text, "example");
    EXPECT_THAT(result.mistakes, IsEmpty());
    ASSERT_EQ(result.config.interfaces.size(), 3u);
    EXPECT_EQ(result.config.find("enp3s0")->settings.flags, proto::FLAG_SUBFLOW);
    EXPECT_EQ(result.config.find("srv1")->settings.port, 8080);
    EXPECT_EQ(result.config.subflows, 4u);
}

TEST(KeyFileTest, WindowsLineEndsAndBlanksAroundKeysAndValues)
{
    const auto parsed = keyfile::parse("[a]\r\n  key  =  some value \r\n");
    ASSERT_THAT(parsed.mistakes, IsEmpty());
    ASSERT_EQ(parsed.groups.size(), 1u);
    ASSERT_EQ(parsed.groups[0].entries.size(), 1u);
    EXPECT_EQ(parsed.groups[0].entries[0].key, "key");
    EXPECT_EQ(parsed.groups[0].entries[0].value, "some value");
    EXPECT_EQ(parsed.groups[0].entries[0].line, 2u);
}

}  // namespace
}  // namespace mptcp
