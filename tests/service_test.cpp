// PathManagerService with the fake kernel below it and a mocked bus above
// it: what a D-Bus caller gets back, which signals go out, and that a
// refused call changes nothing. (Authorization happens before the service:
// polkit_authorizer_test.cpp and the bus tests.)
#include "fake_kernel.hpp"
#include "path_manager_service.hpp"
#include "pm_client.hpp"
#include "pm_protocol.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

namespace mptcp::dbus {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StrictMock;

class MockNotifier : public Notifier {
public:
    MOCK_METHOD(void, endpointsChanged, (), (override));
    MOCK_METHOD(void, propertiesChanged, (const std::vector<std::string>& names), (override));
};

// One interface, eth0 = 2, until a test removes it.
class FakeNames : public InterfaceNames {
public:
    std::optional<std::int32_t> indexOf(std::string_view name) override
    {
        return present && name == "eth0" ? std::optional<std::int32_t>(2) : std::nullopt;
    }
    std::optional<std::string> nameOf(std::int32_t index) override
    {
        return present && index == 2 ? std::optional<std::string>("eth0") : std::nullopt;
    }
    bool present = true;
};

class ServiceTest : public ::testing::Test {
protected:
    ServiceTest()
        : client_(kernel_),
          pm_(client_, names_),
          enabledFile_(std::filesystem::temp_directory_path() /
                       ("mptcp-enabled-" + std::to_string(::getpid()) + "-" +
                        ::testing::UnitTest::GetInstance()->current_test_info()->name())),
          enabled_(enabledFile_.string()),
          service_(pm_, enabled_, notifier_)
    {
        std::ofstream(enabledFile_) << "1\n";
    }
    ~ServiceTest() override { std::filesystem::remove(enabledFile_); }

    std::vector<std::string> listed()
    {
        std::vector<std::string> out;
        service_.visitEndpoints([&out](const Endpoint& ep, const std::string& interface) {
            std::string line = std::to_string(ep.id) + " " + ep.address.toString();
            if (ep.port != 0) {
                line += " port " + std::to_string(ep.port);
            }
            if (!interface.empty()) {
                line += " dev " + interface;
            }
            for (const auto& f : flagNames(ep.flags)) {
                line += " " + f;
            }
            out.push_back(line);
        });
        return out;
    }

    template <typename Fn>
    PmError refusal(Fn&& fn)
    {
        try {
            fn();
        } catch (const PmError& e) {
            return e;
        }
        ADD_FAILURE() << "the call was accepted";
        return PmError(ErrorKind::Failed, "accepted");
    }

    testing::FakeKernel kernel_;
    PmClient client_;
    FakeNames names_;
    PathManager pm_;
    std::filesystem::path enabledFile_;
    MptcpEnabledSetting enabled_;
    StrictMock<MockNotifier> notifier_;
    PathManagerService service_;
};

TEST_F(ServiceTest, AddReturnsTheChosenIdAndAnnouncesTheChange)
{
    EXPECT_CALL(notifier_, endpointsChanged()).Times(3);
    EXPECT_EQ(service_.addEndpoint("10.0.0.1", 0, "", 0, {"subflow"}), 1u);
    EXPECT_EQ(service_.addEndpoint("2001:DB8::2", 0, "eth0", 0, {"subflow", "backup"}), 2u);
    EXPECT_EQ(service_.addEndpoint("10.0.0.3", 0, "", 255, {"laminar"}), 255u);
    EXPECT_THAT(listed(),
                ElementsAre("1 10.0.0.1 subflow", "2 2001:db8::2 dev eth0 subflow backup", "255 10.0.0.3 laminar"));
}

// AddEndpoint with id 0 sends the id the kernel would choose (kept from the
// client's own requests), so that no dump is needed to learn it; the ids
// are the kernel's own, cursor rules included (the fake kernel has them).
TEST_F(ServiceTest, IdZeroGetsTheKernelsChoiceWithoutADumpOnceTheCursorIsKnown)
{
    EXPECT_CALL(notifier_, endpointsChanged()).Times(::testing::AnyNumber());
    auto dumps = [&] { return kernel_.requestCount(proto::CMD_GET_ADDR); };
    EXPECT_EQ(service_.addEndpoint("10.0.0.1", 0, "", 0, {}), 1u);
    const std::size_t afterFirst = dumps();
    EXPECT_EQ(afterFirst, 1u) << "the first one is learned from a dump";
    EXPECT_EQ(service_.addEndpoint("10.0.0.2", 0, "", 0, {}), 2u);
    EXPECT_EQ(service_.addEndpoint("10.0.0.3", 0, "", 0, {}), 3u);
    service_.deleteEndpoint(3, "");
    EXPECT_EQ(service_.addEndpoint("10.0.0.4", 0, "", 0, {}), 3u) << "a deleted id at the cursor is reused";
    service_.deleteEndpoint(1, "");
    EXPECT_EQ(service_.addEndpoint("10.0.0.5", 0, "", 0, {}), 4u) << "one below the cursor is not";
    EXPECT_EQ(service_.addEndpoint("10.0.0.6", 0, "", 50, {}), 50u);
    service_.deleteEndpoint(50, "");
    EXPECT_EQ(service_.addEndpoint("10.0.0.7", 0, "", 0, {}), 50u);
    EXPECT_EQ(service_.addEndpoint("10.0.0.8", 0, "", 0, {}), 51u);
    service_.flushEndpoints();
    EXPECT_EQ(service_.addEndpoint("10.0.0.9", 0, "", 0, {}), 1u) << "a flush resets the cursor";
    EXPECT_EQ(dumps(), afterFirst) << "no dump after the first";
    EXPECT_EQ(kernel_.nextId(), 1u);
}

TEST_F(ServiceTest, IdZeroIsStillTheEndpointsIdWhenSomeoneElseTookThePredictedOne)
{
    EXPECT_CALL(notifier_, endpointsChanged()).Times(::testing::AnyNumber());
    EXPECT_EQ(service_.addEndpoint("10.0.0.1", 0, "", 0, {}), 1u);
    // `ip mptcp endpoint add 10.0.0.2` from another program: id 2.
    PmClient ip(kernel_);
    genl::AddrSpec other;
    other.address = IpAddress::parse("10.0.0.2");
    ip.addAddr(other);
    const std::uint32_t id = service_.addEndpoint("10.0.0.3", 0, "", 0, {});
    EXPECT_EQ(id, 3u) << "the kernel's choice after all";
    EXPECT_THAT(listed(), ElementsAre("1 10.0.0.1", "2 10.0.0.2", "3 10.0.0.3"));
    EXPECT_EQ(service_.addEndpoint("10.0.0.4", 0, "", 0, {}), 4u);
}

TEST_F(ServiceTest, IdZeroErrorsAreTheKernelsAndNameNoIdWeChose)
{
    EXPECT_CALL(notifier_, endpointsChanged()).Times(::testing::AnyNumber());
    service_.addEndpoint("10.0.0.1", 0, "", 0, {});
    const PmError dup = refusal([&] { service_.addEndpoint("10.0.0.1", 0, "", 0, {}); });
    EXPECT_EQ(dup.kind(), ErrorKind::Exists);
    EXPECT_THAT(dup.what(), ::testing::Not(HasSubstr(" id 2")));
    for (int i = 2; i <= 8; ++i) {
        service_.addEndpoint("10.0.1." + std::to_string(i), 0, "", 0, {});
    }
    EXPECT_EQ(refusal([&] { service_.addEndpoint("10.0.2.1", 0, "", 0, {}); }).kind(), ErrorKind::LimitReached);
}

TEST_F(ServiceTest, ARefusedAddChangesNothingAndAnnouncesNothing)
{
    EXPECT_CALL(notifier_, endpointsChanged()).Times(1);
    service_.addEndpoint("10.0.0.1", 0, "", 0, {"subflow"});
    const auto before = listed();

    PmError dup = refusal([&] { service_.addEndpoint("::ffff:10.0.0.1", 0, "", 0, {}); });
    EXPECT_EQ(dup.kind(), ErrorKind::Exists);
    EXPECT_THAT(dup.what(), HasSubstr("too many addresses or duplicate one: -17"));

    EXPECT_EQ(refusal([&] { service_.addEndpoint("10.0.0.2", 0, "wlan9", 0, {}); }).kind(), ErrorKind::InvalidArgs);
    EXPECT_EQ(refusal([&] { service_.addEndpoint("10.0.0.2", 0, "", 1, {}); }).kind(), ErrorKind::Exists);
    EXPECT_EQ(refusal([&] { service_.addEndpoint("10.0.0.2", 0, "", 0, {"implicit"}); }).kind(),
              ErrorKind::InvalidArgs);
    EXPECT_EQ(listed(), before);
}

TEST_F(ServiceTest, TheNinthEndpointReachesTheLimit)
{
    EXPECT_CALL(notifier_, endpointsChanged()).Times(8);
    for (int i = 1; i <= 8; ++i) {
        service_.addEndpoint("10.0.0." + std::to_string(i), 0, "", 0, {});
    }
    PmError full = refusal([&] { service_.addEndpoint("10.0.0.9", 0, "", 0, {}); });
    EXPECT_EQ(full.kind(), ErrorKind::LimitReached);
    EXPECT_THAT(full.what(), HasSubstr("full"));
}

TEST_F(ServiceTest, DeleteById0LeavesTheTableAndSendsNoSignal)
{
    EXPECT_CALL(notifier_, endpointsChanged()).Times(2);  // the add, the delete by id
    service_.addEndpoint("10.0.0.1", 0, "", 0, {});
    service_.deleteEndpoint(0, "10.0.0.1");
    EXPECT_THAT(listed(), ElementsAre("1 10.0.0.1"));
    service_.deleteEndpoint(1, "");
    EXPECT_THAT(listed(), ElementsAre());
    EXPECT_EQ(refusal([&] { service_.deleteEndpoint(1, ""); }).kind(), ErrorKind::NotFound);
    EXPECT_EQ(refusal([&] { service_.deleteEndpoint(0, ""); }).kind(), ErrorKind::InvalidArgs);
    EXPECT_EQ(refusal([&] { service_.deleteEndpoint(3, "10.0.0.1"); }).kind(), ErrorKind::InvalidArgs);
}

TEST_F(ServiceTest, ChangeKeepsTheBitsItDoesNotName)
{
    EXPECT_CALL(notifier_, endpointsChanged()).Times(3);  // add, fullmesh, nobackup
    service_.addEndpoint("10.0.0.1", 0, "", 0, {"subflow", "backup"});
    service_.changeEndpoint(0, "::ffff:10.0.0.1", 0, {"fullmesh"});
    EXPECT_THAT(listed(), ElementsAre("1 10.0.0.1 subflow backup fullmesh"));
    service_.changeEndpoint(1, "", 0, {"nobackup"});
    EXPECT_THAT(listed(), ElementsAre("1 10.0.0.1 subflow fullmesh"));
    service_.changeEndpoint(1, "", 0, {"fullmesh"});  // already so: no request, no signal
    EXPECT_EQ(refusal([&] { service_.changeEndpoint(1, "10.0.0.1", 0, {}); }).kind(), ErrorKind::InvalidArgs);
    EXPECT_EQ(refusal([&] {
                  service_.changeEndpoint(1, "", 0, {"backup", "nobackup"});
              }).kind(),
              ErrorKind::InvalidArgs);
    EXPECT_EQ(refusal([&] { service_.changeEndpoint(0, "10.9.9.9", 0, {"backup"}); }).kind(), ErrorKind::NotFound);
    EXPECT_EQ(refusal([&] { service_.changeEndpoint(7, "", 0, {"backup"}); }).kind(), ErrorKind::NotFound);
}

TEST_F(ServiceTest, FullmeshOnASignalEndpointCarriesTheKernelsText)
{
    EXPECT_CALL(notifier_, endpointsChanged()).Times(1);
    service_.addEndpoint("10.0.0.1", 0, "", 0, {"signal"});
    PmError e = refusal([&] { service_.changeEndpoint(1, "", 0, {"fullmesh"}); });
    EXPECT_EQ(e.kind(), ErrorKind::InvalidArgs);
    EXPECT_THAT(e.what(), HasSubstr("invalid addr flags"));
    EXPECT_THAT(listed(), ElementsAre("1 10.0.0.1 signal"));
}

TEST_F(ServiceTest, SetLimitsAnnouncesOnlyWhatChanged)
{
    EXPECT_CALL(notifier_, propertiesChanged(ElementsAre("AddAddrAcceptedLimit")));
    service_.setLimits(2, 4);
    EXPECT_EQ(service_.getLimits(), std::make_tuple(2u, 4u));
    EXPECT_EQ(refusal([&] { service_.setLimits(9, 1); }).kind(), ErrorKind::InvalidArgs);
    EXPECT_EQ(service_.getLimits(), std::make_tuple(2u, 4u));
    EXPECT_CALL(notifier_, propertiesChanged(ElementsAre("SubflowsLimit")));
    service_.setSubflowsLimit(8);
    EXPECT_EQ(service_.subflowsLimit(), 8u);
    EXPECT_EQ(service_.addAddrAcceptedLimit(), 4u);
}

TEST_F(ServiceTest, PropertiesChangedReadsTheWrittenLimitsWithoutAskingTheKernelAgain)
{
    // The bus code fills PropertiesChanged by calling the getters.
    std::uint32_t seenSubflows = 0, seenAccepted = 0;
    EXPECT_CALL(notifier_, propertiesChanged(ElementsAre("SubflowsLimit", "AddAddrAcceptedLimit")))
        .WillOnce([&](const std::vector<std::string>&) {
            seenSubflows = service_.subflowsLimit();
            seenAccepted = service_.addAddrAcceptedLimit();
        });
    const std::size_t reads = kernel_.requestCount(proto::CMD_GET_LIMITS);
    service_.setLimits(3, 5);
    EXPECT_EQ(seenSubflows, 3u);
    EXPECT_EQ(seenAccepted, 5u);
    EXPECT_EQ(kernel_.requestCount(proto::CMD_GET_LIMITS), reads + 1) << "only the read before the write";
    // Outside an announcement the getters read the kernel, whoever changed it.
    PmClient ip(kernel_);
    ip.setLimits(1, std::nullopt);
    EXPECT_EQ(service_.subflowsLimit(), 1u);
}

TEST_F(ServiceTest, SetLimitsAnnouncesWhatItWroteWhenTheLimitsBeforeCannotBeRead)
{
    EXPECT_CALL(notifier_, propertiesChanged(ElementsAre("AddAddrAcceptedLimit")));
    service_.setLimits(2, 4);
    // The kernel cannot read the limits before (they are the same): the
    // write is made all the same, and both values are announced.
    kernel_.overrideNextReply([](std::span<const std::uint8_t> request, std::vector<testing::Datagram> replies) {
        replies.front() = testing::FakeKernel::errorReply(request, ENOMEM);
        return replies;
    });
    std::uint32_t seenSubflows = 0, seenAccepted = 0;
    EXPECT_CALL(notifier_, propertiesChanged(ElementsAre("SubflowsLimit", "AddAddrAcceptedLimit")))
        .WillOnce([&](const std::vector<std::string>&) {
            seenSubflows = service_.subflowsLimit();
            seenAccepted = service_.addAddrAcceptedLimit();
        });
    service_.setLimits(2, 4);
    EXPECT_EQ(seenSubflows, 2u);
    EXPECT_EQ(seenAccepted, 4u);
    EXPECT_EQ(service_.getLimits(), std::make_tuple(2u, 4u));
}

TEST_F(ServiceTest, EnabledReadsAndWritesTheSysctl)
{
    EXPECT_TRUE(service_.enabled());
    EXPECT_CALL(notifier_, propertiesChanged(ElementsAre("Enabled")));
    service_.setEnabled(false);
    std::string content;
    std::ifstream(enabledFile_) >> content;
    EXPECT_EQ(content, "0");
    EXPECT_FALSE(service_.enabled());
}

TEST_F(ServiceTest, AStaleInterfaceIndexShowsAsIfN)
{
    EXPECT_CALL(notifier_, endpointsChanged()).Times(1);
    service_.addEndpoint("10.0.0.1", 0, "eth0", 0, {});
    names_.present = false;  // the device went away; the kernel keeps its index
    EXPECT_THAT(listed(), ElementsAre("1 10.0.0.1 dev if2"));
}

}  // namespace
}  // namespace mptcp::dbus
