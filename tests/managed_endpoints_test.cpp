// The managed interfaces' core (ManagedEndpoints) between the fake mptcp_pm
// kernel and a fake rtnetlink feed: which endpoints exist after each
// address or link change, what survives a restart, what is never touched,
// and what happens to the subflows limit. Every check reads the kernel's
// endpoint table as `ip mptcp endpoint show` would.
#include "managed_endpoints.hpp"
#include "fake_kernel.hpp"
#include "fake_route.hpp"
#include "pm_protocol.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace mptcp {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr std::int32_t kEth0 = 2;
constexpr std::int32_t kWlan0 = 3;

ManagedSettings subflow()
{
    ManagedSettings s;
    s.flags = proto::FLAG_SUBFLOW;
    return s;
}

class ManagedEndpointsTest : public ::testing::Test {
protected:
    ManagedEndpointsTest()
        : client_(kernel_),
          dir_(std::filesystem::temp_directory_path() /
               ("mptcp-managed-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name()))
    {
        std::filesystem::remove_all(dir_);
        route_.addLink(1, "lo");
        route_.addAddress(1, "127.0.0.1/8", IFA_F_PERMANENT, RT_SCOPE_HOST);
        route_.addLink(kEth0, "eth0");
        route_.addAddress(kEth0, "192.0.2.1/24", IFA_F_PERMANENT);
        route_.addAddress(kEth0, "fe80::1/64", IFA_F_PERMANENT, RT_SCOPE_LINK);
        route_.discardEvents();  // all this was there before the service
    }
    ~ManagedEndpointsTest() override { std::filesystem::remove_all(dir_); }

    std::string statePath() const { return (dir_ / "managed.state").string(); }

    // A service process: a new core on the same kernel, rtnetlink and state
    // file, as after a restart.
    ManagedEndpoints& startService(LimitsPolicy limits = {})
    {
        core_.reset();
        route_.discardEvents();  // a new socket sees only what comes after it
        core_ = std::make_unique<ManagedEndpoints>(client_, route_.dumpSocket(), route_.eventSocket(),
                                                   StateFile(statePath()), limits,
                                                   [this](journal::Priority priority, const std::string& line) {
                                                       log_.push_back(line);
                                                       priorities_.push_back(priority);
                                                   });
        const ManagedOutcome started = core_->start();
        EXPECT_FALSE(started.failure) << started.failure->what();
        return *core_;
    }

    // The kernel's table as `ip mptcp endpoint show` prints it (without
    // the trailing space): "ADDR id N flags... dev IFINDEX".
    std::vector<std::string> table() const
    {
        std::vector<std::string> out;
        for (const Endpoint& ep : kernel_.table()) {
            std::string line = ep.address.toString();
            if (ep.port != 0) {
                line += " port " + std::to_string(ep.port);
            }
            line += " id " + std::to_string(ep.id);
            for (const auto& f : flagNames(ep.flags)) {
                line += " " + f;
            }
            if (ep.ifindex != 0) {
                line += " dev " + std::to_string(ep.ifindex);
            }
            out.push_back(line);
        }
        return out;
    }

    ManagedOutcome events() { return core_->onRouteEvents(); }

    // The daemon's loop: one onRouteEvents per turn while the socket is
    // readable.
    ManagedOutcome eventsUntilQuiet()
    {
        ManagedOutcome all;
        for (int turn = 0; turn < 10000 && route_.pendingEvents() != 0; ++turn) {
            all.merge(events());
        }
        all.merge(events());  // the turn that finds the socket empty
        EXPECT_EQ(route_.pendingEvents(), 0u);
        return all;
    }

    // Address changes that do not matter to anyone, to fill the queue:
    // `pairs` add/delete pairs on wlan0 (not managed).
    void noise(int pairs)
    {
        for (int i = 0; i < pairs; ++i) {
            route_.addAddress(kWlan0, "203.0.113.7/24");
            route_.removeAddress(kWlan0, "203.0.113.7/24");
        }
    }

    std::string logText() const
    {
        std::string all;
        for (const auto& l : log_) {
            all += l + "\n";
        }
        return all;
    }

    // The admin's own endpoint, as `ip mptcp endpoint add` makes it.
    void adminAdds(const char* address, std::uint32_t flags, std::int32_t ifindex = 0)
    {
        genl::AddrSpec spec;
        spec.address = IpAddress::parse(address);
        spec.flags = flags;
        spec.ifindex = ifindex;
        client_.addAddr(spec);
    }

    testing::FakeKernel kernel_;
    PmClient client_;
    testing::FakeRoute route_;
    std::filesystem::path dir_;
    std::vector<std::string> log_;
    std::vector<journal::Priority> priorities_;  // of each line of log_
    std::unique_ptr<ManagedEndpoints> core_;
};

// ------------------------------------------------------- addresses ------

TEST_F(ManagedEndpointsTest, OneEndpointPerUsableAddressBoundToTheInterface)
{
    route_.addAddress(kEth0, "2001:db8::1/64", IFA_F_PERMANENT);
    route_.addAddress(kEth0, "169.254.7.7/16", IFA_F_PERMANENT);  // link-local, global scope by default
    ManagedEndpoints& core = startService();

    const ManagedOutcome out = core.manage("eth0", subflow());

    EXPECT_FALSE(out.failure);
    EXPECT_TRUE(out.endpointsChanged);
    EXPECT_THAT(table(), ElementsAre("192.0.2.1 id 1 subflow dev 2", "2001:db8::1 id 2 subflow dev 2"));
    EXPECT_THAT(core.managed(), ElementsAre(::testing::Pair("eth0", subflow())));
}

TEST_F(ManagedEndpointsTest, TentativeIpv6AddressGetsItsEndpointOnlyWhenDadEnds)
{
    ManagedEndpoints& core = startService();
    core.manage("eth0", subflow());
    route_.addAddress(kEth0, "2001:db8::1/64", IFA_F_TENTATIVE);

    EXPECT_FALSE(events().endpointsChanged);
    EXPECT_THAT(table(), ElementsAre("192.0.2.1 id 1 subflow dev 2"));

    route_.setAddressFlags(kEth0, "2001:db8::1/64", IFA_F_PERMANENT);  // DAD done: the kernel says it again
    EXPECT_TRUE(events().endpointsChanged);
    EXPECT_THAT(table(), ElementsAre("192.0.2.1 id 1 subflow dev 2", "2001:db8::1 id 2 subflow dev 2"));
}

TEST_F(ManagedEndpointsTest, ManagingWhileDadRunsWaitsForIt)
{
    route_.addAddress(kEth0, "2001:db8::1/64", IFA_F_TENTATIVE | IFA_F_OPTIMISTIC);
    ManagedEndpoints& core = startService();
    core.manage("eth0", subflow());
    EXPECT_THAT(table(), ElementsAre("192.0.2.1 id 1 subflow dev 2"));

    route_.setAddressFlags(kEth0, "2001:db8::1/64", IFA_F_DADFAILED | IFA_F_TENTATIVE);
    events();
    EXPECT_THAT(table(), ElementsAre("192.0.2.1 id 1 subflow dev 2"));
}

TEST_F(ManagedEndpointsTest, AddressRemovedRemovesItsEndpoint)
{
    ManagedEndpoints& core = startService();
    core.manage("eth0", subflow());
    route_.removeAddress(kEth0, "192.0.2.1/24");

    EXPECT_TRUE(events().endpointsChanged);
    EXPECT_THAT(table(), IsEmpty());
    EXPECT_THAT(core.owned(), IsEmpty());
}

TEST_F(ManagedEndpointsTest, DeprecatedAddressLosesItsEndpoint)
{
    route_.addAddress(kEth0, "2001:db8::1/64");
    ManagedEndpoints& core = startService();
    core.manage("eth0", subflow());
    route_.setAddressFlags(kEth0, "2001:db8::1/64", IFA_F_DEPRECATED);

    events();
    EXPECT_THAT(table(), ElementsAre("192.0.2.1 id 1 subflow dev 2"));
}

TEST_F(ManagedEndpointsTest, AddressReplacedMovesTheEndpoint)
{
    ManagedEndpoints& core = startService();
    core.manage("eth0", subflow());
    route_.removeAddress(kEth0, "192.0.2.1/24");
    route_.addAddress(kEth0, "192.0.2.9/24");

    EXPECT_TRUE(events().endpointsChanged);
    EXPECT_THAT(table(), ElementsAre("192.0.2.9 id 1 subflow dev 2"));
}

TEST_F(ManagedEndpointsTest, InterfaceGoneRemovesAllItsEndpointsAndTheyComeBackWithIt)
{
    route_.addAddress(kEth0, "2001:db8::1/64");
    ManagedEndpoints& core = startService();
    core.manage("eth0", subflow());
    ASSERT_EQ(table().size(), 2u);

    route_.removeLink(kEth0);
    EXPECT_TRUE(events().endpointsChanged);
    EXPECT_THAT(table(), IsEmpty());
    EXPECT_THAT(core.managed(), ElementsAre(::testing::Pair("eth0", subflow())));  // still managed, by name

    route_.addLink(7, "eth0");
    route_.addAddress(7, "198.51.100.1/24");
    EXPECT_TRUE(events().endpointsChanged);
    EXPECT_THAT(table(), ElementsAre("198.51.100.1 id 2 subflow dev 7"));
}

TEST_F(ManagedEndpointsTest, RenamedInterfaceIsNoLongerTheManagedOne)
{
    ManagedEndpoints& core = startService();
    core.manage("eth0", subflow());
    route_.renameLink(kEth0, "lan0");

    EXPECT_TRUE(events().endpointsChanged);
    EXPECT_THAT(table(), IsEmpty());
}

TEST_F(ManagedEndpointsTest, EventsOfOtherInterfacesCostNoKernelRequest)
{
    route_.addLink(kWlan0, "wlan0");
    ManagedEndpoints& core = startService();
    core.manage("eth0", subflow());
    const std::size_t dumps = kernel_.requestCount(proto::CMD_GET_ADDR);

    route_.addAddress(kWlan0, "203.0.113.5/24");
    EXPECT_FALSE(events().endpointsChanged);
    EXPECT_EQ(kernel_.requestCount(proto::CMD_GET_ADDR), dumps);
    EXPECT_THAT(table(), ElementsAre("192.0.2.1 id 1 subflow dev 2"));
}

TEST_F(ManagedEndpointsTest, FamiliesAndUniqueLocalOptionsChooseTheAddresses)
{
    route_.addAddress(kEth0, "fd00::1/64");
    route_.addAddress(kEth0, "2001:db8::1/64");
    route_.addAddress(kEth0, "2001:db8::abcd/64", IFA_F_TEMPORARY);  // privacy address
    ManagedEndpoints& core = startService();

    ManagedSettings v6 = subflow();
    v6.addresses.ipv4 = false;
    core.manage("eth0", v6);
    EXPECT_THAT(table(), ElementsAre("2001:db8::1 id 1 subflow dev 2"));

    v6.addresses.uniqueLocal = true;
    core.manage("eth0", v6);
    EXPECT_THAT(table(), ElementsAre("2001:db8::1 id 1 subflow dev 2", "fd00::1 id 2 subflow dev 2"));
}

// ------------------------------------------------- settings change ------

TEST_F(ManagedEndpointsTest, ManagingAgainWithOtherFlagsReplacesTheEndpoints)
{
    ManagedEndpoints& core = startService();
    core.manage("eth0", subflow());
    ManagedSettings backup = subflow();
    backup.flags |= proto::FLAG_BACKUP;

    EXPECT_TRUE(core.manage("eth0", backup).endpointsChanged);
    EXPECT_THAT(table(), ElementsAre("192.0.2.1 id 1 subflow backup dev 2"));
}

TEST_F(ManagedEndpointsTest, ManagingTwiceTheSameChangesNothing)
{
    ManagedEndpoints& core = startService();
    core.manage("eth0", subflow());
    const std::size_t adds = kernel_.requestCount(proto::CMD_ADD_ADDR);

    const ManagedOutcome again = core.manage("eth0", subflow());
    EXPECT_FALSE(again.endpointsChanged);
    EXPECT_FALSE(again.failure);
    EXPECT_EQ(kernel_.requestCount(proto::CMD_ADD_ADDR), adds);
    EXPECT_THAT(table(), ElementsAre("192.0.2.1 id 1 subflow dev 2"));
}

TEST_F(ManagedEndpointsTest, SignalEndpointsWithAPort)
{
    kernel_.addLocalAddress(*IpAddress::parse("192.0.2.1"));
    ManagedEndpoints& core = startService();
    ManagedSettings server;
    server.flags = proto::FLAG_SIGNAL;
    server.port = 8080;
    core.manage("eth0", server);
    EXPECT_THAT(table(), ElementsAre("192.0.2.1 port 8080 id 1 signal dev 2"));
}

TEST_F(ManagedEndpointsTest, AnInterfaceThatDoesNotExistIsRefusedAndNothingChanges)
{
    ManagedEndpoints& core = startService();
    const ManagedOutcome out = core.manage("eth9", subflow());

    ASSERT_TRUE(out.failure);
    EXPECT_EQ(out.failure->kind(), ErrorKind::InvalidArgs);
    EXPECT_THAT(out.failure->what(), HasSubstr("\"eth9\""));
    EXPECT_THAT(core.managed(), IsEmpty());
    EXPECT_THAT(table(), IsEmpty());
    EXPECT_FALSE(std::filesystem::exists(statePath()));
}

TEST_F(ManagedEndpointsTest, AnInterfaceCreatedJustBeforeTheCallIsKnown)
{
    ManagedEndpoints& core = startService();
    route_.addLink(kWlan0, "wlan0");
    route_.addAddress(kWlan0, "203.0.113.5/24");  // events not read yet

    EXPECT_FALSE(core.manage("wlan0", subflow()).failure);
    EXPECT_THAT(table(), ElementsAre("203.0.113.5 id 1 subflow dev 3"));
}

TEST_F(ManagedEndpointsTest, AFullTableIsReportedAndTheInterfaceStaysManaged)
{
    for (int i = 1; i <= 8; ++i) {
        adminAdds(("10.0.0." + std::to_string(i)).c_str(), proto::FLAG_SUBFLOW);
    }
    ManagedEndpoints& core = startService();
    const ManagedOutcome out = core.manage("eth0", subflow());

    ASSERT_TRUE(out.failure);
    EXPECT_EQ(out.failure->kind(), ErrorKind::LimitReached);
    EXPECT_THAT(out.failure->what(), HasSubstr("192.0.2.1"));
    EXPECT_THAT(out.failure->what(), HasSubstr("stays managed"));
    EXPECT_EQ(core.managed().count("eth0"), 1u);

    // Room again: the next change of the interface brings the endpoint.
    genl::AddrSpec one;
    one.id = 8;
    client_.delAddr(one);
    route_.setAddressFlags(kEth0, "192.0.2.1/24", IFA_F_PERMANENT | IFA_F_NOPREFIXROUTE);
    EXPECT_FALSE(events().failure);
    EXPECT_EQ(table().size(), 8u);
    EXPECT_THAT(table(), ::testing::Contains("192.0.2.1 id 8 subflow dev 2"));
}

TEST_F(ManagedEndpointsTest, SettingsTheKernelRefusesAreUndone)
{
    ManagedEndpoints& core = startService();
    core.manage("eth0", subflow());
    ManagedSettings server;
    server.flags = proto::FLAG_SIGNAL;
    server.port = 8080;  // a listener on 192.0.2.1:8080, which the kernel cannot open here

    const ManagedOutcome out = core.manage("eth0", server);
    ASSERT_TRUE(out.failure);
    EXPECT_EQ(out.failure->kind(), ErrorKind::InvalidArgs);
    EXPECT_THAT(out.failure->what(), HasSubstr("create listen socket error: -99"));
    EXPECT_THAT(out.failure->what(), HasSubstr("eth0 keeps its previous settings"));
    EXPECT_THAT(core.managed(), ElementsAre(::testing::Pair("eth0", subflow())));
    EXPECT_THAT(table(), ElementsAre("192.0.2.1 id 1 subflow dev 2"));
}

// --------------------------------------------- only its own endpoints ---

TEST_F(ManagedEndpointsTest, AFlushedEndpointComesBackWhileTheInterfaceIsManaged)
{
    ManagedEndpoints& core = startService();
    core.manage("eth0", subflow());
    client_.flushAddrs();
    route_.addAddress(kEth0, "192.0.2.2/24");

    EXPECT_TRUE(events().endpointsChanged);
    EXPECT_THAT(table(), ElementsAre("192.0.2.1 id 1 subflow dev 2", "192.0.2.2 id 2 subflow dev 2"));
    EXPECT_EQ(core.owned().size(), 2u);
}

TEST_F(ManagedEndpointsTest, AnAdministratorsEndpointOnTheSameInterfaceIsLeftAlone)
{
    route_.addAddress(kEth0, "2001:db8::1/64");
    adminAdds("192.0.2.1", proto::FLAG_SIGNAL);            // same address, no device
    adminAdds("203.0.113.9", proto::FLAG_SUBFLOW, kEth0);  // same device, another address
    ManagedEndpoints& core = startService();

    core.manage("eth0", subflow());
    EXPECT_THAT(table(), ElementsAre("192.0.2.1 id 1 signal", "203.0.113.9 id 2 subflow dev 2",
                                     "2001:db8::1 id 3 subflow dev 2"));
    EXPECT_THAT(logText(), HasSubstr("192.0.2.1 (eth0): endpoint 1 already has this address and was not created by "
                                     "the service; left as it is"));

    route_.removeAddress(kEth0, "192.0.2.1/24");
    events();
    core.release("eth0");
    EXPECT_THAT(table(), ElementsAre("192.0.2.1 id 1 signal", "203.0.113.9 id 2 subflow dev 2"));
}

TEST_F(ManagedEndpointsTest, ReleaseRemovesOnlyWhatTheServiceCreated)
{
    route_.addAddress(kEth0, "2001:db8::1/64");
    ManagedEndpoints& core = startService();
    core.manage("eth0", subflow());
    adminAdds("198.51.100.7", proto::FLAG_SUBFLOW, kEth0);

    const ManagedOutcome out = core.release("eth0");
    EXPECT_TRUE(out.endpointsChanged);
    EXPECT_THAT(table(), ElementsAre("198.51.100.7 id 3 subflow dev 2"));
    EXPECT_THAT(core.managed(), IsEmpty());
}

TEST_F(ManagedEndpointsTest, ReleasingWhatIsNotManagedChangesNothing)
{
    adminAdds("192.0.2.1", proto::FLAG_SUBFLOW, kEth0);
    ManagedEndpoints& core = startService();
    const ManagedOutcome out = core.release("eth0");
    EXPECT_FALSE(out.failure);
    EXPECT_FALSE(out.endpointsChanged);
    EXPECT_THAT(table(), ElementsAre("192.0.2.1 id 1 subflow dev 2"));
    EXPECT_FALSE(std::filesystem::exists(statePath()));
}

TEST_F(ManagedEndpointsTest, AnEndpointDeletedBySomeoneElseIsForgottenNotFought)
{
    ManagedEndpoints& core = startService();
    core.manage("eth0", subflow());
    genl::AddrSpec id1;
    id1.id = 1;
    client_.delAddr(id1);
    adminAdds("192.0.2.1", proto::FLAG_SIGNAL);  // the admin wants it otherwise

    route_.addAddress(kEth0, "192.0.2.2/24");
    events();
    EXPECT_THAT(table(), ElementsAre("192.0.2.1 id 1 signal", "192.0.2.2 id 2 subflow dev 2"));
    core.release("eth0");
    EXPECT_THAT(table(), ElementsAre("192.0.2.1 id 1 signal"));
}

TEST_F(ManagedEndpointsTest, TheKernelsImplicitEntryIsReplaced)
{
    const std::uint8_t implicit = kernel_.addImplicitEndpoint(*IpAddress::parse("192.0.2.1"));
    ManagedEndpoints& core = startService();
    core.manage("eth0", subflow());
    EXPECT_THAT(table(), ElementsAre("192.0.2.1 id " + std::to_string(implicit) + " subflow dev 2"));
    core.release("eth0");
    EXPECT_THAT(table(), IsEmpty());
}

TEST_F(ManagedEndpointsTest, OneAddressOnTwoManagedInterfacesGetsOneEndpoint)
{
    route_.addLink(kWlan0, "wlan0");
    route_.addAddress(kWlan0, "192.0.2.1/24");
    ManagedEndpoints& core = startService();
    core.manage("eth0", subflow());
    const ManagedOutcome second = core.manage("wlan0", subflow());
    EXPECT_FALSE(second.failure);
    EXPECT_THAT(table(), ElementsAre("192.0.2.1 id 1 subflow dev 2"));
}

// ---------------------------------------------------------- restart ----

TEST_F(ManagedEndpointsTest, ARestartNeitherOrphansNorDuplicates)
{
    route_.addAddress(kEth0, "2001:db8::1/64");
    ManagedSettings settings = subflow();
    settings.owner = "3f6c a%b uuid";
    startService().manage("eth0", settings);
    const auto before = table();
    const std::size_t adds = kernel_.requestCount(proto::CMD_ADD_ADDR);

    ManagedEndpoints& again = startService();
    EXPECT_EQ(table(), before);
    EXPECT_EQ(kernel_.requestCount(proto::CMD_ADD_ADDR), adds);
    EXPECT_THAT(again.managed(), ElementsAre(::testing::Pair("eth0", settings)));

    // Still its own: releasing after the restart removes them.
    EXPECT_TRUE(again.release("eth0").endpointsChanged);
    EXPECT_THAT(table(), IsEmpty());
}

TEST_F(ManagedEndpointsTest, WhatChangedWhileTheServiceWasDownIsCaughtUpAtStart)
{
    route_.addAddress(kEth0, "2001:db8::1/64");
    startService().manage("eth0", subflow());
    core_.reset();  // stopped
    route_.removeAddress(kEth0, "2001:db8::1/64");
    route_.addAddress(kEth0, "2001:db8::2/64");

    startService();
    EXPECT_THAT(table(), ElementsAre("192.0.2.1 id 1 subflow dev 2", "2001:db8::2 id 2 subflow dev 2"));
}

// SIGKILL: no goodbye, the state file as last written. Meanwhile addresses
// come and go; after the restart the endpoints equal the usable addresses,
// the survivors keep their ids and the administrator's endpoint is as it was.
TEST_F(ManagedEndpointsTest, AKillAndARestartWithAddressChangesInBetween)
{
    route_.addAddress(kEth0, "2001:db8::1/64");
    route_.addAddress(kEth0, "2001:db8::5/64");
    adminAdds("198.51.100.200", proto::FLAG_SIGNAL);
    startService().manage("eth0", subflow());
    ASSERT_THAT(table(), ElementsAre("198.51.100.200 id 1 signal", "192.0.2.1 id 2 subflow dev 2",
                                     "2001:db8::1 id 3 subflow dev 2", "2001:db8::5 id 4 subflow dev 2"));
    core_.reset();  // killed: ManagedEndpoints has no goodbye (no destructor work) to skip
    route_.removeAddress(kEth0, "2001:db8::1/64");
    route_.addAddress(kEth0, "198.51.100.9/24");

    startService();
    EXPECT_THAT(table(), ElementsAre("198.51.100.200 id 1 signal", "192.0.2.1 id 2 subflow dev 2",
                                     "2001:db8::5 id 4 subflow dev 2", "198.51.100.9 id 5 subflow dev 2"));
}

TEST_F(ManagedEndpointsTest, ARecordedIdNowHoldingAnotherAddressIsNotTakenBack)
{
    startService().manage("eth0", subflow());
    core_.reset();
    client_.flushAddrs();
    adminAdds("198.51.100.1", proto::FLAG_SUBFLOW);  // id 1 again, another address

    ManagedEndpoints& again = startService();
    EXPECT_THAT(table(), ElementsAre("198.51.100.1 id 1 subflow", "192.0.2.1 id 2 subflow dev 2"));
    again.release("eth0");
    EXPECT_THAT(table(), ElementsAre("198.51.100.1 id 1 subflow"));
}

TEST_F(ManagedEndpointsTest, TheStateFileIsWrittenAtomicallyAndOnlyOnChange)
{
    ManagedEndpoints& core = startService();
    EXPECT_FALSE(std::filesystem::exists(statePath()));
    core.manage("eth0", subflow());
    ASSERT_TRUE(std::filesystem::exists(statePath()));
    EXPECT_FALSE(std::filesystem::exists(statePath() + ".tmp"));
    const auto written = std::filesystem::last_write_time(statePath());
    std::filesystem::last_write_time(statePath(), written - std::chrono::hours(1));

    route_.addLink(kWlan0, "wlan0");
    events();
    core.manage("eth0", subflow());
    EXPECT_EQ(std::filesystem::last_write_time(statePath()), written - std::chrono::hours(1));
}

TEST_F(ManagedEndpointsTest, AStateFileOfAnotherNamespaceIsNotUsed)
{
    startService().manage("eth0", subflow());
    core_.reset();
    std::ifstream in(statePath());
    std::stringstream text;
    text << in.rdbuf();
    std::string s = text.str();
    const auto at = s.find("netns-cookie ");
    s.replace(at, s.find('\n', at) - at, "netns-cookie 1");
    std::ofstream(statePath()) << s;

    ManagedEndpoints& again = startService();
    EXPECT_THAT(again.managed(), IsEmpty());
    EXPECT_THAT(logText(), HasSubstr("belongs to another network namespace"));
    EXPECT_THAT(table(), ElementsAre("192.0.2.1 id 1 subflow dev 2"));  // not the service's: untouched
}

TEST_F(ManagedEndpointsTest, ACorruptStateFileIsReportedAndTheServiceStartsEmpty)
{
    std::filesystem::create_directories(dir_);
    std::ofstream(statePath()) << "mptcp-pathmanagerd-state 2\nnetns-cookie 5\ninterface eth0 flags=0x2\n";
    ManagedEndpoints& core = startService();
    EXPECT_THAT(core.managed(), IsEmpty());
    EXPECT_THAT(logText(), HasSubstr(statePath() + ":3: an interface line has 9 words"));
    EXPECT_FALSE(core.manage("eth0", subflow()).failure);
}

// A byte the writer never writes: the file is not trusted at all, one log
// line says why, and the endpoints it names stay (they cannot be proven to
// be the service's).
TEST_F(ManagedEndpointsTest, AStateFileWithBytesTheServiceNeverWritesIsNotUsed)
{
    startService().manage("eth0", subflow());
    EXPECT_THAT(priorities_, ::testing::Each(journal::Priority::Info)) << "what was done is info:\n" << logText();
    core_.reset();
    std::ifstream in(statePath());
    std::stringstream text;
    text << in.rdbuf();
    std::string s = text.str();
    s.insert(s.find("endpoint "), "# caf\xc3\xa9\n");
    std::ofstream(statePath()) << s;

    const std::size_t before = log_.size();
    ManagedEndpoints& again = startService();
    EXPECT_THAT(again.managed(), IsEmpty());
    ASSERT_GT(log_.size(), before);
    EXPECT_THAT(log_[before], HasSubstr("byte 0xc3, which the service never writes"));
    EXPECT_THAT(log_[before], HasSubstr(statePath() + ":"));
    EXPECT_EQ(priorities_[before], journal::Priority::Warning) << "a state file not used is a warning";
    EXPECT_THAT(table(), ElementsAre("192.0.2.1 id 1 subflow dev 2"));
    EXPECT_THAT(again.release("eth0").endpointsChanged, false);
    EXPECT_THAT(table(), ElementsAre("192.0.2.1 id 1 subflow dev 2"));
}

TEST_F(ManagedEndpointsTest, TheStateFileIsPrivateAndNeverWrittenThroughALink)
{
    // The service makes the directory: 0700.
    startService().manage("eth0", subflow());
    EXPECT_EQ(std::filesystem::status(dir_).permissions() & std::filesystem::perms::all,
              std::filesystem::perms::owner_all);

    // A link where the temporary file goes is removed, never written through.
    const auto victim = dir_ / "victim";
    std::ofstream(victim) << "precious\n";
    std::filesystem::create_symlink(victim, statePath() + ".tmp");
    ManagedSettings backup = subflow();
    backup.flags |= proto::FLAG_BACKUP;
    EXPECT_FALSE(core_->manage("eth0", backup).failure);
    std::ifstream in(victim);
    std::string kept;
    std::getline(in, kept);
    EXPECT_EQ(kept, "precious");
    EXPECT_FALSE(std::filesystem::is_symlink(statePath()));

    // A state file replaced by a link is not followed.
    std::filesystem::remove(statePath());
    std::filesystem::create_symlink(victim, statePath());
    startService();
    EXPECT_THAT(logText(), HasSubstr(statePath() + " is a symbolic link"));
}

TEST_F(ManagedEndpointsTest, AStateFileThatCannotBeWrittenIsTheCallersError)
{
    std::filesystem::create_directories(dir_ / "managed.state");  // a directory: rename fails
    ManagedEndpoints& core = startService();
    const ManagedOutcome out = core.manage("eth0", subflow());
    ASSERT_TRUE(out.failure);
    EXPECT_EQ(out.failure->kind(), ErrorKind::Failed);
    EXPECT_THAT(out.failure->what(), HasSubstr("a restart of the service would forget this change"));
    EXPECT_THAT(table(), ElementsAre("192.0.2.1 id 1 subflow dev 2"));
}

// ------------------------------------------------------ lost events -----

TEST_F(ManagedEndpointsTest, LostEventsAreRecoveredByDumpingAgain)
{
    ManagedEndpoints& core = startService();
    core.manage("eth0", subflow());
    route_.overflow();  // ENOBUFS: none of what follows is told
    route_.addAddress(kEth0, "2001:db8::1/64");
    route_.removeAddress(kEth0, "192.0.2.1/24");
    const std::size_t dumps = route_.dumpRequests();

    EXPECT_TRUE(events().endpointsChanged);
    EXPECT_EQ(route_.dumpRequests(), dumps + 2);  // links, addresses
    EXPECT_THAT(table(), ElementsAre("2001:db8::1 id 1 subflow dev 2"));
    EXPECT_THAT(logText(), HasSubstr("events were lost"));
}

// The kernel keeps delivering what it queued before the gap after saying
// ENOBUFS: those events are older than the dump and must not be applied on
// top of it. Here the last ones before the gap are meaningful (an address
// added, another deleted) and the gap undoes both.
TEST_F(ManagedEndpointsTest, EventsQueuedBeforeAnOverrunAreNotAppliedOverTheDump)
{
    route_.addLink(kWlan0, "wlan0");
    adminAdds("198.51.100.200", proto::FLAG_SIGNAL);  // the administrator's own
    ManagedEndpoints& core = startService();
    core.manage("eth0", subflow());
    noise(200);
    route_.addAddress(kEth0, "2001:db8::1/64");
    route_.removeAddress(kEth0, "192.0.2.1/24");
    route_.overflow();
    route_.removeAddress(kEth0, "2001:db8::1/64");  // lost
    route_.addAddress(kEth0, "192.0.2.1/24");       // lost: re-added after the gap
    const std::size_t dumps = route_.dumpRequests();

    eventsUntilQuiet();
    EXPECT_EQ(route_.dumpRequests(), dumps + 2);  // one resynchronisation: links, addresses
    EXPECT_THAT(logText(), HasSubstr("rtnetlink: dropped 402 datagram(s) queued before the overrun"));
    EXPECT_THAT(table(), ElementsAre("198.51.100.200 id 1 signal", "192.0.2.1 id 2 subflow dev 2"));

    // What comes after the overrun was read is applied as usual.
    route_.addAddress(kEth0, "2001:db8::2/64");
    EXPECT_TRUE(eventsUntilQuiet().endpointsChanged);
    EXPECT_THAT(table(), ElementsAre("198.51.100.200 id 1 signal", "192.0.2.1 id 2 subflow dev 2",
                                     "2001:db8::2 id 3 subflow dev 2"));
}

// More queued before the gap than one turn of the loop reads: the dump
// waits until all of it is gone, and then happens once.
TEST_F(ManagedEndpointsTest, ALongQueueBeforeAnOverrunIsDroppedOverSeveralTurns)
{
    route_.addLink(kWlan0, "wlan0");
    ManagedEndpoints& core = startService();
    core.manage("eth0", subflow());
    noise(1500);
    route_.removeAddress(kEth0, "192.0.2.1/24");
    route_.overflow();
    route_.addAddress(kEth0, "192.0.2.1/24");  // lost
    const std::size_t dumps = route_.dumpRequests();

    EXPECT_FALSE(events().endpointsChanged);
    EXPECT_EQ(route_.dumpRequests(), dumps);  // still dropping: a dump now would be older than the queue
    EXPECT_FALSE(eventsUntilQuiet().endpointsChanged);
    EXPECT_EQ(route_.dumpRequests(), dumps + 2);
    EXPECT_THAT(table(), ElementsAre("192.0.2.1 id 1 subflow dev 2"));
}

TEST_F(ManagedEndpointsTest, AnOverrunAroundARenameAndANewInterfaceOfTheManagedName)
{
    route_.addLink(kWlan0, "wlan0");
    adminAdds("198.51.100.200", proto::FLAG_SIGNAL);
    ManagedEndpoints& core = startService();
    core.manage("eth0", subflow());
    noise(100);
    route_.renameLink(kEth0, "lan0");
    route_.overflow();
    route_.addLink(9, "eth0");  // lost, as everything until the next read
    route_.addAddress(9, "198.51.100.1/24");
    route_.addAddress(9, "2001:db8:9::1/64");

    EXPECT_TRUE(eventsUntilQuiet().endpointsChanged);
    EXPECT_THAT(table(), ElementsAre("198.51.100.200 id 1 signal", "198.51.100.1 id 2 subflow dev 9",
                                     "2001:db8:9::1 id 3 subflow dev 9"));
    EXPECT_THAT(core.managed(), ElementsAre(::testing::Pair("eth0", subflow())));
}

TEST_F(ManagedEndpointsTest, ARenameAndANewInterfaceOfTheManagedName)
{
    route_.addLink(kWlan0, "wlan0");
    ManagedEndpoints& core = startService();
    core.manage("eth0", subflow());
    route_.renameLink(kEth0, "lan0");
    route_.addLink(9, "eth0");
    route_.addAddress(9, "198.51.100.1/24");

    EXPECT_TRUE(eventsUntilQuiet().endpointsChanged);
    EXPECT_THAT(table(), ElementsAre("198.51.100.1 id 1 subflow dev 9"));

    // The old one's index, reused by an interface of another name, is not
    // managed; and the managed name's endpoints stay with the new one.
    route_.removeLink(kEth0);
    route_.addLink(kEth0, "eth1");
    route_.addAddress(kEth0, "192.0.2.77/24");
    EXPECT_FALSE(eventsUntilQuiet().endpointsChanged);
    EXPECT_THAT(table(), ElementsAre("198.51.100.1 id 1 subflow dev 9"));
}

TEST_F(ManagedEndpointsTest, ANotificationCausedByAUserProcessIsStillTheKernels)
{
    // The real socket drops datagrams of other senders before this class
    // sees them (route_events.cpp); here: a message of a user process
    // carries that process's port id in its header, and is still the
    // kernel's notification when the kernel sent it. Nothing to filter.
    ManagedEndpoints& core = startService();
    core.manage("eth0", subflow());
    route_.queueEvent(testing::addressMessage(RTM_NEWADDR, kEth0, "198.51.100.3/24", 0, 0, 77));
    EXPECT_TRUE(events().endpointsChanged);
    EXPECT_THAT(table(), ElementsAre("192.0.2.1 id 1 subflow dev 2", "198.51.100.3 id 2 subflow dev 2"));
}

// A Wi-Fi link sends RTM_NEWLINK after RTM_NEWLINK: one reconciliation for
// the whole burst, one request for the kernel's table.
TEST_F(ManagedEndpointsTest, ABurstOfEventsIsReconciledOnce)
{
    ManagedEndpoints& core = startService();
    core.manage("eth0", subflow());
    for (int i = 0; i < 50; ++i) {
        route_.renameLink(kEth0, "eth0");
    }
    route_.addAddress(kEth0, "198.51.100.3/24");
    const std::size_t dumps = kernel_.requestCount(proto::CMD_GET_ADDR);
    EXPECT_TRUE(events().endpointsChanged);
    // One table read to plan, one to learn the new endpoint's id.
    EXPECT_EQ(kernel_.requestCount(proto::CMD_GET_ADDR), dumps + 2);
}

TEST_F(ManagedEndpointsTest, AMalformedEventIsSurvivedByDumpingAgain)
{
    ManagedEndpoints& core = startService();
    core.manage("eth0", subflow());
    route_.removeAddress(kEth0, "192.0.2.1/24");
    route_.discardEvents();
    auto bad = testing::addressMessage(RTM_NEWADDR, kEth0, "192.0.2.77/24", 0, 0);
    bad[sizeof(nlmsghdr) + sizeof(ifaddrmsg)] = 5;  // IFA_ADDRESS length 5: not an IPv4 address
    route_.queueEvent(bad);

    EXPECT_TRUE(events().endpointsChanged);
    EXPECT_THAT(table(), IsEmpty());
    EXPECT_THAT(logText(), HasSubstr("malformed rtnetlink message"));
}

TEST_F(ManagedEndpointsTest, AFailedDumpIsRetriedAtTheNextEvent)
{
    ManagedEndpoints& core = startService();
    core.manage("eth0", subflow());
    route_.overflow();
    route_.addAddress(kEth0, "2001:db8::1/64");
    route_.failDumps(ENOMEM);
    EXPECT_FALSE(events().endpointsChanged);
    EXPECT_THAT(logText(), HasSubstr("ENOMEM"));

    route_.failDumps(0);
    route_.addLink(kWlan0, "wlan0");
    EXPECT_TRUE(events().endpointsChanged);
    EXPECT_THAT(table(), ElementsAre("192.0.2.1 id 1 subflow dev 2", "2001:db8::1 id 2 subflow dev 2"));
}

// --------------------------------------------------- owners, transient --

TEST_F(ManagedEndpointsTest, ReleaseOwnerReleasesEveryInterfaceOfThatOwnerOnly)
{
    route_.addLink(kWlan0, "wlan0");
    route_.addAddress(kWlan0, "198.51.100.1/24");
    route_.addLink(9, "ppp0");
    route_.addAddress(9, "203.0.113.1/24");
    ManagedEndpoints& core = startService();
    ManagedSettings office = subflow();
    office.owner = "uuid-office";
    ManagedSettings other = subflow();
    other.owner = "uuid-other";
    core.manage("eth0", office);
    core.manage("ppp0", office);
    core.manage("wlan0", other);

    std::vector<std::string> released;
    EXPECT_TRUE(core.releaseOwner("uuid-office", released).endpointsChanged);
    EXPECT_THAT(released, ElementsAre("eth0", "ppp0"));
    EXPECT_THAT(table(), ElementsAre("198.51.100.1 id 3 subflow dev 3"));

    released.clear();
    const ManagedOutcome none = core.releaseOwner("uuid-office", released);
    EXPECT_FALSE(none.failure);
    EXPECT_FALSE(none.endpointsChanged);
    EXPECT_THAT(released, IsEmpty());
    ASSERT_TRUE(core.releaseOwner("", released).failure);
    EXPECT_EQ(core.releaseOwner("", released).failure->kind(), ErrorKind::InvalidArgs);
}

TEST_F(ManagedEndpointsTest, ATransientInterfaceIsNoLongerManagedOnceItIsGone)
{
    route_.addLink(kWlan0, "wlan0");
    ManagedEndpoints& core = startService();
    ManagedSettings settings = subflow();
    settings.transient = true;
    settings.source = "built-in for ethernet";
    core.manage("eth0", settings);
    core.manage("wlan0", subflow());
    route_.removeLink(kEth0);
    route_.removeLink(kWlan0);
    EXPECT_TRUE(events().endpointsChanged);
    EXPECT_THAT(core.managed(), ElementsAre(::testing::Pair("wlan0", subflow())));  // by name: waits

    route_.addLink(8, "eth0");
    route_.addAddress(8, "198.51.100.8/24");
    EXPECT_FALSE(events().endpointsChanged);
    EXPECT_THAT(table(), IsEmpty());
}

TEST_F(ManagedEndpointsTest, ATransientInterfaceGoneWhileTheServiceWasDownEndsAtStart)
{
    ManagedSettings settings = subflow();
    settings.transient = true;
    startService().manage("eth0", settings);
    core_.reset();
    route_.removeLink(kEth0);
    EXPECT_THAT(startService().managed(), IsEmpty());
}

// ------------------------------------------------ declared interfaces ---

class DeclaredInterfacesTest : public ManagedEndpointsTest {
protected:
    std::string configPath() const { return (dir_ / "pathmanager.conf").string(); }
    void writeConfig(const std::string& text)
    {
        std::filesystem::create_directories(dir_);
        std::ofstream(configPath()) << text;
    }
    bool load()
    {
        ManagedOutcome out;
        return core_->loadDeclared(configPath(), out);
    }
    // As the daemon starts: the file first, then the state and the kernel.
    ManagedEndpoints& startWithConfig()
    {
        core_.reset();
        route_.discardEvents();
        core_ = std::make_unique<ManagedEndpoints>(client_, route_.dumpSocket(), route_.eventSocket(),
                                                   StateFile(statePath()), LimitsPolicy{},
                                                   [this](journal::Priority priority, const std::string& line) {
                                                       log_.push_back(line);
                                                       priorities_.push_back(priority);
                                                   });
        ManagedOutcome out;
        core_->loadDeclared(configPath(), out);
        out.merge(core_->start());
        EXPECT_FALSE(out.failure) << out.failure->what();
        return *core_;
    }
};

TEST_F(DeclaredInterfacesTest, ADeclaredInterfaceGetsItsEndpointsAtStartAndAfterAReload)
{
    route_.addLink(kWlan0, "wlan0");
    route_.addAddress(kWlan0, "198.51.100.1/24");
    adminAdds("203.0.113.9", proto::FLAG_SIGNAL);
    writeConfig("[interface:eth*]\nflags=subflow\n");
    ManagedEndpoints& core = startWithConfig();
    EXPECT_THAT(table(), ElementsAre("203.0.113.9 id 1 signal", "192.0.2.1 id 2 subflow dev 2"));
    EXPECT_THAT(core.managed(), IsEmpty());  // calls' entries only
    ASSERT_EQ(core.declared().interfaces.size(), 1u);

    // A future interface the glob matches.
    route_.addLink(9, "eth1");
    route_.addAddress(9, "192.0.2.99/24");
    EXPECT_TRUE(events().endpointsChanged);
    EXPECT_THAT(table(), ElementsAre("203.0.113.9 id 1 signal", "192.0.2.1 id 2 subflow dev 2",
                                     "192.0.2.99 id 3 subflow dev 9"));

    // SIGHUP after an edit.
    writeConfig("[interface:wlan0]\nflags=subflow,backup\n[limits]\nsubflows=3\n");
    EXPECT_TRUE(load());
    EXPECT_THAT(table(), ElementsAre("203.0.113.9 id 1 signal", "198.51.100.1 id 3 subflow backup dev 3"));
    EXPECT_EQ(client_.getLimits().subflows, 3u);
}

TEST_F(DeclaredInterfacesTest, AFileWithMistakesIsNotAppliedAndEachMistakeIsOneLine)
{
    writeConfig("[interface:eth0]\nflags=subflow\nport=x\n[limits]\nsubflows=99\n");
    ManagedEndpoints& core = startWithConfig();
    EXPECT_THAT(table(), IsEmpty());
    EXPECT_THAT(logText(), HasSubstr(configPath() + ":3: port: \"x\" is not a port"));
    EXPECT_THAT(logText(), HasSubstr(configPath() + ":5: subflows: \"99\" is not a limit"));
    EXPECT_THAT(logText(), HasSubstr(configPath() + ": not applied (2 mistake(s)); no interface is declared"));

    // A good version, then a bad edit: the good one stays.
    writeConfig("[interface:eth0]\nflags=subflow\n");
    EXPECT_TRUE(load());
    EXPECT_THAT(table(), ElementsAre("192.0.2.1 id 1 subflow dev 2"));
    writeConfig("[interface:eth0]\nflags=\n");
    EXPECT_FALSE(load());
    EXPECT_THAT(table(), ElementsAre("192.0.2.1 id 1 subflow dev 2"));
    EXPECT_THAT(logText(), HasSubstr("the version applied before stays in effect"));
    EXPECT_EQ(core.declared().interfaces.size(), 1u);
}

TEST_F(DeclaredInterfacesTest, RemovingTheFileUndeclaresItsInterfaces)
{
    adminAdds("203.0.113.9", proto::FLAG_SIGNAL);
    writeConfig("[interface:eth0]\nflags=subflow\n");
    startWithConfig();
    ASSERT_THAT(table(), ElementsAre("203.0.113.9 id 1 signal", "192.0.2.1 id 2 subflow dev 2"));
    std::filesystem::remove(configPath());
    EXPECT_TRUE(load());
    EXPECT_THAT(table(), ElementsAre("203.0.113.9 id 1 signal"));
    EXPECT_THAT(logText(), HasSubstr(configPath() + ": no such file; no interface is declared"));
}

TEST_F(DeclaredInterfacesTest, CallsDoNotOverrideTheFile)
{
    writeConfig("[interface:eth0]\nflags=subflow\n");
    ManagedEndpoints& core = startWithConfig();
    ManagedSettings backup = subflow();
    backup.flags |= proto::FLAG_BACKUP;

    const ManagedOutcome managed = core.manage("eth0", backup);
    ASSERT_TRUE(managed.failure);
    EXPECT_EQ(managed.failure->kind(), ErrorKind::Exists);
    EXPECT_THAT(managed.failure->what(), HasSubstr("eth0 is declared in " + configPath() + " (line 1"));
    ASSERT_TRUE(core.release("eth0").failure);
    EXPECT_THAT(core.release("eth0").failure->what(), HasSubstr(configPath()));
    std::vector<std::string> released;
    EXPECT_THAT(core.releaseOwner("config", released).failure->what(), HasSubstr(configPath()));
    ManagedSettings claimsConfig = subflow();
    claimsConfig.owner = "config";
    route_.addLink(kWlan0, "wlan0");
    EXPECT_EQ(core.manage("wlan0", claimsConfig).failure->kind(), ErrorKind::InvalidArgs);
    EXPECT_THAT(table(), ElementsAre("192.0.2.1 id 1 subflow dev 2"));
}

TEST_F(DeclaredInterfacesTest, ADeclaredInterfaceTakesOverFromACallAfterAReload)
{
    route_.addAddress(kEth0, "2001:db8::1/64");
    writeConfig("");
    ManagedEndpoints& core = startWithConfig();
    core.manage("eth0", subflow());
    ASSERT_THAT(table(), ElementsAre("192.0.2.1 id 1 subflow dev 2", "2001:db8::1 id 2 subflow dev 2"));

    writeConfig("[interface:eth0]\nflags=subflow\nfamilies=ipv4\n");
    EXPECT_TRUE(load());
    EXPECT_THAT(core.managed(), IsEmpty());
    EXPECT_THAT(table(), ElementsAre("192.0.2.1 id 1 subflow dev 2"));  // survivor keeps its id

    // After a restart the file is read again; nothing is duplicated.
    startWithConfig();
    EXPECT_THAT(table(), ElementsAre("192.0.2.1 id 1 subflow dev 2"));
}

// ----------------------------------------------------------- limits -----

TEST_F(ManagedEndpointsTest, TheSubflowsLimitIsRaisedToWhatTheEndpointsNeed)
{
    client_.setLimits(0, 1);
    route_.addAddress(kEth0, "2001:db8::1/64");
    ManagedEndpoints& core = startService();
    const ManagedOutcome out = core.manage("eth0", subflow());
    EXPECT_TRUE(out.subflowsLimitChanged);
    EXPECT_EQ(kernel_.limits(), (Limits{.subflows = 2, .addAddrAccepted = 1}));
}

TEST_F(ManagedEndpointsTest, AHigherLimitAnAdministratorSetIsNeverLowered)
{
    client_.setLimits(7, 0);
    ManagedEndpoints& core = startService();
    EXPECT_FALSE(core.manage("eth0", subflow()).subflowsLimitChanged);
    core.release("eth0");
    EXPECT_EQ(kernel_.limits().subflows, 7u);
}

TEST_F(ManagedEndpointsTest, LimitsPolicyOffLeavesTheLimitsAlone)
{
    client_.setLimits(0, 0);
    ManagedEndpoints& core = startService(*LimitsPolicy::parse("off"));
    EXPECT_FALSE(core.manage("eth0", subflow()).subflowsLimitChanged);
    EXPECT_EQ(kernel_.limits().subflows, 0u);
    EXPECT_EQ(kernel_.requestCount(proto::CMD_SET_LIMITS), 1u);  // the test's own
}

TEST_F(ManagedEndpointsTest, APinnedLimitIsKeptWhileEndpointsAreManaged)
{
    ManagedEndpoints& core = startService(*LimitsPolicy::parse("5"));
    EXPECT_EQ(kernel_.limits().subflows, 2u);  // nothing managed: untouched
    core.manage("eth0", subflow());
    EXPECT_EQ(kernel_.limits().subflows, 5u);
}

TEST(LimitsPolicyTest, ParsesItsThreeForms)
{
    EXPECT_EQ(LimitsPolicy::parse("raise")->describe(), "raise");
    EXPECT_EQ(LimitsPolicy::parse("off")->describe(), "off");
    EXPECT_EQ(LimitsPolicy::parse("8")->describe(), "8");
    EXPECT_FALSE(LimitsPolicy::parse("9"));
    EXPECT_FALSE(LimitsPolicy::parse(""));
    EXPECT_FALSE(LimitsPolicy::parse("Raise"));
    EXPECT_FALSE(LimitsPolicy::parse("10"));
}

TEST(LimitsPolicyTest, RaiseCapsAtTheKernelsMaximum)
{
    const LimitsPolicy raise;
    EXPECT_EQ(raise.subflowsToSet(2, 12), 8u);
    EXPECT_EQ(raise.subflowsToSet(2, 3), 3u);
    EXPECT_EQ(raise.subflowsToSet(3, 3), std::nullopt);
    EXPECT_EQ(raise.subflowsToSet(0, 0), std::nullopt);
}

}  // namespace
}  // namespace mptcp
