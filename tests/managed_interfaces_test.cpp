// ManageInterface / ReleaseInterface / ListManagedInterfaces as the D-Bus
// side serves them, over the real core with the fake kernel and the fake
// rtnetlink: argument checks (each refusal named and changing nothing), the
// signals a caller's change and an address change send, and the error a
// kernel failure becomes.
#include "managed_interfaces.hpp"
#include "fake_kernel.hpp"
#include "fake_route.hpp"
#include "managed_options.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <linux/if_addr.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>

namespace mptcp::dbus {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StrictMock;

class MockNotifier : public Notifier {
public:
    MOCK_METHOD(void, endpointsChanged, (), (override));
    MOCK_METHOD(void, propertiesChanged, (const std::vector<std::string>& names), (override));
};

using Options = OptionMap;
using Strings = std::vector<std::string>;

class ManagedInterfacesTest : public ::testing::Test {
protected:
    ManagedInterfacesTest()
        : client_(kernel_),
          state_(std::filesystem::temp_directory_path() /
                 ("mptcp-managed-dbus-" + std::to_string(::getpid()) + "-" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name()))
    {
        route_.addLink(2, "eth0");
        route_.addAddress(2, "192.0.2.1/24");
        route_.addAddress(2, "2001:db8::1/64");
        route_.discardEvents();
        core_ = std::make_unique<ManagedEndpoints>(client_, route_.dumpSocket(), route_.eventSocket(),
                                                   StateFile(state_.string()), LimitsPolicy{},
                                                   [](journal::Priority, const std::string&) {});
        interfaces_ = std::make_unique<ManagedInterfaces>(*core_, notifier_);
        interfaces_->start();
    }
    ~ManagedInterfacesTest() override
    {
        std::filesystem::remove(state_);
        std::filesystem::remove(state_.string() + ".tmp");
    }

    // The call is refused as InvalidArgs with a message holding `part`, and
    // neither the kernel's table nor the managed set changed (the strict
    // notifier mock sees no signal).
    void expectRefused(const std::string& interface, const Strings& flags, const Options& options,
                       const std::string& part)
    {
        const auto tableBefore = kernel_.table();
        const auto managedBefore = core_->managed();
        try {
            interfaces_->manage(interface, flags, options);
            ADD_FAILURE() << "accepted: " << interface;
        } catch (const PmError& e) {
            EXPECT_EQ(e.kind(), ErrorKind::InvalidArgs) << e.what();
            EXPECT_THAT(e.what(), HasSubstr(part));
        }
        EXPECT_EQ(kernel_.table(), tableBefore);
        EXPECT_EQ(core_->managed(), managedBefore);
    }

    testing::FakeKernel kernel_;
    PmClient client_;
    testing::FakeRoute route_;
    std::filesystem::path state_;
    StrictMock<MockNotifier> notifier_;
    std::unique_ptr<ManagedEndpoints> core_;
    std::unique_ptr<ManagedInterfaces> interfaces_;
};

TEST_F(ManagedInterfacesTest, ManageAnnouncesTheNewEndpointsAndTheRaisedLimit)
{
    EXPECT_CALL(notifier_, endpointsChanged());
    interfaces_->manage("eth0", {"subflow"}, {});
    EXPECT_EQ(kernel_.table().size(), 2u);

    // A third address: the limit (2 by default) must follow.
    route_.addAddress(2, "198.51.100.1/24");
    EXPECT_CALL(notifier_, endpointsChanged());
    EXPECT_CALL(notifier_, propertiesChanged(ElementsAre("SubflowsLimit")));
    interfaces_->onRouteEvents();
    EXPECT_EQ(kernel_.limits().subflows, 3u);
}

TEST_F(ManagedInterfacesTest, ListShowsWhatWasAskedAndRoundTrips)
{
    EXPECT_CALL(notifier_, endpointsChanged());
    interfaces_->manage(
        "eth0", {"backup", "subflow"},
        {{"families", OptionValue(Strings{"ipv6"})}, {"owner", OptionValue(std::string("6b1a7e8c-uuid"))}});
    const auto listed = interfaces_->list();
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0].interface, "eth0");
    EXPECT_EQ(listed[0].flags, (Strings{"subflow", "backup"}));
    const Options& options = listed[0].options;
    EXPECT_EQ(options.at("families").get<Strings>(), Strings{"ipv6"});
    EXPECT_EQ(options.at("unique-local").get<bool>(), false);
    EXPECT_EQ(options.at("owner").get<std::string>(), "6b1a7e8c-uuid");
    EXPECT_EQ(options.count("port"), 0u);

    // What List shows, given back, is the same setting: nothing to change.
    interfaces_->manage(listed[0].interface, listed[0].flags, options);
    EXPECT_EQ(interfaces_->list()[0].options.size(), options.size());
}

TEST_F(ManagedInterfacesTest, SourceAndTransientAreEchoedByList)
{
    EXPECT_CALL(notifier_, endpointsChanged());
    interfaces_->manage("eth0", {"subflow"},
                        {{"owner", OptionValue(std::string("u-1"))},
                         {"source", OptionValue(std::string("user data of connection \"office\""))},
                         {"transient", OptionValue(true)}});
    const auto listed = interfaces_->list();
    ASSERT_EQ(listed.size(), 1u);
    const Options& options = listed[0].options;
    EXPECT_EQ(options.at("source").get<std::string>(), "user data of connection \"office\"");
    EXPECT_EQ(options.at("transient").get<bool>(), true);
    interfaces_->manage("eth0", listed[0].flags, options);  // round trip: the same settings, no signal
}

TEST_F(ManagedInterfacesTest, ReleaseOwnerReturnsTheReleasedNames)
{
    route_.addLink(3, "ppp0");
    route_.addAddress(3, "198.51.100.1/24");
    EXPECT_CALL(notifier_, endpointsChanged()).Times(3);
    EXPECT_CALL(notifier_, propertiesChanged(ElementsAre("SubflowsLimit")));  // a third endpoint
    interfaces_->manage("eth0", {"subflow"}, {{"owner", OptionValue(std::string("u-1"))}});
    interfaces_->manage("ppp0", {"subflow"}, {{"owner", OptionValue(std::string("u-1"))}});
    EXPECT_THAT(interfaces_->releaseOwner("u-1"), ElementsAre("eth0", "ppp0"));
    EXPECT_THAT(interfaces_->releaseOwner("u-1"), IsEmpty());
    EXPECT_THAT(kernel_.table(), IsEmpty());
    try {
        interfaces_->releaseOwner("");
        ADD_FAILURE() << "an empty owner was accepted";
    } catch (const PmError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::InvalidArgs);
    }
}

TEST_F(ManagedInterfacesTest, DeclaredInterfacesAreListedWithOwnerConfig)
{
    const auto conf = state_.string() + ".conf";
    std::ofstream(conf) << "[interface:eth*]\nflags=subflow\nfamilies=ipv4\n";
    EXPECT_CALL(notifier_, endpointsChanged());
    interfaces_->loadConfig(conf);
    std::filesystem::remove(conf);
    EXPECT_EQ(kernel_.table().size(), 1u);
    const auto listed = interfaces_->list();
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0].interface, "eth*");
    EXPECT_EQ(listed[0].options.at("owner").get<std::string>(), "config");
    EXPECT_EQ(listed[0].options.at("source").get<std::string>(), conf + ":1 [interface:eth*]");
    try {
        interfaces_->manage("eth0", {"backup"}, {});
        ADD_FAILURE() << "a declared interface was managed by a call";
    } catch (const PmError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Exists);
        EXPECT_THAT(e.what(), HasSubstr(conf));
    }
}

TEST_F(ManagedInterfacesTest, BadArgumentsAreRefusedByNameAndChangeNothing)
{
    expectRefused("eth0", {"subflow"}, {{"colour", OptionValue(std::string("red"))}}, "unknown option \"colour\"");
    expectRefused("eth0", {"subflow"}, {{"unique-local", OptionValue(std::string("yes"))}},
                  "option \"unique-local\" must be of type b, not \"s\"");
    expectRefused("eth0", {"subflow"}, {{"port", OptionValue(std::uint32_t{80})}}, "must be of type q");
    expectRefused("eth0", {"subflow"}, {{"families", OptionValue(Strings{"ipv5"})}}, "unknown family \"ipv5\"");
    expectRefused("eth0", {"subflow"}, {{"families", OptionValue(Strings{})}}, "at least one");
    expectRefused("eth0", {"subflow"}, {{"port", OptionValue(std::uint16_t{8080})}}, "port needs the signal");
    expectRefused("eth0", {"signal", "subflow"}, {{"port", OptionValue(std::uint16_t{8080})}}, "port needs the signal");
    expectRefused("eth0", {"subflow"}, {{"owner", OptionValue(std::string("a\nb"))}}, "control characters");
    expectRefused("eth0", {"subflow"}, {{"owner", OptionValue(std::string(300, 'x'))}}, "longer than 255");
    expectRefused("eth0", {"subflow"}, {{"source", OptionValue(std::string("a\tb"))}}, "\"source\" contains");
    expectRefused("eth0", {"subflow"}, {{"transient", OptionValue(std::string("yes"))}}, "must be of type b");
    expectRefused("eth0", {"subflow"}, {{"owner", OptionValue(std::string("config"))}}, "reserved");
    expectRefused("eth0", {"implicit"}, {}, "implicit");
    expectRefused("eth0", {"sideways"}, {}, "unknown flag \"sideways\"");
    expectRefused("eth0", {"signal", "fullmesh"}, {}, "signal and fullmesh");
    expectRefused("", {"subflow"}, {}, "interface name is required");
    expectRefused("a-very-long-interface", {"subflow"}, {}, "not an interface name");
    expectRefused("eth0/x", {"subflow"}, {}, "not an interface name");
    expectRefused("eth7", {"subflow"}, {}, "no interface named \"eth7\"");
    EXPECT_THAT(interfaces_->list(), IsEmpty());
}

TEST_F(ManagedInterfacesTest, EmptyFlagsMeanRelease)
{
    EXPECT_CALL(notifier_, endpointsChanged()).Times(2);
    interfaces_->manage("eth0", {"subflow"}, {});
    interfaces_->manage("eth0", {}, {});
    EXPECT_THAT(kernel_.table(), IsEmpty());
    EXPECT_THAT(interfaces_->list(), IsEmpty());
}

TEST_F(ManagedInterfacesTest, ReleasingTwiceIsFineAndSilent)
{
    EXPECT_CALL(notifier_, endpointsChanged()).Times(2);
    interfaces_->manage("eth0", {"subflow"}, {});
    interfaces_->release("eth0");
    interfaces_->release("eth0");   // no signal: nothing changed
    interfaces_->release("gone0");  // never managed, does not exist: fine too
    EXPECT_THAT(kernel_.table(), IsEmpty());
}

TEST_F(ManagedInterfacesTest, AKernelFailureIsTheCallersErrorAfterTheSignals)
{
    for (int i = 1; i <= 7; ++i) {
        genl::AddrSpec spec;
        spec.address = IpAddress::parse("10.0.0." + std::to_string(i));
        client_.addAddr(spec);
    }
    // Room for one of the two addresses: one endpoint added, then the table is full.
    EXPECT_CALL(notifier_, endpointsChanged());
    try {
        interfaces_->manage("eth0", {"subflow"}, {});
        ADD_FAILURE() << "a full table must be reported";
    } catch (const PmError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::LimitReached);
        EXPECT_THAT(e.what(), HasSubstr("2001:db8::1 (eth0)"));
        EXPECT_THAT(e.what(), HasSubstr("too many addresses or duplicate one: -34"));
    }
    EXPECT_EQ(kernel_.table().size(), 8u);
    EXPECT_EQ(interfaces_->list().size(), 1u);
}

TEST(ManagedOptionsTest, DefaultsAreBothFamiliesWithoutUniqueLocal)
{
    const ManagedSettings s = parseManageArguments({"subflow"}, {});
    EXPECT_TRUE(s.addresses.ipv4);
    EXPECT_TRUE(s.addresses.ipv6);
    EXPECT_FALSE(s.addresses.uniqueLocal);
    EXPECT_EQ(s.port, 0);
    EXPECT_EQ(s.owner, "");
}

TEST(ManagedOptionsTest, SignalWithAPortIsAccepted)
{
    const ManagedSettings s = parseManageArguments({"signal"}, {{"port", OptionValue(std::uint16_t{8080})}});
    EXPECT_EQ(s.port, 8080);
    EXPECT_EQ(toOptions(s).at("port").get<std::uint16_t>(), 8080);
}

}  // namespace
}  // namespace mptcp::dbus
