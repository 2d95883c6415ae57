// The service side of the userspace path manager without a bus: the
// event subscription is held exactly while the path manager is
// "userspace" (also when the setting changes behind the service's back),
// PropertiesChanged follows every change, and a held monitor drains the
// kernel's events without sending signals for nobody.
#include "userspace_service.hpp"
#include "event_bytes.hpp"
#include "fake_kernel.hpp"
#include "monitor.hpp"
#include "mptcp_sysctl.hpp"
#include "pm_error.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace mptcp::dbus {
namespace {

class NoNames : public InterfaceNames {
public:
    std::optional<std::int32_t> indexOf(std::string_view) override { return std::nullopt; }
    std::optional<std::string> nameOf(std::int32_t) override { return std::nullopt; }
};

class UserspaceServiceTest : public ::testing::Test {
protected:
    UserspaceServiceTest()
    {
        char pattern[] = "/tmp/userspace-service-XXXXXX";
        dir_ = mkdtemp(pattern);
        writeSetting("kernel");
    }
    ~UserspaceServiceTest() override { std::filesystem::remove_all(dir_); }

    void writeSetting(const std::string& name) { std::ofstream(dir_ + "/path_manager") << name << "\n"; }

    UserspaceService::Hooks hooks()
    {
        return {.pathManagerChanged = [this] { ++changes_; },
                .holdEvents =
                    [this](bool on) {
                        if (on && refuseHold_) {
                            throw PmError(ErrorKind::Failed, "EPERM");
                        }
                        holds_.push_back(on);
                    },
                .log = [this](const std::string& line) { logs_.push_back(line); }};
    }

    std::string dir_;
    testing::FakeKernel kernel_;
    PmClient client_{kernel_};
    NoNames names_;
    UserspacePm pm_{client_, names_};
    int changes_ = 0;
    bool refuseHold_ = false;
    std::vector<bool> holds_;
    std::vector<std::string> logs_;
};

TEST_F(UserspaceServiceTest, HoldsTheSubscriptionExactlyWhileUserspaceIsSelected)
{
    PathManagerSetting setting(dir_);
    UserspaceService service(pm_, setting, hooks());
    service.start();
    EXPECT_EQ(holds_, std::vector<bool>{false});
    EXPECT_FALSE(service.holding());

    service.setPathManager("userspace");
    EXPECT_EQ(service.pathManager(), "userspace");
    EXPECT_EQ(holds_, (std::vector<bool>{false, true}));
    EXPECT_TRUE(service.holding());
    EXPECT_EQ(changes_, 1);

    service.setPathManager("userspace");  // no change, nothing new
    EXPECT_EQ(holds_.size(), 2u);
    EXPECT_EQ(changes_, 1);

    writeSetting("kernel");  // sysctl -w behind the service's back
    service.refresh();
    EXPECT_EQ(holds_, (std::vector<bool>{false, true, false}));
    EXPECT_EQ(changes_, 2);
}

TEST_F(UserspaceServiceTest, StartsHoldingWhenUserspaceIsAlreadySelected)
{
    writeSetting("userspace");
    PathManagerSetting setting(dir_);
    UserspaceService service(pm_, setting, hooks());
    service.start();
    EXPECT_EQ(holds_, std::vector<bool>{true});
    EXPECT_EQ(changes_, 0);
}

TEST_F(UserspaceServiceTest, AHoldTheKernelRefusesIsLoggedAndTriedAgain)
{
    writeSetting("userspace");
    PathManagerSetting setting(dir_);
    UserspaceService service(pm_, setting, hooks());
    refuseHold_ = true;
    service.start();
    EXPECT_FALSE(service.holding());
    ASSERT_EQ(logs_.size(), 1u);
    EXPECT_NE(logs_[0].find("MP_JOINs will be refused"), std::string::npos) << logs_[0];
    service.refresh();  // looked at again while it still fails: not logged again
    EXPECT_EQ(logs_.size(), 1u);
    refuseHold_ = false;
    service.refresh();
    EXPECT_TRUE(service.holding());
}

TEST_F(UserspaceServiceTest, AKernelWithoutTheSettingIsLoggedOnce)
{
    PathManagerSetting setting(dir_ + "/missing");
    UserspaceService service(pm_, setting, hooks());
    service.start();
    service.refresh();
    service.refresh();
    ASSERT_EQ(logs_.size(), 1u);
    EXPECT_NE(logs_[0].find("no userspace path manager"), std::string::npos) << logs_[0];
    EXPECT_TRUE(holds_.empty());
}

TEST_F(UserspaceServiceTest, AnUnknownNameChangesNothing)
{
    PathManagerSetting setting(dir_);
    UserspaceService service(pm_, setting, hooks());
    service.start();
    EXPECT_THROW(service.setPathManager("bpf"), PmError);
    EXPECT_EQ(service.pathManager(), "kernel");
    EXPECT_EQ(changes_, 0);
}

// ------------------------------------------------------------ the monitor

class QueueSource : public EventSource {
public:
    int fd() const override { return 42; }
    void join() override { joined = true; }
    void leave() override { joined = false; }
    Read read(std::span<std::uint8_t> buffer) override
    {
        if (queue.empty()) {
            return {Status::Empty, 0};
        }
        const testing::Bytes d = queue.front();
        queue.pop_front();
        std::memcpy(buffer.data(), d.data(), d.size());
        return {Status::Message, d.size()};
    }
    std::optional<std::uint64_t> droppedSoFar() override { return 0; }
    bool joined = false;
    std::deque<testing::Bytes> queue;
};

class CountingSignals : public EventSignals {
public:
    void event(const PmEvent&) override { ++events; }
    void eventsLost(std::uint64_t) override { ++lost; }
    bool backlogged() override { return false; }
    int events = 0;
    int lost = 0;
};

TEST(MonitorHold, KeepsTheGroupJoinedAndDrainedWithoutSignalsForNobody)
{
    QueueSource source;
    CountingSignals signals;
    Monitor monitor(&source, signals, testing::kEventFamilyId);
    monitor.hold(true);
    EXPECT_TRUE(source.joined);
    EXPECT_TRUE(monitor.wantsInput());
    source.queue.push_back(testing::closedEvent(1));
    monitor.onReadable();
    EXPECT_TRUE(source.queue.empty()) << "drained";
    EXPECT_EQ(signals.events, 0);

    monitor.subscribe(":1.7");
    source.queue.push_back(testing::closedEvent(2));
    monitor.onReadable();
    EXPECT_EQ(signals.events, 1);
    monitor.unsubscribe(":1.7");
    EXPECT_TRUE(source.joined) << "still held";

    monitor.hold(false);
    EXPECT_FALSE(source.joined);
}

TEST(MonitorHold, ReleasingTheHoldKeepsASubscribersSubscription)
{
    QueueSource source;
    CountingSignals signals;
    Monitor monitor(&source, signals, testing::kEventFamilyId);
    monitor.subscribe(":1.7");
    monitor.hold(true);
    monitor.hold(false);
    EXPECT_TRUE(source.joined);
}

TEST(MonitorHold, WithoutAnEventsGroupTheHoldIsRefused)
{
    CountingSignals signals;
    Monitor monitor(nullptr, signals, testing::kEventFamilyId);
    EXPECT_THROW(monitor.hold(true), PmError);
    EXPECT_FALSE(monitor.held());
}

}  // namespace
}  // namespace mptcp::dbus
