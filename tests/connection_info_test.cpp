// The Connections interface's dicts: the contract's keys and types, and
// only the keys the kernel provided. Written by the service's own writer
// into a real sd-bus message, sealed, and read back.
#include "connection_info.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sdbus-c++/Types.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>
#include <memory>
#include <set>
#include <string>

namespace mptcp::dbus {
namespace {

class NoNames final : public InterfaceNames {
public:
    std::optional<std::int32_t> indexOf(std::string_view) override { return std::nullopt; }
    std::optional<std::string> nameOf(std::int32_t index) override
    {
        return index == 2 ? std::optional<std::string>("eth0") : std::nullopt;
    }
};

using InfoDict = std::map<std::string, sdbus::Variant>;

// An sd_bus that never talks to anyone: sd-bus makes messages only on a
// started bus, and a bus started on one end of a socket pair is (its
// authentication waits forever, unread, which is all a message needs).
class OfflineBus {
public:
    OfflineBus()
    {
        int fds[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
            throw std::runtime_error("socketpair failed");
        }
        peer_ = fds[1];
        if (sd_bus_new(&bus_) < 0 || sd_bus_set_fd(bus_, fds[0], fds[0]) < 0 || sd_bus_start(bus_) < 0) {
            throw std::runtime_error("cannot start an offline sd_bus");
        }
    }
    ~OfflineBus()
    {
        sd_bus_close_unref(bus_);
        close(peer_);
    }
    OfflineBus(const OfflineBus&) = delete;
    OfflineBus& operator=(const OfflineBus&) = delete;

    // Writes with write(msg), seals, and reads the one a{sv} back.
    template <typename Write>
    InfoDict roundTrip(Write&& write)
    {
        sd_bus_message* raw = nullptr;
        if (sd_bus_message_new_signal(bus_, &raw, "/a", "a.b", "C") < 0) {
            throw std::runtime_error("cannot make a message");
        }
        const std::unique_ptr<sd_bus_message, decltype(&sd_bus_message_unref)> m(raw, &sd_bus_message_unref);
        write(m.get());  // may throw: m is dropped all the same
        EXPECT_GE(sd_bus_message_seal(m.get(), 1, 0), 0);
        EXPECT_GE(sd_bus_message_rewind(m.get(), 1), 0);
        EXPECT_STREQ(sd_bus_message_get_signature(m.get(), 1), "a{sv}");
        return readDict(m.get());
    }

private:
    static void must(int r, const char* what)
    {
        if (r < 0) {
            throw std::runtime_error(std::string("reading back: ") + what);
        }
    }
    template <typename T>
    static sdbus::Variant read(sd_bus_message* m, char type)
    {
        T value{};
        must(sd_bus_message_read_basic(m, type, &value), "a value");
        return sdbus::Variant(value);
    }
    static InfoDict readDict(sd_bus_message* m)
    {
        InfoDict dict;
        must(sd_bus_message_enter_container(m, 'a', "{sv}"), "the array");
        while (true) {
            const int r = sd_bus_message_enter_container(m, 'e', "sv");
            must(r, "an entry");
            if (r == 0) {
                break;
            }
            const char* key = nullptr;
            must(sd_bus_message_read_basic(m, 's', &key), "a key");
            char type = 0;
            const char* contents = nullptr;
            must(sd_bus_message_peek_type(m, &type, &contents), "a variant's type");
            must(sd_bus_message_enter_container(m, 'v', contents), "a variant");
            sdbus::Variant value;
            switch (contents[0]) {
                case 's': {
                    const char* text = nullptr;
                    must(sd_bus_message_read_basic(m, 's', &text), "a string");
                    value = sdbus::Variant(std::string(text));
                    break;
                }
                case 'b': {
                    int b = 0;
                    must(sd_bus_message_read_basic(m, 'b', &b), "a boolean");
                    value = sdbus::Variant(b != 0);
                    break;
                }
                case 'y':
                    value = read<std::uint8_t>(m, 'y');
                    break;
                case 'q':
                    value = read<std::uint16_t>(m, 'q');
                    break;
                case 'u':
                    value = read<std::uint32_t>(m, 'u');
                    break;
                case 't':
                    value = read<std::uint64_t>(m, 't');
                    break;
                default:
                    throw std::runtime_error(std::string("unexpected variant type ") + contents);
            }
            EXPECT_TRUE(dict.emplace(key, std::move(value)).second) << "key written twice: " << key;
            must(sd_bus_message_exit_container(m), "a variant's end");
            must(sd_bus_message_exit_container(m), "an entry's end");
        }
        must(sd_bus_message_exit_container(m), "the array's end");
        return dict;
    }

    sd_bus* bus_ = nullptr;
    int peer_ = -1;
};

InfoDict connectionInfo(const diag::Connection& c, InterfaceNames& names)
{
    OfflineBus bus;
    return bus.roundTrip([&](sd_bus_message* m) { InfoWriter(m, names).connection(c); });
}

InfoDict subflowInfo(const diag::TcpSubflow& s, InterfaceNames& names)
{
    OfflineBus bus;
    return bus.roundTrip([&](sd_bus_message* m) { InfoWriter(m, names).subflow(s); });
}

std::set<std::string> keysOf(const InfoDict& info)
{
    std::set<std::string> keys;
    for (const auto& [key, value] : info) {
        keys.insert(key);
    }
    return keys;
}

diag::SocketId socketId()
{
    diag::SocketId id;
    id.family = AF_INET6;
    id.state = 1;
    id.local = *IpAddress::parse("::ffff:127.0.0.1");
    id.remote = *IpAddress::parse("::1");
    id.localPort = 1;
    id.remotePort = 2;
    id.uid = 65534;
    return id;
}

TEST(ConnectionInfo, TodaysKernelGivesEveryKeyWithItsType)
{
    diag::Connection c;
    c.id = socketId();
    c.id.ifindex = 2;
    diag::MptcpInfo i;
    i.subflows = 1;
    i.token = 5;
    i.flags = 0;
    i.localAddrUsed = 0;
    i.localAddrMax = 1;
    i.checksum = false;
    i.retransmits = 0;
    i.bytesRetransmitted = 0;
    i.bytesSent = 10;
    i.bytesReceived = 20;
    i.bytesAcked = 10;
    i.subflowsTotal = 3;
    c.info = i;
    NoNames names;
    const InfoDict info = connectionInfo(c, names);
    EXPECT_EQ(keysOf(info), (std::set<std::string>{"family",
                                                   "local-address",
                                                   "local-port",
                                                   "remote-address",
                                                   "remote-port",
                                                   "state",
                                                   "uid",
                                                   "interface",
                                                   "subflows",
                                                   "add-addr-signal",
                                                   "add-addr-accepted",
                                                   "local-addr-used",
                                                   "local-addr-max",
                                                   "fallback",
                                                   "checksum",
                                                   "bytes-sent",
                                                   "bytes-received",
                                                   "bytes-acked",
                                                   "bytes-retransmitted",
                                                   "retransmits"}));
    EXPECT_EQ(info.at("family").get<std::uint16_t>(), AF_INET6);
    EXPECT_EQ(info.at("local-address").get<std::string>(), "::ffff:127.0.0.1");
    EXPECT_EQ(info.at("local-port").get<std::uint16_t>(), 1);
    EXPECT_EQ(info.at("state").get<std::string>(), "established");
    EXPECT_EQ(info.at("uid").get<std::uint32_t>(), 65534u);
    EXPECT_EQ(info.at("interface").get<std::string>(), "eth0");
    EXPECT_EQ(info.at("subflows").get<std::uint32_t>(), 3u) << "subflows_total wins";
    EXPECT_EQ(info.at("local-addr-used").get<std::uint32_t>(), 0u) << "a zero the kernel sent is present";
    EXPECT_EQ(info.at("fallback").get<bool>(), false);
    EXPECT_EQ(info.at("bytes-sent").get<std::uint64_t>(), 10u);
    EXPECT_EQ(info.at("retransmits").get<std::uint32_t>(), 0u);
}

TEST(ConnectionInfo, OldKernelLeavesOutWhatItDoesNotSend)
{
    diag::Connection c;
    c.id = socketId();
    diag::MptcpInfo i;
    i.subflows = 1;
    i.token = 5;
    i.flags = diag::kMptcpInfoFallback;
    c.info = i;
    NoNames names;
    const InfoDict info = connectionInfo(c, names);
    EXPECT_EQ(keysOf(info),
              (std::set<std::string>{"family", "local-address", "local-port", "remote-address", "remote-port", "state",
                                     "uid", "subflows", "add-addr-signal", "add-addr-accepted", "fallback"}));
    EXPECT_EQ(info.at("subflows").get<std::uint32_t>(), 2u) << "the additional subflows plus the initial one";
    EXPECT_EQ(info.at("fallback").get<bool>(), true);
}

TEST(ConnectionInfo, SubflowKeys)
{
    diag::TcpSubflow s;
    s.id = socketId();
    s.id.ifindex = 9;
    s.idLocal = 0;
    s.idRemote = 3;
    s.flags = diag::kSubflowBackupLocal | diag::kSubflowJoinRemote;
    s.rttUs = 50;
    s.bytesSent = 1;
    s.bytesReceived = 2;
    s.totalRetransmits = 0;
    NoNames names;
    const InfoDict info = subflowInfo(s, names);
    EXPECT_EQ(keysOf(info),
              (std::set<std::string>{"local-address", "local-port", "remote-address", "remote-port", "local-id",
                                     "remote-id", "backup", "remote-backup", "interface", "state", "rtt-us",
                                     "bytes-sent", "bytes-received", "retransmits", "join", "fully-established"}));
    EXPECT_EQ(info.at("local-id").get<std::uint8_t>(), 0);
    EXPECT_EQ(info.at("remote-id").get<std::uint8_t>(), 3);
    EXPECT_EQ(info.at("backup").get<bool>(), true);
    EXPECT_EQ(info.at("remote-backup").get<bool>(), false);
    EXPECT_EQ(info.at("join").get<bool>(), true);
    EXPECT_EQ(info.at("fully-established").get<bool>(), false);
    EXPECT_EQ(info.at("interface").get<std::string>(), "if9") << "an index no device has";
    EXPECT_EQ(info.at("rtt-us").get<std::uint32_t>(), 50u);

    diag::TcpSubflow bare;
    bare.id = socketId();
    EXPECT_EQ(keysOf(subflowInfo(bare, names)),
              (std::set<std::string>{"local-address", "local-port", "remote-address", "remote-port", "state"}));
}

// sd-bus refuses a string that is not UTF-8 (an interface name can be any
// bytes): the writer throws, which the service answers as an error.
TEST(ConnectionInfo, AValueSdBusRefusesIsThrownNotWritten)
{
    class ByteNames final : public InterfaceNames {
    public:
        std::optional<std::int32_t> indexOf(std::string_view) override { return std::nullopt; }
        std::optional<std::string> nameOf(std::int32_t) override { return std::string("et\xff"); }
    };
    diag::TcpSubflow s;
    s.id = socketId();
    s.id.ifindex = 3;
    ByteNames names;
    try {
        subflowInfo(s, names);
        ADD_FAILURE() << "a name that is not UTF-8 was written";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("cannot write the reply"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace mptcp::dbus
