// The hook's run against GoogleMock partners: what it asks and calls, and
// what it never does (ask NetworkManager on down, call the service when the
// connection is unknown, log on events it ignores).
#include "hook_runner.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mptcp::dispatch {
namespace {

using ::testing::_;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Return;
using ::testing::Throw;

class MockSettings : public ConnectionSettingsSource {
public:
    MOCK_METHOD(ConnectionSettings, lookup, (const std::string&), (override));
};

class MockService : public PathManagerCalls {
public:
    MOCK_METHOD(CallResult, manageInterface,
                (const std::string&, const std::vector<std::string>&, const ManageOptions&), (override));
    MOCK_METHOD(CallResult, releaseInterface, (const std::string&), (override));
    MOCK_METHOD(CallResult, releaseOwner, (const std::string&), (override));
};

class MockLog : public HookLog {
public:
    MOCK_METHOD(void, line, (const std::string&), (override));
};

// A log that keeps the journal priority of each line.
class MockPriorityLog : public HookLog {
public:
    MOCK_METHOD(void, write, (journal::Priority, const std::string&), (override));
    MOCK_METHOD(void, line, (const std::string&), (override));
};

MATCHER_P2(OptionsAre, uniqueLocal, owner, "")
{
    return arg.uniqueLocal == uniqueLocal && arg.owner == owner && arg.transient &&
           arg.source == "built-in for device type \"ethernet\"";
}

CallResult releasedNames(std::vector<std::string> names)
{
    CallResult r;
    r.released = std::move(names);
    return r;
}

HookEvent event(const std::string& action)
{
    return {"eth0",
            action,
            {{"CONNECTION_UUID", "u-1"},
             {"CONNECTION_ID", "office"},
             {"CONNECTION_DBUS_PATH", "/org/freedesktop/NetworkManager/Settings/7"},
             {"DEVICE_IFACE", "eth0"},
             {"DEVICE_IP_IFACE", "eth0"}}};
}

ConnectionSettings ethernet()
{
    ConnectionSettings s;
    s.uuid = "u-1";
    s.id = "office";
    s.type = "802-3-ethernet";
    return s;
}

class HookRunner : public ::testing::Test {
protected:
    ::testing::StrictMock<MockSettings> settings_;
    ::testing::StrictMock<MockService> service_;
    ::testing::StrictMock<MockLog> log_;
    LoadedConfig config_;
};

TEST_F(HookRunner, UpAsksForTheSettingsOnceAndManagesWithTheProfilesUuid)
{
    EXPECT_CALL(settings_, lookup("/org/freedesktop/NetworkManager/Settings/7")).WillOnce(Return(ethernet()));
    EXPECT_CALL(service_, manageInterface("eth0", ElementsAre("subflow"), OptionsAre(false, "u-1")))
        .WillOnce(Return(CallResult{}));
    EXPECT_CALL(log_, line(HasSubstr("eth0 up (connection \"office\"): managed with flags subflow")));
    runHook(event("up"), config_, settings_, service_, log_);
}

TEST_F(HookRunner, DownNeverAsksNetworkManager)
{
    EXPECT_CALL(service_, releaseOwner("u-1")).WillOnce(Return(releasedNames({"eth0"})));
    EXPECT_CALL(service_, releaseInterface("eth0")).WillOnce(Return(CallResult{}));
    EXPECT_CALL(log_, line("eth0 down (connection \"office\"): released"));
    runHook(event("down"), config_, settings_, service_, log_);
}

// A modem: `up` named ppp0, `down` names the tty. The owner ties them.
TEST_F(HookRunner, DownReleasesTheConnectionsOtherInterfacesByOwner)
{
    HookEvent e = event("down");
    e.env["DEVICE_IFACE"] = "ttyUSB2";
    e.env["DEVICE_IP_IFACE"] = "ttyUSB2";
    ::testing::InSequence order;
    EXPECT_CALL(service_, releaseOwner("u-1")).WillOnce(Return(releasedNames({"ppp0"})));
    EXPECT_CALL(log_, line("ttyUSB2 down (connection \"office\"): released ppp0 too (the same connection)"));
    EXPECT_CALL(service_, releaseInterface("ttyUSB2")).WillOnce(Return(CallResult{}));
    EXPECT_CALL(log_, line("ttyUSB2 down (connection \"office\"): released"));
    runHook(e, config_, settings_, service_, log_);
}

TEST_F(HookRunner, DownWithoutAUuidReleasesTheInterfaceOnly)
{
    HookEvent e = event("down");
    e.env.erase("CONNECTION_UUID");
    EXPECT_CALL(service_, releaseInterface("eth0")).WillOnce(Return(CallResult{}));
    EXPECT_CALL(log_, line(HasSubstr("released")));
    runHook(e, config_, settings_, service_, log_);
}

TEST_F(HookRunner, UnknownConnectionMeansNoServiceCall)
{
    EXPECT_CALL(settings_, lookup(_)).WillOnce(Throw(LookupError("NetworkManager is gone")));
    EXPECT_CALL(log_, line(HasSubstr("NetworkManager is gone: nothing changed")));
    runHook(event("reapply"), config_, settings_, service_, log_);
}

TEST_F(HookRunner, IgnoredEventsAreSilent)
{
    for (const char* action : {"hostname", "connectivity-change", "pre-up", "vpn-pre-up", "bogus"}) {
        runHook(event(action), config_, settings_, service_, log_);
    }
    HookEvent noInterface = event("up");
    noInterface.interface = "";
    noInterface.env.erase("DEVICE_IFACE");
    noInterface.env.erase("DEVICE_IP_IFACE");
    runHook(noInterface, config_, settings_, service_, log_);
}

TEST_F(HookRunner, EachRunIsOneCallWhateverCameBefore)
{
    // The hook keeps no state: a second identical event makes the same one
    // call (the service makes it change nothing).
    EXPECT_CALL(settings_, lookup(_)).Times(2).WillRepeatedly(Return(ethernet()));
    EXPECT_CALL(service_, manageInterface("eth0", ElementsAre("subflow"), _))
        .Times(2)
        .WillRepeatedly(Return(CallResult{}));
    EXPECT_CALL(log_, line(_)).Times(2);
    runHook(event("up"), config_, settings_, service_, log_);
    runHook(event("up"), config_, settings_, service_, log_);
}

TEST_F(HookRunner, ConfigurationProblemComesFirstThenTheDecision)
{
    config_.problem = "/etc/mptcp-pathmanager/dispatcher.conf:3: bad";
    ::testing::InSequence order;
    EXPECT_CALL(log_, line("/etc/mptcp-pathmanager/dispatcher.conf:3: bad"));
    EXPECT_CALL(service_, releaseOwner("u-1")).WillOnce(Return(CallResult{}));
    EXPECT_CALL(service_, releaseInterface("eth0")).WillOnce(Return(CallResult{}));
    EXPECT_CALL(log_, line(HasSubstr("released")));
    runHook(event("down"), config_, settings_, service_, log_);
}

TEST_F(HookRunner, HostileNamesArePrintedHarmlessly)
{
    HookEvent e = event("down");
    e.env["DEVICE_IP_IFACE"] = "eth\n0";
    e.env["CONNECTION_ID"] = std::string(500, 'x');
    EXPECT_CALL(service_, releaseOwner("u-1")).WillOnce(Return(CallResult{}));
    EXPECT_CALL(service_, releaseInterface("eth\n0")).WillOnce(Return(CallResult{}));
    EXPECT_CALL(log_, line(::testing::AllOf(HasSubstr("eth?0 down"), ::testing::Not(HasSubstr("\n")),
                                            ::testing::SizeIs(::testing::Lt(200u)))));
    runHook(e, config_, settings_, service_, log_);
}

// What the journal files each line under (journalctl -p): a decision is
// info, a configuration problem (said on every run) a warning, a service
// that cannot be reached an error.
TEST_F(HookRunner, LinesCarryTheirJournalPriority)
{
    ::testing::StrictMock<MockPriorityLog> log;
    config_.problem = "/etc/mptcp-pathmanager/dispatcher.conf:3: bad";
    ::testing::InSequence order;
    EXPECT_CALL(log, write(journal::Priority::Warning, "/etc/mptcp-pathmanager/dispatcher.conf:3: bad"));
    EXPECT_CALL(settings_, lookup(_)).WillOnce(Return(ethernet()));
    EXPECT_CALL(service_, manageInterface("eth0", ElementsAre("subflow"), _))
        .WillOnce(Return(CallResult{false, "org.freedesktop.DBus.Error.ServiceUnknown", "not activatable"}));
    EXPECT_CALL(log, write(journal::Priority::Error, HasSubstr("org.mptcp.PathManager is not available")));
    EXPECT_CALL(log, write(journal::Priority::Warning, "/etc/mptcp-pathmanager/dispatcher.conf:3: bad"));
    EXPECT_CALL(service_, releaseOwner("u-1")).WillOnce(Return(CallResult{}));
    EXPECT_CALL(service_, releaseInterface("eth0")).WillOnce(Return(CallResult{}));
    EXPECT_CALL(log, write(journal::Priority::Info, HasSubstr("eth0 down (connection \"office\"): released")));
    runHook(event("up"), config_, settings_, service_, log);
    runHook(event("down"), config_, settings_, service_, log);
}

}  // namespace
}  // namespace mptcp::dispatch
