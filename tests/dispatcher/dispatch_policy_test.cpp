// The hook's pure rules, one by one: flag lists, configuration keys and
// groups, the lines named in messages, actions, device types and the
// built-in defaults. (The golden files test them together.)
#include "dispatch_policy.hpp"
#include "config_lines.hpp"
#include "dispatch_config.hpp"
#include "dispatch_flags.hpp"
#include "pm_protocol.hpp"

#include <gtest/gtest.h>

namespace mptcp::dispatch {
namespace {

FlagBits bitsOf(std::string_view text)
{
    auto parsed = parseFlagList(text);
    EXPECT_TRUE(std::holds_alternative<FlagBits>(parsed)) << text << ": " << std::get<std::string>(parsed);
    return std::holds_alternative<FlagBits>(parsed) ? std::get<FlagBits>(parsed) : 0xffff;
}

std::string errorOf(std::string_view text)
{
    auto parsed = parseFlagList(text);
    EXPECT_TRUE(std::holds_alternative<std::string>(parsed)) << text << " was accepted";
    return std::holds_alternative<std::string>(parsed) ? std::get<std::string>(parsed) : "";
}

TEST(FlagList, NamesInAnyOrderWithSpaces)
{
    EXPECT_EQ(bitsOf("subflow"), proto::FLAG_SUBFLOW);
    EXPECT_EQ(bitsOf(" backup , subflow "), proto::FLAG_SUBFLOW | proto::FLAG_BACKUP);
    EXPECT_EQ(bitsOf("signal,backup"), proto::FLAG_SIGNAL | proto::FLAG_BACKUP);
    EXPECT_EQ(bitsOf("subflow,fullmesh"), proto::FLAG_SUBFLOW | proto::FLAG_FULLMESH);
    EXPECT_EQ(bitsOf("laminar"), proto::FLAG_LAMINAR);
    EXPECT_EQ(bitsOf("subflow,subflow"), proto::FLAG_SUBFLOW);
}

TEST(FlagList, NoneIsZero)
{
    EXPECT_EQ(bitsOf("none"), 0u);
    EXPECT_EQ(bitsOf(" none "), 0u);
}

TEST(FlagList, RefusalsSayWhy)
{
    EXPECT_NE(errorOf("sublfow").find("unknown flag \"sublfow\""), std::string::npos);
    EXPECT_NE(errorOf("implicit").find("implicit"), std::string::npos);
    EXPECT_NE(errorOf("signal,fullmesh").find("signal and fullmesh"), std::string::npos);
    EXPECT_NE(errorOf("none,subflow").find("\"none\" cannot be combined"), std::string::npos);
    EXPECT_NE(errorOf("").find("empty flag name"), std::string::npos);
    EXPECT_NE(errorOf("subflow,,backup").find("empty flag name"), std::string::npos);
    EXPECT_NE(errorOf("subflow;backup").find("unknown flag"), std::string::npos);
}

TEST(FlagList, TextInContractOrder)
{
    EXPECT_EQ(flagListText(0), "none");
    EXPECT_EQ(flagListText(proto::FLAG_BACKUP | proto::FLAG_SIGNAL), "signal,backup");
}

TEST(ConfigGroups, KnownAndUnknown)
{
    DispatchConfig c;
    EXPECT_EQ(addConfigGroup(c, "dispatcher"), "");
    EXPECT_EQ(addConfigGroup(c, "connection:office"), "");
    EXPECT_EQ(addConfigGroup(c, "connection:a:b"), "");  // an id may hold a colon
    EXPECT_EQ(addConfigGroup(c, "interface:wl*"), "");
    EXPECT_EQ(addConfigGroup(c, "interface:eth0"), "");
    EXPECT_EQ(addConfigGroup(c, "device-type:gsm"), "");
    EXPECT_EQ(c.connections.count("a:b"), 1u);
    ASSERT_EQ(c.interfaces.size(), 2u);
    EXPECT_EQ(c.interfaces[0].first, "wl*");  // file order kept
    EXPECT_NE(addConfigGroup(c, "Dispatcher").find("unknown group"), std::string::npos);
    EXPECT_NE(addConfigGroup(c, "interface").find("unknown group"), std::string::npos);
    EXPECT_NE(addConfigGroup(c, "device-type:").find("needs a NetworkManager device type"), std::string::npos);
}

TEST(ConfigGroups, AddingTwiceKeepsOneSection)
{
    DispatchConfig c;
    addConfigGroup(c, "interface:eth0");
    addConfigGroup(c, "interface:wl*");
    addConfigGroup(c, "interface:eth0");
    EXPECT_EQ(c.interfaces.size(), 2u);
}

TEST(ConfigValues, EachKey)
{
    DispatchConfig c;
    addConfigGroup(c, "dispatcher");
    addConfigGroup(c, "device-type:gsm");
    EXPECT_EQ(setConfigValue(c, "dispatcher", "role", "server"), "");
    EXPECT_EQ(setConfigValue(c, "dispatcher", "unique-local", "yes"), "");
    EXPECT_EQ(setConfigValue(c, "dispatcher", "vpn", "1"), "");
    EXPECT_EQ(setConfigValue(c, "device-type:gsm", "flags", "signal,backup"), "");
    EXPECT_EQ(setConfigValue(c, "device-type:gsm", "unique-local", "false"), "");
    EXPECT_EQ(setConfigValue(c, "device-type:gsm", "role", "client"), "");
    EXPECT_EQ(c.defaults.role, Role::Server);
    EXPECT_EQ(c.defaults.uniqueLocal, true);
    EXPECT_TRUE(c.vpn);
    const auto& gsm = c.deviceTypes.at("gsm");
    EXPECT_EQ(gsm.flags, proto::FLAG_SIGNAL | proto::FLAG_BACKUP);
    EXPECT_EQ(gsm.uniqueLocal, false);
    EXPECT_EQ(gsm.role, Role::Client);
}

TEST(ConfigValues, RefusalsChangeNothing)
{
    DispatchConfig c;
    addConfigGroup(c, "dispatcher");
    addConfigGroup(c, "interface:eth0");
    const DispatchConfig before = c;
    EXPECT_NE(setConfigValue(c, "interface:eth0", "flags", "subflow,bogus"), "");
    EXPECT_NE(setConfigValue(c, "interface:eth0", "vpn", "true"), "");  // [dispatcher] only
    EXPECT_NE(setConfigValue(c, "dispatcher", "flags", "subflow"), "");
    EXPECT_NE(setConfigValue(c, "dispatcher", "role", "Server"), "");
    EXPECT_NE(setConfigValue(c, "dispatcher", "vpn", "on"), "");
    EXPECT_NE(setConfigValue(c, "device-type:wifi", "flags", "subflow"), "");  // group not added
    EXPECT_EQ(c, before);
}

TEST(ConfigLines, KeyLinesInTheirGroup)
{
    const std::string text =
        "# head\n"
        "[dispatcher]\n"
        "role=server\n"
        "\n"
        "  [interface:eth0]  \n"
        "role = client\n"
        "flags=subflow\n"
        "flags = backup\n";
    EXPECT_EQ(lineOfKey(text, "dispatcher", "role"), 3u);
    EXPECT_EQ(lineOfKey(text, "interface:eth0", "role"), 6u);
    EXPECT_EQ(lineOfKey(text, "interface:eth0", "flags"), 8u);  // the last one, which GKeyFile keeps
    EXPECT_EQ(lineOfKey(text, "interface:eth0", ""), 5u);
    EXPECT_EQ(lineOfKey(text, "dispatcher", "flags"), 0u);
    EXPECT_EQ(lineOfKey(text, "device-type:gsm", ""), 0u);
}

TEST(ConfigLines, FirstMalformedLine)
{
    EXPECT_EQ(firstMalformedLine("[a]\nk=v\n# c\n\n"), 0u);
    EXPECT_EQ(firstMalformedLine("k=v\n[a]\n"), 1u);
    EXPECT_EQ(firstMalformedLine("[a]\nk=v\nnonsense\n"), 3u);
    EXPECT_EQ(firstMalformedLine("[a]\n=v\n"), 2u);
    EXPECT_EQ(firstMalformedLine("[a]\r\nk=v\r\n"), 0u);
}

TEST(Actions, WhatEachActionAsks)
{
    DispatchConfig off;
    DispatchConfig on;
    on.vpn = true;
    for (const char* a : {"up", "reapply", "dhcp4-change", "dhcp6-change"}) {
        EXPECT_EQ(classifyAction(a, off), ActionKind::Configure) << a;
    }
    for (const char* a : {"down", "pre-down"}) {
        EXPECT_EQ(classifyAction(a, off), ActionKind::Release) << a;
    }
    for (const char* a : {"pre-up", "hostname", "connectivity-change", "", "UP"}) {
        EXPECT_EQ(classifyAction(a, off), ActionKind::Ignore) << a;
    }
    for (const char* a : {"vpn-up", "vpn-down", "vpn-pre-up", "vpn-pre-down"}) {
        EXPECT_EQ(classifyAction(a, off), ActionKind::Ignore) << a;
    }
    EXPECT_EQ(classifyAction("vpn-up", on), ActionKind::Configure);
    EXPECT_EQ(classifyAction("vpn-down", on), ActionKind::Release);
    EXPECT_EQ(classifyAction("vpn-pre-down", on), ActionKind::Release);
    EXPECT_EQ(classifyAction("vpn-pre-up", on), ActionKind::Ignore);
}

TEST(DeviceTypes, FromConnectionTypes)
{
    EXPECT_EQ(deviceTypeOf("802-3-ethernet"), "ethernet");
    EXPECT_EQ(deviceTypeOf("802-11-wireless"), "wifi");
    EXPECT_EQ(deviceTypeOf("802-15-4"), "wpan");
    EXPECT_EQ(deviceTypeOf("802-11-olpc-mesh"), "olpc-mesh");
    EXPECT_EQ(deviceTypeOf("gsm"), "gsm");
    EXPECT_EQ(deviceTypeOf("wireguard"), "wireguard");
}

TEST(BuiltIn, EveryTypeOfTheDesign)
{
    const FlagBits subflow = proto::FLAG_SUBFLOW;
    const FlagBits signal = proto::FLAG_SIGNAL;
    const FlagBits backup = proto::FLAG_BACKUP;
    for (const char* t : {"ethernet", "veth", "wifi"}) {
        EXPECT_EQ(builtInFlags(t, Role::Client, false), subflow) << t;
        EXPECT_EQ(builtInFlags(t, Role::Server, false), signal) << t;
    }
    for (const char* t : {"gsm", "cdma", "bluetooth"}) {
        EXPECT_EQ(builtInFlags(t, Role::Client, false), subflow | backup) << t;
        EXPECT_EQ(builtInFlags(t, Role::Server, false), signal | backup) << t;
    }
    for (const char* t : {"vpn", "wireguard"}) {
        EXPECT_EQ(builtInFlags(t, Role::Client, false), 0u) << t;
        EXPECT_EQ(builtInFlags(t, Role::Client, true), subflow) << t;
    }
    for (const char* t : {"tun", "loopback", "bridge", "bond", "team", "vlan", "generic", "", "infiniband"}) {
        EXPECT_EQ(builtInFlags(t, Role::Client, true), 0u) << t;
    }
}

TEST(Decision, ExplicitNmFlagsWinOverEverything)
{
    DispatchConfig c;
    addConfigGroup(c, "interface:*");
    setConfigValue(c, "interface:*", "flags", "signal");
    ConnectionSettings s;
    s.type = "802-3-ethernet";
    s.nmMptcpFlags = 0x20;
    s.userFlags = "subflow";
    const auto d = decideConfigure("eth0", s, c);
    EXPECT_EQ(d.verdict, Verdict::Ignore);
    EXPECT_NE(d.reason.find("connection.mptcp-flags=0x20"), std::string::npos);
}

TEST(Decision, ExplicitFlagsForAPortAreObeyed)
{
    DispatchConfig c;
    addConfigGroup(c, "connection:port1");
    setConfigValue(c, "connection:port1", "flags", "subflow");
    ConnectionSettings s;
    s.id = "port1";
    s.type = "802-3-ethernet";
    s.isPort = true;
    EXPECT_EQ(decideConfigure("eth0", s, c).verdict, Verdict::Manage);
    s.id = "port2";
    EXPECT_EQ(decideConfigure("eth0", s, c).verdict, Verdict::Release);
}

}  // namespace
}  // namespace mptcp::dispatch
