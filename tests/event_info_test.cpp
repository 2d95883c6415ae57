// A decoded event in the contract's shape: the signal that carries it and
// its info dictionary, with exactly the keys and D-Bus types of docs/dbus-api.md
// and only what the kernel sent.
#include "event_info.hpp"
#include "pm_protocol.hpp"
#include "utf8_text.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sdbus-c++/Types.h>

#include <map>
#include <set>
#include <string>

namespace mptcp::dbus {
namespace {

// eth0 is 3; nothing else exists.
class OneInterface : public InterfaceNames {
public:
    std::optional<std::int32_t> indexOf(std::string_view name) override
    {
        return name == "eth0" ? std::optional<std::int32_t>(3) : std::nullopt;
    }
    std::optional<std::string> nameOf(std::int32_t index) override
    {
        return index == 3 ? std::optional<std::string>("eth0") : std::nullopt;
    }
};

// The event's info as a dictionary of variants, from the same list of keys
// as the daemon's appendEventInfo().
using EventInfo = std::map<std::string, sdbus::Variant>;

EventInfo eventInfo(const PmEvent& e, InterfaceNames& names)
{
    EventInfo info;
    forEachInfo(e, names, [&info](const char* key, auto value) { info.emplace(key, sdbus::Variant(value)); });
    return info;
}

std::set<std::string> keysOf(const EventInfo& info)
{
    std::set<std::string> keys;
    for (const auto& [k, v] : info) {
        keys.insert(k);
    }
    return keys;
}

template <typename T>
T get(const EventInfo& info, const std::string& key)
{
    const auto it = info.find(key);
    if (it == info.end()) {
        ADD_FAILURE() << "no key " << key;
        return T{};
    }
    return it->second.get<T>();
}

std::string signatureOf(const EventInfo& info, const std::string& key)
{
    return info.at(key).peekValueType();
}

TEST(EventInfo, EveryKeyWithTheContractsType)
{
    PmEvent e;
    e.type = proto::EVENT_SUB_CLOSED;
    e.token = 0x70285d1f;
    e.family = AF_INET;
    e.localAddress = IpAddress::parse("127.0.0.1");
    e.remoteAddress = IpAddress::parse("127.0.0.2");
    e.localPort = 35931;
    e.remotePort = 5555;
    e.localId = 0;
    e.remoteId = 1;
    e.serverSide = true;
    e.backup = false;
    e.ifindex = 3;
    e.error = 111;
    e.timeout = 120;
    e.resetReason = 3;
    e.resetFlags = 1;
    e.flags = 2;
    OneInterface names;
    const EventInfo info = eventInfo(e, names);

    const std::set<std::string> contract = {"family",   "local-address", "remote-address", "local-port",  "remote-port",
                                            "local-id", "remote-id",     "server-side",    "backup",      "interface",
                                            "error",    "timeout",       "reset-reason",   "reset-flags", "flags"};
    EXPECT_EQ(keysOf(info), contract);

    const std::pair<const char*, const char*> types[] = {
        {"family", "q"},   {"local-address", "s"}, {"remote-address", "s"}, {"local-port", "q"},  {"remote-port", "q"},
        {"local-id", "y"}, {"remote-id", "y"},     {"server-side", "b"},    {"backup", "b"},      {"interface", "s"},
        {"error", "u"},    {"timeout", "u"},       {"reset-reason", "u"},   {"reset-flags", "u"}, {"flags", "u"},
    };
    for (const auto& [key, type] : types) {
        EXPECT_EQ(signatureOf(info, key), type) << key;
    }
    EXPECT_EQ(get<std::uint16_t>(info, "family"), AF_INET);
    EXPECT_EQ(get<std::string>(info, "local-address"), "127.0.0.1");
    EXPECT_EQ(get<std::string>(info, "remote-address"), "127.0.0.2");
    EXPECT_EQ(get<std::uint16_t>(info, "local-port"), 35931);
    EXPECT_EQ(get<std::uint16_t>(info, "remote-port"), 5555);
    EXPECT_EQ(get<std::uint8_t>(info, "local-id"), 0);
    EXPECT_EQ(get<std::uint8_t>(info, "remote-id"), 1);
    EXPECT_EQ(get<bool>(info, "server-side"), true);
    EXPECT_EQ(get<bool>(info, "backup"), false);
    EXPECT_EQ(get<std::string>(info, "interface"), "eth0");
    EXPECT_EQ(get<std::uint32_t>(info, "error"), 111u);
    EXPECT_EQ(get<std::uint32_t>(info, "timeout"), 120u);
    EXPECT_EQ(get<std::uint32_t>(info, "reset-reason"), 3u);
    EXPECT_EQ(get<std::uint32_t>(info, "reset-flags"), 1u);
    EXPECT_EQ(get<std::uint32_t>(info, "flags"), 2u);
}

TEST(EventInfo, OnlyWhatTheKernelSent)
{
    PmEvent closed;
    closed.type = proto::EVENT_CLOSED;
    closed.token = 1;
    OneInterface names;
    EXPECT_TRUE(eventInfo(closed, names).empty()) << "the token is the signal's argument, not an info key";

    PmEvent listener;
    listener.type = proto::EVENT_LISTENER_CREATED;
    listener.family = AF_INET6;
    listener.localAddress = IpAddress::parse("::ffff:10.0.1.3");
    listener.localPort = 10042;
    const EventInfo info = eventInfo(listener, names);
    EXPECT_EQ(keysOf(info), (std::set<std::string>{"family", "local-address", "local-port"}));
    EXPECT_EQ(get<std::string>(info, "local-address"), "::ffff:10.0.1.3");
}

TEST(EventInfo, InterfaceOfAnIndexThatIsGoneOrNone)
{
    OneInterface names;
    PmEvent e;
    e.type = proto::EVENT_SUB_ESTABLISHED;
    e.token = 1;
    e.ifindex = 0;
    EXPECT_EQ(get<std::string>(eventInfo(e, names), "interface"), "") << "0 = not bound to a device";
    e.ifindex = 77;
    EXPECT_EQ(get<std::string>(eventInfo(e, names), "interface"), "if77");
}

// Device names may be any bytes; a D-Bus string must be UTF-8. The label
// keeps valid UTF-8 as it is and writes every other byte as \xNN, so one
// odd name cannot make a signal (or a reply listing it) unsendable.
TEST(InterfaceLabel, BytesThatAreNotUtf8AreShownEscaped)
{
    EXPECT_EQ(utf8Shown("eth0"), "eth0");
    EXPECT_EQ(utf8Shown("w\xc3\xa4n"), "w\xc3\xa4n") << "valid two-byte UTF-8 stays";
    EXPECT_EQ(utf8Shown("\xf0\x9f\x9b\x9c"), "\xf0\x9f\x9b\x9c") << "valid four-byte UTF-8 stays";
    EXPECT_EQ(utf8Shown("v\xff"), "v\\xff");
    EXPECT_EQ(utf8Shown("a\xc3"), "a\\xc3") << "truncated sequence";
    EXPECT_EQ(utf8Shown("\xc0\xaf"), "\\xc0\\xaf") << "overlong form";
    EXPECT_EQ(utf8Shown("\xed\xa0\x80"), "\\xed\\xa0\\x80") << "surrogate";
    EXPECT_EQ(utf8Shown("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80") << "above U+10FFFF";

    class OddName : public InterfaceNames {
    public:
        std::optional<std::int32_t> indexOf(std::string_view) override { return std::nullopt; }
        std::optional<std::string> nameOf(std::int32_t) override { return std::string("v\xff"); }
    } names;
    EXPECT_EQ(interfaceLabel(names, 5), "v\\xff");
}

TEST(EventInfo, SignalOfEveryType)
{
    const std::pair<std::uint8_t, const char*> names[] = {
        {proto::EVENT_CREATED, "ConnectionCreated"},
        {proto::EVENT_ESTABLISHED, "ConnectionEstablished"},
        {proto::EVENT_CLOSED, "ConnectionClosed"},
        {proto::EVENT_ANNOUNCED, "AddressAnnounced"},
        {proto::EVENT_REMOVED, "AddressRemoved"},
        {proto::EVENT_SUB_ESTABLISHED, "SubflowEstablished"},
        {proto::EVENT_SUB_CLOSED, "SubflowClosed"},
        {proto::EVENT_SUB_PRIORITY, "SubflowPriorityChanged"},
        {proto::EVENT_LISTENER_CREATED, "ListenerCreated"},
        {proto::EVENT_LISTENER_CLOSED, "ListenerClosed"},
        {0, "UnknownEvent"},
        {4, "UnknownEvent"},
        {17, "UnknownEvent"},
        {255, "UnknownEvent"},
    };
    for (const auto& [type, name] : names) {
        EXPECT_STREQ(eventSignalName(type), name) << static_cast<int>(type);
    }
    EXPECT_TRUE(signalHasToken(proto::EVENT_SUB_PRIORITY));
    EXPECT_FALSE(signalHasToken(proto::EVENT_LISTENER_CLOSED));
    EXPECT_FALSE(signalHasToken(17)) << "UnknownEvent carries the type instead";
}

}  // namespace
}  // namespace mptcp::dbus
