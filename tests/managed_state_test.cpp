// The state file's format: what is written comes back the same, and a file
// that is not a state file, or a damaged one, is refused with its name, the
// line and what is wrong.
#include "managed_state.hpp"
#include "pm_error.hpp"
#include "pm_protocol.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

namespace mptcp {
namespace {

using ::testing::HasSubstr;

ManagedState sample()
{
    ManagedState s;
    s.netns = 4026531840u;
    ManagedSettings eth;
    eth.flags = proto::FLAG_SUBFLOW | proto::FLAG_BACKUP;
    eth.owner = "Wired connection 1 % 100\xc3\xa9";
    eth.source = "user data of connection \"office\"";
    eth.transient = true;
    s.interfaces["eth0"] = eth;
    ManagedSettings wlan;
    wlan.flags = proto::FLAG_SIGNAL;
    wlan.port = 8080;
    wlan.addresses = {.ipv4 = false, .ipv6 = true, .uniqueLocal = true};
    s.interfaces["wlan0"] = wlan;
    s.endpoints.push_back({3, *IpAddress::parse("192.0.2.1"), 0, 2, eth.flags, "eth0"});
    s.endpoints.push_back({4, *IpAddress::parse("2001:db8::1"), 8080, 3, wlan.flags, "wlan0"});
    return s;
}

std::string refusal(const std::string& text)
{
    try {
        parseState(text, "/run/x.state");
    } catch (const PmError& e) {
        return e.what();
    }
    ADD_FAILURE() << "accepted:\n" << text;
    return "";
}

TEST(ManagedStateTest, WhatIsWrittenComesBackTheSame)
{
    const std::string text = formatState(sample());
    EXPECT_EQ(parseState(text, "x"), sample());
    // One line per interface and endpoint; the owner cannot split a line.
    EXPECT_THAT(text, HasSubstr("interface eth0 flags=0x6 port=0 families=ipv4,ipv6 unique-local=0 transient=1 "
                                "owner=Wired%20connection%201%20%25%20100%C3%A9 "
                                "source=user%20data%20of%20connection%20\"office\"\n"));
    EXPECT_THAT(text, HasSubstr("endpoint 4 2001:db8::1 wlan0 port=8080 ifindex=3 flags=0x1\n"));
}

// The file's bytes, as every version of format 2 wrote them: a file the
// service wrote before an upgrade is read by the next one.
TEST(ManagedStateTest, TheFileIsWrittenInFormatTwoByteForByte)
{
    EXPECT_EQ(formatState(sample()),
              "# mptcp-pathmanagerd: the interfaces it manages and the endpoints it created.\n"
              "# Written by the service; edit only while it is stopped.\n"
              "mptcp-pathmanagerd-state 2\n"
              "netns-cookie 4026531840\n"
              "interface eth0 flags=0x6 port=0 families=ipv4,ipv6 unique-local=0 transient=1 "
              "owner=Wired%20connection%201%20%25%20100%C3%A9 source=user%20data%20of%20connection%20\"office\"\n"
              "interface wlan0 flags=0x1 port=8080 families=ipv6 unique-local=1 transient=0 owner= source=\n"
              "endpoint 3 192.0.2.1 eth0 port=0 ifindex=2 flags=0x6\n"
              "endpoint 4 2001:db8::1 wlan0 port=8080 ifindex=3 flags=0x1\n");
}

TEST(ManagedStateTest, AnEmptyStateIsValid)
{
    ManagedState empty;
    empty.netns = 7;
    EXPECT_EQ(parseState(formatState(empty), "x"), empty);
}

TEST(ManagedStateTest, DamagedFilesAreRefusedWithFileLineAndReason)
{
    EXPECT_THAT(refusal(""), HasSubstr("/run/x.state: empty"));
    EXPECT_THAT(refusal("hello\n"), HasSubstr("/run/x.state:1: not a state file"));
    EXPECT_THAT(refusal("mptcp-pathmanagerd-state 1\n"), HasSubstr(":1: state format version 1, this service reads 2"));
    const std::string head = "# comment\nmptcp-pathmanagerd-state 2\nnetns-cookie 5\n";
    EXPECT_THAT(refusal(head + "bogus line\n"), HasSubstr(":4: unknown line"));
    EXPECT_THAT(
        refusal(head + "interface eth0 flags=0x0 port=0 families=ipv4 unique-local=0 transient=0 owner= source=\n"),
        HasSubstr(":4: bad flags"));
    EXPECT_THAT(
        refusal(head + "interface eth0 flags=0x2 port=0 families=ipx unique-local=0 transient=0 owner= source=\n"),
        HasSubstr(":4: bad families"));
    EXPECT_THAT(
        refusal(head + "interface a/b flags=0x2 port=0 families=ipv4 unique-local=0 transient=0 owner= source=\n"),
        HasSubstr("not an interface name"));
    EXPECT_THAT(
        refusal(head + "interface eth0 flags=0x2 port=0 families=ipv4 unique-local=0 transient=0 owner= source=%4\n"),
        HasSubstr("%-escape"));
    const std::string eth0 =
        "interface eth0 flags=0x2 port=0 families=ipv4 unique-local=0 transient=0 owner= source=\n";
    EXPECT_THAT(refusal(head + eth0 + eth0), HasSubstr(":5: interface eth0 appears twice"));
    EXPECT_THAT(refusal(head + "endpoint 0 192.0.2.1 eth0 port=0 ifindex=2 flags=0x2\n"),
                HasSubstr(":4: bad endpoint"));
    EXPECT_THAT(refusal(head + "endpoint 256 192.0.2.1 eth0 port=0 ifindex=2 flags=0x2\n"), HasSubstr("bad endpoint"));
    EXPECT_THAT(refusal(head + "endpoint 1 192.0.2 eth0 port=0 ifindex=2 flags=0x2\n"), HasSubstr("bad endpoint"));
    EXPECT_THAT(refusal(head + "endpoint 1 192.0.2.1 eth0 port=0 ifindex=2 flag=0x2\n"),
                HasSubstr("expected flags=..."));
    EXPECT_THAT(refusal(head + "interface eth0 flags=0x2 port=0 families=ipv4 unique-local=0 transient=2 owner= "
                               "source=\n"),
                HasSubstr(":4: transient is 0 or 1"));
}

// Only printable ASCII and newlines come out of formatState: anything else
// is refused, with the line, before a word of it is believed.
TEST(ManagedStateTest, BytesTheWriterNeverWritesAreRefused)
{
    const std::string head = "mptcp-pathmanagerd-state 2\nnetns-cookie 5\n";
    EXPECT_THAT(refusal(head + "# \xff\n"), HasSubstr("/run/x.state:3: byte 0xff, which the service never writes"));
    EXPECT_THAT(refusal(head + "\r\n"), HasSubstr(":3: byte 0x0d"));
    EXPECT_THAT(refusal(std::string("mptcp-pathmanagerd-state 2\0\n", 28)), HasSubstr(":1: byte 0x00"));
    EXPECT_THAT(refusal(head + "\t\n"), HasSubstr("byte 0x09"));
}

}  // namespace
}  // namespace mptcp

namespace mptcp {
namespace {

std::filesystem::path scratchDir(const char* name)
{
    const auto dir = std::filesystem::temp_directory_path() / (name + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

std::string loadRefusal(const StateFile& file)
{
    try {
        file.load();
    } catch (const PmError& e) {
        return e.what();
    }
    ADD_FAILURE() << "loaded";
    return "";
}

TEST(StateFileTest, WhatIsSavedLoadsTheSameAndNoFileIsNoState)
{
    const auto dir = scratchDir("mptcp-state-load-");
    const StateFile file(dir.string() + "/managed.state");
    EXPECT_EQ(file.load(), std::nullopt);
    file.save(sample());
    EXPECT_EQ(file.load(), sample());
    std::filesystem::remove_all(dir);
}

TEST(StateFileTest, ALinkOrAHugeFileIsRefusedByName)
{
    const auto dir = scratchDir("mptcp-state-refused-");
    StateFile(dir.string() + "/real.state").save(sample());
    std::filesystem::create_symlink(dir / "real.state", dir / "link.state");
    EXPECT_THAT(loadRefusal(StateFile(dir.string() + "/link.state")),
                HasSubstr(dir.string() + "/link.state is a symbolic link"));
    {
        const auto huge = formatState(sample()) + "# " + std::string(2 * 1024 * 1024, 'x') + "\n";
        FILE* f = std::fopen((dir / "huge.state").c_str(), "w");
        ASSERT_NE(f, nullptr);
        ASSERT_EQ(std::fwrite(huge.data(), 1, huge.size(), f), huge.size());
        std::fclose(f);
    }
    EXPECT_THAT(loadRefusal(StateFile(dir.string() + "/huge.state")), HasSubstr("larger than any state file"));
    std::filesystem::remove_all(dir);
}

// --state-file may point into a directory others use (/tmp, a test's
// directory with a bus socket): its mode is not the service's to change.
TEST(StateFileTest, AnExistingDirectoryKeepsItsMode)
{
    const auto dir = std::filesystem::temp_directory_path() / ("mptcp-state-mode-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::filesystem::permissions(dir, std::filesystem::perms(0755));
    StateFile(dir.string() + "/managed.state").save(sample());
    EXPECT_EQ(std::filesystem::status(dir).permissions() & std::filesystem::perms::all, std::filesystem::perms(0755));
    EXPECT_EQ(std::filesystem::status(dir.string() + "/managed.state").permissions() & std::filesystem::perms::all,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace mptcp
