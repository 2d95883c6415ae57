// The service as a user meets it: the real mptcp-pathmanagerd on a private
// system bus, acting on a fresh network namespace of the real kernel, driven
// over D-Bus. Each test checks what a caller sees (results, error names and
// messages, signals) and what the kernel then holds (`ip mptcp` inside the
// namespace). Rules come from docs/dbus-api.md and docs/kernel-behaviour.md.
#include "bus_harness.hpp"

#include <gtest/gtest.h>
#include <sdbus-c++/sdbus-c++.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace mptcp::test {
namespace {

constexpr const char* kInvalidArgs = "org.freedesktop.DBus.Error.InvalidArgs";
constexpr const char* kNotFound = "org.mptcp.PathManager.Error.NotFound";
constexpr const char* kExists = "org.mptcp.PathManager.Error.Exists";
constexpr const char* kLimitReached = "org.mptcp.PathManager.Error.LimitReached";

// The kernel's extended-ack texts (docs/kernel-behaviour.md §10) that the service
// must pass on.
constexpr const char* kKernelDuplicate = "too many addresses or duplicate one: -17";
constexpr const char* kKernelIdBusy = "too many addresses or duplicate one: -16";
constexpr const char* kKernelTableFull = "too many addresses or duplicate one: -34";
constexpr const char* kKernelNotFound = "address not found";
constexpr const char* kKernelNoLocalAddress = "create listen socket error: -99";
constexpr const char* kKernelAddressInUse = "create listen socket error: -98";
constexpr const char* kKernelInvalidFlags = "invalid addr flags";

using Flags = std::vector<std::string>;

// ------------------------------------------------------------ endpoints ---

// One endpoint as the contract shows it; printable for failure messages.
struct Ep {
    std::uint32_t id = 0;
    std::string address;
    std::uint16_t port = 0;
    std::string interface;
    Flags flags;

    bool operator==(const Ep&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Ep& ep)
{
    os << "{id " << ep.id << " " << ep.address;
    if (ep.port != 0) {
        os << " port " << ep.port;
    }
    if (!ep.interface.empty()) {
        os << " dev " << ep.interface;
    }
    os << " [";
    for (std::size_t i = 0; i < ep.flags.size(); ++i) {
        os << (i ? " " : "") << ep.flags[i];
    }
    return os << "]}";
}

Ep toEp(const EndpointStruct& s)
{
    return Ep{s.get<0>(), s.get<1>(), s.get<2>(), s.get<3>(), s.get<4>()};
}

// The kernel's flag bits (docs/kernel-behaviour.md §3) in the contract's order.
constexpr std::pair<const char*, std::uint32_t> kFlagBits[] = {
    {"signal", 0x1}, {"subflow", 0x2}, {"backup", 0x4}, {"fullmesh", 0x8}, {"laminar", 0x20}, {"implicit", 0x10},
};

Flags flagNamesOf(std::uint32_t bits)
{
    Flags names;
    for (const auto& [name, bit] : kFlagBits) {
        if (bits & bit) {
            names.emplace_back(name);
        }
    }
    return names;
}

// Parses `ip mptcp endpoint show` of iproute2 6.1 (docs/kernel-behaviour.md §11):
// "ADDR [port P] id N [signal] [subflow] [backup] [fullmesh] [rawflags HH]
// [dev IF] ". ip 6.1 does not know laminar and implicit and prints them in
// rawflags; they are mapped back to names here.
std::vector<Ep> parseIpEndpointShow(const std::string& text)
{
    std::vector<Ep> table;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        std::istringstream words(line);
        Ep ep;
        std::uint32_t bits = 0;
        words >> ep.address;
        for (std::string word; words >> word;) {
            if (word == "id") {
                words >> ep.id;
            } else if (word == "port") {
                words >> ep.port;
            } else if (word == "dev") {
                words >> ep.interface;
            } else if (word == "rawflags") {
                std::string hex;
                words >> hex;
                bits |= static_cast<std::uint32_t>(std::stoul(hex, nullptr, 16));
            } else {
                const auto* known = std::find_if(std::begin(kFlagBits), std::end(kFlagBits),
                                                 [&](const auto& f) { return word == f.first; });
                if (known == std::end(kFlagBits)) {
                    ADD_FAILURE() << "unexpected word \"" << word << "\" in `ip mptcp endpoint show` line: " << line;
                    continue;
                }
                bits |= known->second;
            }
        }
        ep.flags = flagNamesOf(bits);
        table.push_back(ep);
    }
    return table;
}

// What AddEndpoint takes, by name: add({.address = "10.0.0.1", .id = 3}).
// (Every member has an initializer: GCC 12 warns about designated
// initializers that skip one without.)
struct EndpointSpec {
    std::string address{};
    std::uint16_t port = 0;
    std::string interface {
    };
    std::uint32_t id = 0;
    Flags flags{};
};

// ------------------------------------------------------------- fixture ---

// Everything a refused call must leave as it was.
struct Snapshot {
    std::vector<Ep> endpoints;
    std::tuple<std::uint32_t, std::uint32_t> limits;
    std::string kernelView;  // ip mptcp endpoint show; limits show; enabled
    std::size_t endpointsChanged = 0;
    std::size_t propertiesChanged = 0;

    bool operator==(const Snapshot&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Snapshot& s)
{
    os << "endpoints:";
    for (const auto& ep : s.endpoints) {
        os << " " << ep;
    }
    return os << "\nlimits: subflows " << std::get<0>(s.limits) << " add_addr_accepted " << std::get<1>(s.limits)
              << "\nkernel:\n"
              << s.kernelView << "EndpointsChanged seen: " << s.endpointsChanged
              << ", PropertiesChanged seen: " << s.propertiesChanged << "\n";
}

class BusServiceTest : public BusTest {
protected:
    std::uint32_t add(const EndpointSpec& spec)
    {
        return pm().AddEndpoint(spec.address, spec.port, spec.interface, spec.id, spec.flags);
    }

    std::vector<Ep> list()
    {
        std::vector<Ep> out;
        for (const auto& s : pm().ListEndpoints()) {
            out.push_back(toEp(s));
        }
        return out;
    }

    std::vector<Ep> kernelTable() { return parseIpEndpointShow(inNamespace("ip mptcp endpoint show")); }

    // The endpoint List shows for an address (none: an Ep with id 0).
    Ep listed(const std::string& address)
    {
        for (const auto& ep : list()) {
            if (ep.address == address) {
                return ep;
            }
        }
        return {};
    }

    Snapshot snapshot()
    {
        Snapshot s;
        s.endpoints = list();
        s.limits = pm().GetLimits();
        s.kernelView = inNamespace("ip mptcp endpoint show; ip mptcp limits show; cat /proc/sys/net/mptcp/enabled");
        settleSignals();
        s.endpointsChanged = pm().countOf("EndpointsChanged");
        s.propertiesChanged = pm().countOf("PropertiesChanged");
        return s;
    }

    // The call fails with errorName and a message holding every part, and
    // changes nothing: not the table, the limits or what the kernel shows,
    // and no signal was sent (snapshot() settles the signals first).
    ::testing::AssertionResult refused(const std::function<void()>& call, std::string_view errorName,
                                       std::initializer_list<std::string_view> messageParts)
    {
        const Snapshot before = snapshot();
        try {
            call();
            return ::testing::AssertionFailure() << "the call succeeded; expected " << errorName;
        } catch (const sdbus::Error& e) {
            if (e.getName() != errorName) {
                return ::testing::AssertionFailure()
                       << "got " << e.getName() << " (\"" << e.getMessage() << "\"), expected " << errorName;
            }
            for (const auto part : messageParts) {
                if (e.getMessage().find(part) == std::string::npos) {
                    return ::testing::AssertionFailure()
                           << "the message \"" << e.getMessage() << "\" does not say \"" << part << "\"";
                }
            }
        }
        const Snapshot after = snapshot();
        if (after != before) {
            return ::testing::AssertionFailure() << "a refused call changed something.\nBefore:\n"
                                                 << before << "After:\n"
                                                 << after;
        }
        return ::testing::AssertionSuccess();
    }

    // Exactly `total` EndpointsChanged have come so far.
    void expectEndpointsChangedTotal(std::size_t total)
    {
        settleSignals();
        EXPECT_EQ(pm().countOf("EndpointsChanged"), total);
    }

    // An address the kernel accepts for a port endpoint (it opens a listener
    // there, docs/kernel-behaviour.md §3 rule 5): on lo, which must be up.
    void configureLocalAddresses()
    {
        inNamespace("ip link set lo up && ip addr add 10.0.2.1/24 dev lo && ip addr add 2001:db8:2::1/64 dev lo nodad");
    }

    void addVethPair() { inNamespace("ip link add mpt0 type veth peer name mpt1"); }

    std::string ifindexOf(const std::string& device)
    {
        const std::string line = inNamespace("ip -o link show dev " + device);
        return line.substr(0, line.find(':'));
    }
};

// ------------------------------------------------------------ AddEndpoint ---

TEST_F(BusServiceTest, AddWithIdZeroReturnsTheIdTheKernelChose)
{
    const std::uint32_t first = add({.address = "10.0.0.1", .flags = {"subflow"}});
    const std::uint32_t explicitId = add({.address = "10.0.0.2", .id = 7, .flags = {"subflow"}});
    const std::uint32_t second = add({.address = "10.0.0.3", .flags = {"signal"}});

    EXPECT_EQ(explicitId, 7u);
    EXPECT_EQ(listed("10.0.0.1").id, first);
    EXPECT_EQ(listed("10.0.0.3").id, second);
    EXPECT_NE(first, 0u);
    EXPECT_NE(second, 0u);
    EXPECT_NE(second, first);
    EXPECT_NE(second, explicitId);
    EXPECT_EQ(kernelTable(), list());
}

TEST_F(BusServiceTest, ExplicitIdsOneAnd255AreKept)
{
    EXPECT_EQ(add({.address = "10.0.0.1", .id = 1, .flags = {"subflow"}}), 1u);
    EXPECT_EQ(add({.address = "10.0.0.255", .id = 255, .flags = {"signal"}}), 255u);

    EXPECT_EQ(toEp(pm().GetEndpoint(255)), (Ep{255, "10.0.0.255", 0, "", {"signal"}}));
    EXPECT_EQ(list(), (std::vector<Ep>{{1, "10.0.0.1", 0, "", {"subflow"}}, {255, "10.0.0.255", 0, "", {"signal"}}}));
    EXPECT_EQ(kernelTable(), list());
}

TEST_F(BusServiceTest, Id256IsRefused)
{
    add({.address = "10.0.0.1", .flags = {"subflow"}});
    EXPECT_TRUE(refused([&] { add({.address = "10.0.0.2", .id = 256, .flags = {"subflow"}}); }, kInvalidArgs,
                        {"256", "1..255"}));
}

TEST_F(BusServiceTest, NinthEndpointReachesTheLimit)
{
    for (int i = 1; i <= 8; ++i) {
        add({.address = "10.0.0." + std::to_string(i), .flags = {"subflow"}});
    }
    EXPECT_TRUE(
        refused([&] { add({.address = "10.0.0.9", .flags = {"subflow"}}); }, kLimitReached, {kKernelTableFull}));
    EXPECT_EQ(list().size(), 8u);
}

TEST_F(BusServiceTest, SameIpv4AddressTwiceIsRefusedWhateverTheFlags)
{
    add({.address = "10.0.0.1", .flags = {"subflow"}});
    EXPECT_TRUE(refused(
        [&] {
            add({.address = "10.0.0.1", .flags = {"signal", "backup"}});
        },
        kExists, {"10.0.0.1", kKernelDuplicate}));
}

TEST_F(BusServiceTest, Ipv6AddressIsShownCanonicalAndSpellingsAreOneAddress)
{
    const std::uint32_t id = add({.address = "2001:DB8:0:0:0:0:0:2", .flags = {"subflow"}});
    EXPECT_EQ(listed("2001:db8::2").id, id);

    EXPECT_TRUE(refused([&] { add({.address = "2001:db8::2", .flags = {"signal"}}); }, kExists,
                        {"2001:db8::2", kKernelDuplicate}));
    EXPECT_TRUE(refused([&] { add({.address = "2001:db8:0::2", .flags = {"subflow"}}); }, kExists, {kKernelDuplicate}));
}

TEST_F(BusServiceTest, Ipv4MappedAddressEqualsPlainIpv4InBothDirections)
{
    add({.address = "10.0.1.1", .flags = {"subflow"}});
    const std::uint32_t mapped = add({.address = "::ffff:10.0.1.3", .flags = {"subflow"}});
    // A mapped address stays mapped (contract, Types).
    EXPECT_EQ(listed("::ffff:10.0.1.3").id, mapped);

    EXPECT_TRUE(
        refused([&] { add({.address = "::ffff:10.0.1.1", .flags = {"subflow"}}); }, kExists, {kKernelDuplicate}));
    EXPECT_TRUE(refused([&] { add({.address = "10.0.1.3", .flags = {"subflow"}}); }, kExists, {kKernelDuplicate}));
}

TEST_F(BusServiceTest, IdInUseIsRefused)
{
    add({.address = "10.0.0.1", .id = 5, .flags = {"subflow"}});
    EXPECT_TRUE(refused([&] { add({.address = "10.0.0.2", .id = 5, .flags = {"subflow"}}); }, kExists,
                        {"id 5", kKernelIdBusy}));
}

TEST_F(BusServiceTest, PortNeedsSignalWithoutSubflow)
{
    configureLocalAddresses();
    add({.address = "10.0.0.1", .flags = {"subflow"}});
    for (const Flags& flags : {Flags{}, Flags{"subflow"}, Flags{"backup"}, Flags{"signal", "subflow"}}) {
        SCOPED_TRACE(::testing::PrintToString(flags));
        EXPECT_TRUE(refused([&] { add({.address = "10.0.2.1", .port = 8080, .flags = flags}); }, kInvalidArgs,
                            {"port", "signal"}));
    }
}

TEST_F(BusServiceTest, PortOnAnAddressNotConfiguredHereIsRefused)
{
    configureLocalAddresses();
    EXPECT_TRUE(refused([&] { add({.address = "10.0.9.9", .port = 8080, .flags = {"signal"}}); }, kInvalidArgs,
                        {"10.0.9.9", kKernelNoLocalAddress}));
}

TEST_F(BusServiceTest, PortEndpointsOnAConfiguredAddress)
{
    configureLocalAddresses();
    const std::uint32_t a = add({.address = "10.0.2.1", .port = 1001, .flags = {"signal"}});
    const std::uint32_t b = add({.address = "10.0.2.1", .port = 1002, .flags = {"signal", "backup"}});
    const std::uint32_t c = add({.address = "10.0.2.1", .flags = {"signal"}});

    EXPECT_EQ(list(), (std::vector<Ep>{{a, "10.0.2.1", 1001, "", {"signal"}},
                                       {b, "10.0.2.1", 1002, "", {"signal", "backup"}},
                                       {c, "10.0.2.1", 0, "", {"signal"}}}));
    EXPECT_EQ(kernelTable(), list());
    // The kernel's listener is already there: EADDRINUSE, not EEXIST
    // (docs/kernel-behaviour.md §3), and still "exists" to a user.
    EXPECT_TRUE(refused([&] { add({.address = "10.0.2.1", .port = 1001, .flags = {"signal"}}); }, kExists,
                        {"1001", kKernelAddressInUse}));
}

TEST_F(BusServiceTest, InterfaceNameComesBack)
{
    addVethPair();
    const std::uint32_t id = add({.address = "10.0.0.1", .interface = "mpt0", .flags = {"subflow"}});
    EXPECT_EQ(toEp(pm().GetEndpoint(id)), (Ep{id, "10.0.0.1", 0, "mpt0", {"subflow"}}));
    EXPECT_EQ(kernelTable(), list());
}

TEST_F(BusServiceTest, UnknownInterfaceIsRefused)
{
    add({.address = "10.0.0.1", .flags = {"subflow"}});
    EXPECT_TRUE(refused([&] { add({.address = "10.0.0.2", .interface = "nope0", .flags = {"subflow"}}); }, kInvalidArgs,
                        {"nope0"}));
}

TEST_F(BusServiceTest, EndpointOfADeletedInterfaceShowsItsIndex)
{
    addVethPair();
    const std::uint32_t id = add({.address = "10.0.0.1", .interface = "mpt0", .flags = {"subflow"}});
    const std::string label = "if" + ifindexOf("mpt0");
    inNamespace("ip link del mpt0");

    EXPECT_EQ(toEp(pm().GetEndpoint(id)).interface, label);
    EXPECT_EQ(list(), (std::vector<Ep>{{id, "10.0.0.1", 0, label, {"subflow"}}}));
    EXPECT_EQ(kernelTable(), list());
}

TEST_F(BusServiceTest, FlagsComeBackInTheContractsOrder)
{
    const std::uint32_t a = add({.address = "10.0.0.1", .flags = {"laminar", "backup", "subflow", "signal"}});
    const std::uint32_t b = add({.address = "10.0.0.2", .flags = {"laminar", "fullmesh", "backup", "subflow"}});

    EXPECT_EQ(toEp(pm().GetEndpoint(a)).flags, (Flags{"signal", "subflow", "backup", "laminar"}));
    EXPECT_EQ(toEp(pm().GetEndpoint(b)).flags, (Flags{"subflow", "backup", "fullmesh", "laminar"}));
    EXPECT_EQ(kernelTable(), list());
}

TEST_F(BusServiceTest, RefusedFlagsAndCombinations)
{
    add({.address = "10.0.0.1", .flags = {"subflow"}});
    EXPECT_TRUE(refused(
        [&] {
            add({.address = "10.0.0.2", .flags = {"subflow", "implicit"}});
        },
        kInvalidArgs, {"implicit"}));
    EXPECT_TRUE(refused([&] { add({.address = "10.0.0.2", .flags = {"subflow", "bogus"}}); }, kInvalidArgs, {"bogus"}));
    EXPECT_TRUE(refused(
        [&] {
            add({.address = "10.0.0.2", .flags = {"signal", "fullmesh"}});
        },
        kInvalidArgs, {"signal", "fullmesh"}));
}

TEST_F(BusServiceTest, UnparsableAddressIsRefused)
{
    add({.address = "10.0.0.1", .flags = {"subflow"}});
    for (const char* address : {"", "10.0.0.256", "10.0.0.0/24", "fe80::1%lo", "host.example"}) {
        SCOPED_TRACE(address);
        EXPECT_TRUE(refused([&] { add({.address = address, .flags = {"subflow"}}); }, kInvalidArgs, {"address"}));
    }
}

// --------------------------------------------------------- DeleteEndpoint ---

TEST_F(BusServiceTest, DeleteById)
{
    const std::uint32_t keep = add({.address = "10.0.0.1", .flags = {"subflow"}});
    const std::uint32_t gone = add({.address = "10.0.0.2", .flags = {"subflow"}});
    pm().DeleteEndpoint(gone, "");

    EXPECT_EQ(list(), (std::vector<Ep>{{keep, "10.0.0.1", 0, "", {"subflow"}}}));
    EXPECT_EQ(kernelTable(), list());
}

TEST_F(BusServiceTest, DeleteOfAnUnknownIdIsNotFound)
{
    const std::uint32_t id = add({.address = "10.0.0.1", .flags = {"subflow"}});
    EXPECT_TRUE(refused([&] { pm().DeleteEndpoint(42, ""); }, kNotFound, {"42", kKernelNotFound}));
    pm().DeleteEndpoint(id, "");
    EXPECT_TRUE(refused([&] { pm().DeleteEndpoint(id, ""); }, kNotFound, {kKernelNotFound}));
}

TEST_F(BusServiceTest, DeleteByIdTakesNoAddress)
{
    const std::uint32_t id = add({.address = "10.0.0.1", .flags = {"subflow"}});
    EXPECT_TRUE(refused([&] { pm().DeleteEndpoint(id, "10.0.0.1"); }, kInvalidArgs, {"address"}));
}

TEST_F(BusServiceTest, DeleteIdZeroNeedsAnAddress)
{
    add({.address = "10.0.0.1", .flags = {"subflow"}});
    EXPECT_TRUE(refused([&] { pm().DeleteEndpoint(0, ""); }, kInvalidArgs, {"id 0", "address"}));
}

TEST_F(BusServiceTest, DeleteIdZeroWithAnAddressLeavesTheTableAndSendsNoSignal)
{
    add({.address = "10.0.0.1", .flags = {"subflow"}});
    add({.address = "10.0.0.2", .flags = {"signal"}});
    const Snapshot before = snapshot();

    pm().DeleteEndpoint(0, "10.0.0.1");  // closes initial subflows on 10.0.0.1: there are none

    EXPECT_EQ(snapshot(), before);
}

// --------------------------------------------------------- ChangeEndpoint ---

TEST_F(BusServiceTest, ChangeById)
{
    const std::uint32_t id = add({.address = "10.0.0.1", .flags = {"subflow"}});
    pm().ChangeEndpoint(id, "", 0, {"backup"});
    EXPECT_EQ(toEp(pm().GetEndpoint(id)).flags, (Flags{"subflow", "backup"}));
    pm().ChangeEndpoint(id, "", 0, {"nobackup", "fullmesh"});
    EXPECT_EQ(toEp(pm().GetEndpoint(id)).flags, (Flags{"subflow", "fullmesh"}));
    EXPECT_EQ(kernelTable(), list());
}

TEST_F(BusServiceTest, ChangeByAddressMatchesMappedAndPlainIpv4)
{
    const std::uint32_t plain = add({.address = "10.0.1.1", .flags = {"subflow"}});
    const std::uint32_t mapped = add({.address = "::ffff:10.0.1.3", .flags = {"subflow"}});

    pm().ChangeEndpoint(0, "::ffff:10.0.1.1", 0, {"backup"});
    pm().ChangeEndpoint(0, "10.0.1.3", 0, {"fullmesh"});

    EXPECT_EQ(list(), (std::vector<Ep>{{plain, "10.0.1.1", 0, "", {"subflow", "backup"}},
                                       {mapped, "::ffff:10.0.1.3", 0, "", {"subflow", "fullmesh"}}}));
    EXPECT_EQ(kernelTable(), list());
}

TEST_F(BusServiceTest, ChangeKeepsTheBitsItDoesNotName)
{
    const std::uint32_t id = add({.address = "10.0.0.1", .flags = {"subflow", "backup"}});
    // The raw kernel request would clear backup here (docs/kernel-behaviour.md §6).
    pm().ChangeEndpoint(id, "", 0, {"fullmesh"});
    EXPECT_EQ(toEp(pm().GetEndpoint(id)).flags, (Flags{"subflow", "backup", "fullmesh"}));
    EXPECT_EQ(kernelTable(), list());

    pm().ChangeEndpoint(id, "", 0, {"nobackup"});
    EXPECT_EQ(toEp(pm().GetEndpoint(id)).flags, (Flags{"subflow", "fullmesh"}));
}

TEST_F(BusServiceTest, ChangePortOnlyNarrowsTheLookupByAddress)
{
    configureLocalAddresses();
    const std::uint32_t ported = add({.address = "10.0.2.1", .port = 1001, .flags = {"signal"}});
    const std::uint32_t portless = add({.address = "10.0.2.1", .flags = {"signal"}});

    pm().ChangeEndpoint(0, "10.0.2.1", 1001, {"backup"});
    EXPECT_EQ(list(), (std::vector<Ep>{{ported, "10.0.2.1", 1001, "", {"signal", "backup"}},
                                       {portless, "10.0.2.1", 0, "", {"signal"}}}));

    pm().ChangeEndpoint(0, "10.0.2.1", 0, {"backup"});
    EXPECT_EQ(toEp(pm().GetEndpoint(portless)).flags, (Flags{"signal", "backup"}));
    EXPECT_EQ(kernelTable(), list());
}

TEST_F(BusServiceTest, ChangeRefusesContradictionsAndAmbiguousTargets)
{
    const std::uint32_t id = add({.address = "10.0.0.1", .flags = {"subflow"}});
    EXPECT_TRUE(refused(
        [&] {
            pm().ChangeEndpoint(id, "", 0, {"backup", "nobackup"});
        },
        kInvalidArgs, {"backup", "nobackup"}));
    EXPECT_TRUE(refused(
        [&] {
            pm().ChangeEndpoint(id, "", 0, {"fullmesh", "nofullmesh"});
        },
        kInvalidArgs, {"fullmesh", "nofullmesh"}));
    EXPECT_TRUE(refused([&] { pm().ChangeEndpoint(id, "10.0.0.1", 0, {"backup"}); }, kInvalidArgs, {"id"}));
    EXPECT_TRUE(refused([&] { pm().ChangeEndpoint(0, "", 0, {"backup"}); }, kInvalidArgs, {"id"}));
    EXPECT_TRUE(refused([&] { pm().ChangeEndpoint(id, "", 0, {"signal"}); }, kInvalidArgs, {"signal"}));
}

TEST_F(BusServiceTest, FullmeshOnASignalEndpointIsRefusedWithTheKernelsText)
{
    const std::uint32_t id = add({.address = "10.0.0.1", .flags = {"signal"}});
    EXPECT_TRUE(refused([&] { pm().ChangeEndpoint(id, "", 0, {"fullmesh"}); }, kInvalidArgs, {kKernelInvalidFlags}));
}

TEST_F(BusServiceTest, ChangeOfAnUnknownEndpointIsNotFound)
{
    add({.address = "10.0.0.1", .flags = {"subflow"}});
    EXPECT_TRUE(refused([&] { pm().ChangeEndpoint(42, "", 0, {"backup"}); }, kNotFound, {"42"}));
    EXPECT_TRUE(refused([&] { pm().ChangeEndpoint(0, "10.9.9.9", 0, {"backup"}); }, kNotFound, {"10.9.9.9"}));
}

// ----------------------------------------------- GetEndpoint, Flush, List ---

TEST_F(BusServiceTest, GetEndpointOfAnUnknownIdIsNotFound)
{
    add({.address = "10.0.0.1", .id = 1, .flags = {"subflow"}});
    EXPECT_TRUE(refused([&] { pm().GetEndpoint(2); }, kNotFound, {"2", kKernelNotFound}));
}

TEST_F(BusServiceTest, FlushEmptiesTheTableKeepsTheLimitsAndCanBeRepeated)
{
    pm().SetLimits(3, 4);
    add({.address = "10.0.0.1", .id = 10, .flags = {"subflow"}});
    add({.address = "2001:db8::1", .flags = {"signal"}});
    settleSignals();
    const std::size_t signalsBefore = pm().countOf("EndpointsChanged");

    pm().FlushEndpoints();
    expectEndpointsChangedTotal(signalsBefore + 1);
    EXPECT_TRUE(list().empty());
    EXPECT_TRUE(kernelTable().empty());
    EXPECT_EQ(pm().GetLimits(), std::make_tuple(3u, 4u));

    pm().FlushEndpoints();  // an empty table: still fine
    EXPECT_TRUE(list().empty());
    // The flush reset the kernel's id cursor: the next chosen id is 1.
    EXPECT_EQ(add({.address = "10.0.0.3", .flags = {"subflow"}}), 1u);
}

// ------------------------------------------------------ limits, properties ---

TEST_F(BusServiceTest, SetLimitsTakesZeroToEight)
{
    for (std::uint32_t subflows = 0; subflows <= 8; ++subflows) {
        const std::uint32_t accepted = 8 - subflows;
        pm().SetLimits(subflows, accepted);
        EXPECT_EQ(pm().GetLimits(), std::make_tuple(subflows, accepted));
        EXPECT_EQ(inNamespace("ip mptcp limits show"),
                  "add_addr_accepted " + std::to_string(accepted) + " subflows " + std::to_string(subflows) + " \n");
    }
}

TEST_F(BusServiceTest, LimitNineIsRefusedAndNeitherLimitChanges)
{
    pm().SetLimits(3, 3);
    EXPECT_TRUE(refused([&] { pm().SetLimits(9, 4); }, kInvalidArgs, {"subflows", "9", "0..8"}));
    EXPECT_TRUE(refused([&] { pm().SetLimits(4, 9); }, kInvalidArgs, {"add_addr_accepted", "9", "0..8"}));
    EXPECT_TRUE(refused([&] { pm().SubflowsLimit(9); }, kInvalidArgs, {"9"}));
    EXPECT_TRUE(refused([&] { pm().AddAddrAcceptedLimit(9); }, kInvalidArgs, {"9"}));
    EXPECT_EQ(pm().GetLimits(), std::make_tuple(3u, 3u));
}

// The one PropertiesChanged a change caused, checked for its interface and
// changed values.
void expectPropertiesChanged(const RecordedSignal& s, const std::map<std::string, std::uint32_t>& expected)
{
    EXPECT_EQ(s.propertiesInterface, kInterface);
    std::map<std::string, std::uint32_t> values;
    for (const auto& [name, value] : s.changed) {
        values[name] = value.get<std::uint32_t>();
    }
    EXPECT_EQ(values, expected);
}

TEST_F(BusServiceTest, LimitPropertiesReadWriteAndAnnounceChanges)
{
    pm().SetLimits(2, 0);
    settleSignals();
    const std::size_t before = pm().countOf("PropertiesChanged");

    pm().SubflowsLimit(5);
    EXPECT_EQ(pm().SubflowsLimit(), 5u);
    EXPECT_EQ(pm().GetLimits(), std::make_tuple(5u, 0u));
    pm().AddAddrAcceptedLimit(6);
    EXPECT_EQ(pm().AddAddrAcceptedLimit(), 6u);
    EXPECT_EQ(pm().GetLimits(), std::make_tuple(5u, 6u));
    pm().SetLimits(1, 2);
    EXPECT_EQ(inNamespace("ip mptcp limits show"), "add_addr_accepted 2 subflows 1 \n");

    settleSignals();
    const auto all = pm().recorded();
    std::vector<RecordedSignal> changes;
    std::copy_if(all.begin(), all.end(), std::back_inserter(changes),
                 [](const RecordedSignal& s) { return s.member == "PropertiesChanged"; });
    ASSERT_EQ(changes.size(), before + 3);
    expectPropertiesChanged(changes[before], {{"SubflowsLimit", 5}});
    expectPropertiesChanged(changes[before + 1], {{"AddAddrAcceptedLimit", 6}});
    expectPropertiesChanged(changes[before + 2], {{"SubflowsLimit", 1}, {"AddAddrAcceptedLimit", 2}});
}

TEST_F(BusServiceTest, EnabledIsTheNamespacesSysctl)
{
    const auto sysctl = [&] { return inNamespace("cat /proc/sys/net/mptcp/enabled"); };
    EXPECT_TRUE(pm().Enabled());
    EXPECT_EQ(sysctl(), "1\n");

    pm().Enabled(false);
    EXPECT_EQ(sysctl(), "0\n");
    EXPECT_FALSE(pm().Enabled());

    pm().Enabled(true);
    EXPECT_EQ(sysctl(), "1\n");
    EXPECT_TRUE(pm().Enabled());

    settleSignals();
    std::vector<bool> announced;
    for (const auto& s : pm().recorded()) {
        if (s.member == "PropertiesChanged" && s.changed.count("Enabled") != 0) {
            announced.push_back(s.changed.at("Enabled").get<bool>());
        }
    }
    EXPECT_EQ(announced, (std::vector<bool>{false, true}));
}

TEST_F(BusServiceTest, VersionIsTheDaemonsAndReadOnly)
{
    const std::string version = pm().Version();
    EXPECT_FALSE(version.empty());
    EXPECT_EQ(inNamespace("\"$MPTCP_PATHMANAGERD\" --version"), "mptcp-pathmanagerd " + version + "\n");
    EXPECT_TRUE(refused([&] { pm().Set(kInterface, "Version", sdbus::Variant(std::string("9.9.9"))); },
                        "org.freedesktop.DBus.Error.PropertyReadOnly", {}));
}

// --------------------------------------------------------------- signals ---

TEST_F(BusServiceTest, EndpointsChangedFollowsEveryChangeAndNothingElse)
{
    std::size_t expected = 0;
    const std::uint32_t id = add({.address = "10.0.0.1", .flags = {"subflow"}});
    expectEndpointsChangedTotal(++expected);
    add({.address = "10.0.0.2", .flags = {"signal"}});
    expectEndpointsChangedTotal(++expected);
    pm().ChangeEndpoint(id, "", 0, {"backup"});
    expectEndpointsChangedTotal(++expected);
    pm().ChangeEndpoint(0, "10.0.0.2", 0, {"backup"});
    expectEndpointsChangedTotal(++expected);
    pm().DeleteEndpoint(id, "");
    expectEndpointsChangedTotal(++expected);

    // Neither reads, nor limits, nor "delete id 0" change the table.
    pm().ListEndpoints();
    pm().GetEndpoint(listed("10.0.0.2").id);
    pm().SetLimits(4, 4);
    pm().DeleteEndpoint(0, "10.0.0.2");
    expectEndpointsChangedTotal(expected);

    EXPECT_TRUE(refused([&] { add({.address = "10.0.0.2", .flags = {"subflow"}}); }, kExists, {kKernelDuplicate}));
    pm().FlushEndpoints();
    expectEndpointsChangedTotal(++expected);
}

// ----------------------------------------------------- robustness, contract ---

// Sends a hand-made call and returns the error it got (or fails the test if
// it succeeded).
template <typename Fill>
std::optional<sdbus::Error> rawCallError(sdbus::IProxy& proxy, const char* interface, const char* method, Fill fill)
{
    auto call = proxy.createMethodCall(interface, method);
    fill(call);
    try {
        proxy.callMethod(call);
    } catch (const sdbus::Error& e) {
        return e;
    }
    ADD_FAILURE() << method << " with a malformed call succeeded";
    return std::nullopt;
}

bool hasControlCharacters(const std::string& s)
{
    return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; });
}

TEST_F(BusServiceTest, SurvivesMalformedCalls)
{
    add({.address = "10.0.0.1", .flags = {"subflow"}});
    const Snapshot before = snapshot();
    auto& proxy = pm().rawProxy();

    // Wrong signatures never reach the service: sd-bus refuses them.
    auto e = rawCallError(proxy, kInterface, "AddEndpoint", [](sdbus::MethodCall& c) { c << std::string("10.0.0.2"); });
    EXPECT_EQ(e ? e->getName() : "", kInvalidArgs);
    e = rawCallError(proxy, kInterface, "GetEndpoint", [](sdbus::MethodCall& c) { c << std::string("1"); });
    EXPECT_EQ(e ? e->getName() : "", kInvalidArgs);
    e = rawCallError(proxy, kInterface, "SetLimits",
                     [](sdbus::MethodCall& c) { c << std::uint32_t{1} << std::uint32_t{2} << std::uint32_t{3}; });
    EXPECT_EQ(e ? e->getName() : "", kInvalidArgs);
    e = rawCallError(proxy, kInterface, "NoSuchMethod", [](sdbus::MethodCall&) {});
    EXPECT_EQ(e ? e->getName() : "", "org.freedesktop.DBus.Error.UnknownMethod");
    e = rawCallError(proxy, "org.freedesktop.DBus.Properties", "Set", [](sdbus::MethodCall& c) {
        c << std::string(kInterface) << std::string("SubflowsLimit") << sdbus::Variant(std::string("five"));
    });
    EXPECT_EQ(e ? e->getName() : "", kInvalidArgs);

    // Well-formed calls with hostile strings: refused, with a message of
    // sane size and without the control characters.
    const std::string huge(100 * 1024, '1');
    const std::vector<EndpointSpec> hostile = {
        {.address = huge, .flags = {"subflow"}},
        {.address = "10.0.0.2", .interface = std::string(100 * 1024, 'x'), .flags = {"subflow"}},
        {.address = "10.0.0.2", .flags = {std::string(100 * 1024, 'f')}},
        {.address = "10.0.0.2\n", .flags = {"subflow"}},
        {.address = "10.0.0.2", .interface = "mpt0\x1b[31m\r\x01", .flags = {"subflow"}},
        {.address = "10.0.0.2", .flags = {"sub\tflow\x7f"}},
    };
    for (const auto& spec : hostile) {
        try {
            add(spec);
            ADD_FAILURE() << "a hostile AddEndpoint succeeded";
        } catch (const sdbus::Error& error) {
            EXPECT_EQ(error.getName(), kInvalidArgs);
            EXPECT_LT(error.getMessage().size(), 1000u);
            EXPECT_FALSE(hasControlCharacters(error.getMessage())) << error.getMessage();
        }
    }
    try {
        pm().ChangeEndpoint(0, std::string(100 * 1024, ':'), 0, {"backup"});
        ADD_FAILURE() << "a hostile ChangeEndpoint succeeded";
    } catch (const sdbus::Error& error) {
        EXPECT_EQ(error.getName(), kInvalidArgs);
        EXPECT_LT(error.getMessage().size(), 1000u);
    }

    // Still there, still the same.
    EXPECT_EQ(snapshot(), before);
}

// The members of one interface in an introspection document, one line
// each: "method AddEndpoint(in s address, ..., out u assigned_id)",
// "property Enabled b readwrite", "signal EventsLost(t count)".
// Deliberately minimal: tags and attributes, no text content.
std::set<std::string> interfaceMembers(const std::string& xml, const std::string& interfaceName)
{
    std::set<std::string> members;
    bool inInterface = false;
    std::string member;  // the one being collected
    std::string args;
    std::string property;  // the one being collected
    std::string emits;
    std::size_t pos = 0;
    while ((pos = xml.find('<', pos)) != std::string::npos) {
        if (xml.compare(pos, 4, "<!--") == 0) {
            pos = xml.find("-->", pos);
            continue;
        }
        const std::size_t end = xml.find('>', pos);
        if (end == std::string::npos) {
            break;
        }
        std::string tag = xml.substr(pos + 1, end - pos - 1);
        pos = end + 1;
        if (tag.empty() || tag[0] == '!' || tag[0] == '?') {
            continue;
        }
        const bool closing = tag[0] == '/';
        const bool selfClosing = tag.back() == '/';
        std::istringstream in(closing ? tag.substr(1) : tag);
        std::string name;
        in >> name;
        std::map<std::string, std::string> attrs;
        for (std::size_t a = 0; (a = tag.find("=\"", a)) != std::string::npos;) {
            const std::size_t keyStart = tag.rfind(' ', a) + 1;
            const std::size_t valueEnd = tag.find('"', a + 2);
            attrs[tag.substr(keyStart, a - keyStart)] = tag.substr(a + 2, valueEnd - a - 2);
            a = valueEnd + 1;
        }
        if (name == "interface") {
            inInterface = !closing && attrs["name"] == interfaceName;
            continue;
        }
        if (!inInterface) {
            continue;
        }
        if (name == "property" && !closing) {
            // With its change signalling: absent means "true".
            property = "property " + attrs["name"] + " " + attrs["type"] + " " + attrs["access"];
            emits = "true";
        } else if (name == "annotation" && !property.empty() &&
                   attrs["name"] == "org.freedesktop.DBus.Property.EmitsChangedSignal") {
            emits = attrs["value"];
        } else if ((name == "method" || name == "signal") && !closing) {
            member = name + " " + attrs["name"];
            args.clear();
        } else if (name == "arg" && !member.empty()) {
            const bool isSignal = member.rfind("signal ", 0) == 0;
            const std::string direction = isSignal ? "" : (attrs.count("direction") ? attrs["direction"] : "in") + " ";
            args += (args.empty() ? "" : ", ") + direction + attrs["type"] + " " + attrs["name"];
        }
        if (name == "property" && (closing || selfClosing)) {
            members.insert(property + " emits-changed=" + emits);
            property.clear();
        }
        if ((name == "method" || name == "signal") && (closing || selfClosing)) {
            members.insert(member + "(" + args + ")");
            member.clear();
        }
    }
    return members;
}

std::string readWholeFile(const std::string& path)
{
    std::ifstream in(path);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// Every interface on the object serves exactly what its XML says: the
// daemon's vtables are written by hand, the clients' proxies are generated
// from the XML.
TEST_F(BusServiceTest, IntrospectionMatchesTheContractXml)
{
    const char* xmlDir = std::getenv("MPTCP_TEST_XML_DIR");
    ASSERT_NE(xmlDir, nullptr) << "MPTCP_TEST_XML_DIR is not set (run the test through `meson test`)";
    std::string introspection;
    pm().rawProxy()
        .callMethod("Introspect")
        .onInterface("org.freedesktop.DBus.Introspectable")
        .storeResultsTo(introspection);

    for (const std::string interface :
         {kInterface, "org.mptcp.PathManager.Userspace", "org.mptcp.PathManager.Connections"}) {
        SCOPED_TRACE(interface);
        const auto contract =
            interfaceMembers(readWholeFile(std::string(xmlDir) + "/" + interface + ".xml"), interface);
        ASSERT_FALSE(contract.empty());
        if (interface == kInterface) {
            // The parser itself, checked on lines of the contract written out.
            ASSERT_EQ(contract.count("method AddEndpoint(in s address, in q port, in s interface, in u id, in as "
                                     "flags, out u assigned_id)"),
                      1u);
            ASSERT_EQ(contract.count("property SubflowsLimit u readwrite emits-changed=false"), 1u);
        }
        const auto served = interfaceMembers(introspection, interface);

        std::vector<std::string> missing;
        std::vector<std::string> extra;
        std::set_difference(contract.begin(), contract.end(), served.begin(), served.end(),
                            std::back_inserter(missing));
        std::set_difference(served.begin(), served.end(), contract.begin(), contract.end(), std::back_inserter(extra));
        EXPECT_TRUE(missing.empty()) << "in the XML, not served: " << ::testing::PrintToString(missing);
        EXPECT_TRUE(extra.empty()) << "served, not in the XML: " << ::testing::PrintToString(extra);
    }
}

// -------------------------------------------- the kernel agrees, by table ---

struct KernelAgreementCase {
    const char* name;
    std::vector<EndpointSpec> endpoints;
};

// Names the case in gtest's output instead of dumping its bytes.
void PrintTo(const KernelAgreementCase& c, std::ostream* os)
{
    *os << c.name;
}

class KernelAgreementTest : public BusServiceTest, public ::testing::WithParamInterface<KernelAgreementCase> {};

// After adding the endpoints through D-Bus, `ip mptcp endpoint show` lists
// what ListEndpoints lists, and that is what was asked for.
TEST_P(KernelAgreementTest, IpShowsWhatListEndpointsShows)
{
    configureLocalAddresses();
    addVethPair();
    std::vector<Ep> expected;
    for (const auto& spec : GetParam().endpoints) {
        const std::uint32_t id = add(spec);
        if (spec.id != 0) {
            EXPECT_EQ(id, spec.id);
        }
        expected.push_back({id, spec.address, spec.port, spec.interface, spec.flags});
    }
    std::sort(expected.begin(), expected.end(), [](const Ep& a, const Ep& b) { return a.id < b.id; });

    EXPECT_EQ(list(), expected);
    EXPECT_EQ(kernelTable(), list());
}

const KernelAgreementCase kAgreementCases[] = {
    {"EveryFlagCombinationTheKernelTakes",
     {{.address = "10.0.0.1", .flags = {}},
      {.address = "10.0.0.2", .flags = {"backup"}},
      {.address = "10.0.0.3", .flags = {"fullmesh"}},
      {.address = "10.0.0.4", .flags = {"signal", "subflow", "backup"}},
      {.address = "10.0.0.5", .flags = {"subflow", "backup", "fullmesh"}},
      {.address = "10.0.0.6", .flags = {"signal", "laminar"}},
      {.address = "10.0.0.7", .flags = {"subflow", "laminar"}},
      {.address = "10.0.0.8", .flags = {"signal"}}}},
    {"IdsDevicesAndFamilies",
     {{.address = "10.0.0.1", .interface = "mpt0", .id = 1, .flags = {"subflow"}},
      {.address = "2001:db8::1", .interface = "mpt1", .id = 17, .flags = {"signal", "backup"}},
      {.address = "::ffff:10.0.0.3", .id = 255, .flags = {"subflow", "fullmesh"}},
      {.address = "fe80::1", .interface = "mpt0", .flags = {"subflow"}},
      {.address = "0.0.0.0", .flags = {"backup"}}}},
    {"Ports",
     {{.address = "10.0.2.1", .port = 1001, .flags = {"signal"}},
      {.address = "10.0.2.1", .port = 1002, .flags = {"signal", "backup"}},
      {.address = "10.0.2.1", .flags = {"signal", "laminar"}},
      {.address = "2001:db8:2::1", .port = 65535, .interface = "lo", .flags = {"signal"}}}},
};

INSTANTIATE_TEST_SUITE_P(Tables, KernelAgreementTest, ::testing::ValuesIn(kAgreementCases),
                         [](const ::testing::TestParamInfo<KernelAgreementCase>& info) { return info.param.name; });

}  // namespace
}  // namespace mptcp::test
