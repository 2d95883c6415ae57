// The monitor's rules with a fake kernel event source below it and a
// recording signal sink above it: who is subscribed, when the kernel group
// is joined and left, that every event is passed on in order, that an
// overrun becomes EventsLost at the right place and reading goes on, and
// that reading pauses while the bus is backlogged.
#include "monitor.hpp"
#include "event_bytes.hpp"
#include "pm_error.hpp"
#include "pm_protocol.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mptcp::dbus {
namespace {

using testing::Bytes;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::kEventFamilyId;

// The kernel side of one netlink event socket, as far as the monitor can
// tell: events reach it only while joined, an overflow drops events and
// makes the next read say so (before what was queued), and the drop
// counter only grows.
class FakeEventSource : public EventSource {
public:
    int fd() const override { return 42; }
    void join() override
    {
        if (joinError) {
            throw *joinError;
        }
        joined = true;
        ++joins;
    }
    void leave() override
    {
        joined = false;
        ++leaves;
    }
    Read read(std::span<std::uint8_t> buffer) override
    {
        ++reads;
        if (overrunPending) {
            overrunPending = false;
            return {Status::Overrun, 0};
        }
        if (queue.empty()) {
            return {Status::Empty, 0};
        }
        Bytes d = std::move(queue.front());
        queue.pop_front();
        if (d.size() > buffer.size()) {
            return {Status::Truncated, buffer.size()};
        }
        std::memcpy(buffer.data(), d.data(), d.size());
        return {Status::Message, d.size()};
    }
    std::optional<std::uint64_t> droppedSoFar() override { return drops; }

    // The kernel sends an event to the group.
    void send(Bytes datagram)
    {
        if (joined) {
            queue.push_back(std::move(datagram));
        }
    }
    // The kernel could not queue n events.
    void drop(std::uint64_t n)
    {
        overrunPending = true;
        if (drops) {
            *drops += n;
        }
    }

    bool joined = false;
    int joins = 0;
    int leaves = 0;
    int reads = 0;
    std::optional<PmError> joinError;
    std::deque<Bytes> queue;
    bool overrunPending = false;
    std::optional<std::uint64_t> drops = 0;
};

std::string line(const PmEvent& e)
{
    return "type" + std::to_string(e.type) + " " + std::to_string(e.token.value_or(0));
}

// What went out on the bus, one line per signal: "type3 7" (type and
// token), "LOST 5", "BATCH[type3 1,type3 2]"; in `sent` for everyone,
// and in `sentTo` prefixed with the destination.
class RecordingSignals : public EventSignals {
public:
    void event(const std::string& to, const PmEvent& e) override
    {
        if (failNext) {
            failNext = false;
            throw std::runtime_error("bus refused the signal");
        }
        push(to, line(e));
        if (backlogAfter && --*backlogAfter == 0) {
            backlog = true;
        }
    }
    void addToBatch(const std::string& to, const PmEvent& e) override
    {
        if (failNext) {
            failNext = false;
            open.erase(to);
            throw std::runtime_error("bus refused the batch");
        }
        open[to].push_back(line(e));
    }
    void sendBatch(const std::string& to) override
    {
        const auto it = open.find(to);
        if (it == open.end()) {
            return;
        }
        std::string text = "BATCH[";
        for (std::size_t i = 0; i < it->second.size(); ++i) {
            text += (i > 0 ? "," : "") + it->second[i];
        }
        open.erase(it);
        push(to, text + "]");
    }
    void dropBatch(const std::string& to) override { open.erase(to); }
    void eventsLost(const std::string& to, std::uint64_t count) override { push(to, "LOST " + std::to_string(count)); }
    bool backlogged() override { return backlog; }

    std::vector<std::string> sent;
    std::vector<std::string> sentTo;
    std::map<std::string, std::vector<std::string>> open;  // batches being filled
    bool backlog = false;
    std::optional<int> backlogAfter;  // become backlogged after this many events
    bool failNext = false;

private:
    void push(const std::string& to, const std::string& text)
    {
        sent.push_back(text);
        sentTo.push_back(to + " " + text);
    }
};

// A clock that moves only when told, and the alarm it was last set to.
class FakeTimer : public BatchTimer {
public:
    Clock::time_point now() override { return time; }
    void arm(Clock::time_point when) override { armedAt = when; }
    void advance(std::chrono::milliseconds by) { time += by; }
    bool due() const { return armedAt && *armedAt <= time; }

    Clock::time_point time{std::chrono::seconds(1000)};
    std::optional<Clock::time_point> armedAt;
};

std::string closed(std::uint32_t token)
{
    return "type" + std::to_string(proto::EVENT_CLOSED) + " " + std::to_string(token);
}

class MonitorTest : public ::testing::Test {
protected:
    Monitor makeMonitor(Monitor::Options options = {}) { return Monitor(&source_, signals_, kEventFamilyId, options); }

    FakeEventSource source_;
    RecordingSignals signals_;
};

// ------------------------------------------------------------ subscribing

TEST_F(MonitorTest, WithoutSubscribersTheKernelGroupIsNotJoined)
{
    Monitor monitor = makeMonitor();
    EXPECT_FALSE(source_.joined);
    EXPECT_FALSE(monitor.wantsInput());
    source_.send(testing::closedEvent(1));
    monitor.onReadable();
    EXPECT_THAT(signals_.sent, IsEmpty());
    EXPECT_EQ(source_.reads, 0);
}

TEST_F(MonitorTest, SubscriberGetsEveryEventInOrder)
{
    Monitor monitor = makeMonitor();
    monitor.subscribe(":1.7");
    EXPECT_TRUE(source_.joined);
    EXPECT_TRUE(monitor.wantsInput());
    for (std::uint32_t t = 1; t <= 3; ++t) {
        source_.send(testing::closedEvent(t));
    }
    monitor.onReadable();
    EXPECT_THAT(signals_.sent, ElementsAre(closed(1), closed(2), closed(3)));
}

TEST_F(MonitorTest, SubscribeTwiceIsOneSubscription)
{
    Monitor monitor = makeMonitor();
    monitor.subscribe(":1.7");
    monitor.subscribe(":1.7");
    EXPECT_EQ(monitor.subscriberCount(), 1u);
    EXPECT_EQ(source_.joins, 1);
    monitor.unsubscribe(":1.7");
    EXPECT_FALSE(source_.joined) << "one Unsubscribe ends it";
    EXPECT_EQ(source_.leaves, 1);
    EXPECT_FALSE(monitor.wantsInput());
}

TEST_F(MonitorTest, GroupIsLeftWhenTheLastSubscriberGoes)
{
    Monitor monitor = makeMonitor();
    monitor.subscribe(":1.7");
    monitor.subscribe(":1.8");
    monitor.unsubscribe(":1.7");
    EXPECT_TRUE(source_.joined);
    monitor.unsubscribe(":1.8");
    EXPECT_FALSE(source_.joined);
    EXPECT_EQ(monitor.subscriberCount(), 0u);
}

TEST_F(MonitorTest, SubscriberThatLeavesTheBusIsDropped)
{
    Monitor monitor = makeMonitor();
    monitor.subscribe(":1.7");
    monitor.peerVanished(":1.9");  // someone else
    EXPECT_TRUE(source_.joined);
    monitor.peerVanished(":1.7");
    EXPECT_FALSE(source_.joined);
    EXPECT_EQ(monitor.subscriberCount(), 0u);
}

TEST_F(MonitorTest, UnsubscribeWithoutSubscriptionChangesNothing)
{
    Monitor monitor = makeMonitor();
    EXPECT_NO_THROW(monitor.unsubscribe(":1.7"));
    EXPECT_EQ(source_.leaves, 0);
    monitor.subscribe(":1.8");
    EXPECT_NO_THROW(monitor.unsubscribe(":1.7"));
    EXPECT_TRUE(source_.joined);
}

TEST_F(MonitorTest, RefusedJoinIsAnErrorAndSubscribesNobody)
{
    Monitor monitor = makeMonitor();
    source_.joinError = PmError(ErrorKind::Failed, "joining the mptcp_pm_events group: EPERM", EPERM);
    try {
        monitor.subscribe(":1.7");
        ADD_FAILURE() << "subscribe() must fail when the kernel refuses";
    } catch (const PmError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Failed);
        EXPECT_THAT(e.what(), HasSubstr("EPERM"));
    }
    EXPECT_EQ(monitor.subscriberCount(), 0u);
    EXPECT_FALSE(monitor.listening());
    // The next try joins.
    source_.joinError.reset();
    monitor.subscribe(":1.7");
    EXPECT_TRUE(source_.joined);
}

TEST_F(MonitorTest, WithoutTheEventsGroupSubscribeIsNotSupported)
{
    Monitor monitor(nullptr, signals_, kEventFamilyId);
    EXPECT_EQ(monitor.fd(), -1);
    try {
        monitor.subscribe(":1.7");
        ADD_FAILURE() << "subscribe() must fail without an event source";
    } catch (const PmError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::NotSupported);
        EXPECT_THAT(e.what(), HasSubstr("mptcp_pm_events"));
    }
    EXPECT_EQ(monitor.subscriberCount(), 0u);
}

TEST_F(MonitorTest, AlwaysMonitorJoinsAtOnceAndNeverLeavesButSendsOnlyToSubscribers)
{
    Monitor monitor = makeMonitor({.always = true});
    EXPECT_TRUE(source_.joined);
    source_.send(testing::closedEvent(4));
    monitor.onReadable();
    EXPECT_THAT(signals_.sent, IsEmpty()) << "nobody subscribed: no signal, not even a broadcast";
    EXPECT_TRUE(source_.queue.empty()) << "read all the same, so that the kernel's queue never fills";
    monitor.subscribe(":1.7");
    source_.send(testing::closedEvent(5));
    monitor.onReadable();
    EXPECT_THAT(signals_.sentTo, ElementsAre(":1.7 " + closed(5)));
    monitor.unsubscribe(":1.7");
    monitor.peerVanished(":1.7");
    EXPECT_TRUE(source_.joined);
    EXPECT_EQ(source_.leaves, 0);
}

TEST_F(MonitorTest, EverySubscriberGetsEachEventAddressedToItAndNobodyElseDoes)
{
    Monitor monitor = makeMonitor();
    monitor.subscribe(":1.7");
    monitor.subscribe(":1.8");
    source_.send(testing::closedEvent(1));
    monitor.onReadable();
    EXPECT_THAT(signals_.sentTo, ElementsAre(":1.7 " + closed(1), ":1.8 " + closed(1)));
    monitor.unsubscribe(":1.7");
    source_.send(testing::closedEvent(2));
    monitor.onReadable();
    EXPECT_THAT(signals_.sentTo, ElementsAre(":1.7 " + closed(1), ":1.8 " + closed(1), ":1.8 " + closed(2)));
}

TEST_F(MonitorTest, EventsQueuedBeforeLeavingAreNotNewsToTheNextSubscriber)
{
    Monitor monitor = makeMonitor();
    monitor.subscribe(":1.7");
    source_.send(testing::closedEvent(1));
    monitor.unsubscribe(":1.7");
    monitor.subscribe(":1.8");
    source_.send(testing::closedEvent(2));
    monitor.onReadable();
    EXPECT_THAT(signals_.sent, ElementsAre(closed(2)));
}

// ------------------------------------------------------- overruns, pacing

TEST_F(MonitorTest, OverrunBecomesEventsLostAfterWhatWasQueuedAndReadingGoesOn)
{
    Monitor monitor = makeMonitor();
    monitor.subscribe(":1.7");
    source_.send(testing::closedEvent(1));
    source_.send(testing::closedEvent(2));
    source_.drop(5);  // the next read says ENOBUFS, then 1 and 2 follow
    monitor.onReadable();
    EXPECT_THAT(signals_.sent, ElementsAre(closed(1), closed(2), "LOST 5"));
    // Not deaf: later events still come, and no second EventsLost.
    source_.send(testing::closedEvent(3));
    monitor.onReadable();
    EXPECT_THAT(signals_.sent, ElementsAre(closed(1), closed(2), "LOST 5", closed(3)));
    // A second overrun counts only its own drops.
    source_.drop(2);
    source_.send(testing::closedEvent(4));
    monitor.onReadable();
    EXPECT_THAT(signals_.sent, ElementsAre(closed(1), closed(2), "LOST 5", closed(3), closed(4), "LOST 2"));
}

TEST_F(MonitorTest, DropsBeforeSubscribingAreNotCounted)
{
    source_.drops = 1000;  // an earlier subscriber's trouble
    Monitor monitor = makeMonitor();
    monitor.subscribe(":1.7");
    source_.drop(3);
    monitor.onReadable();
    EXPECT_THAT(signals_.sent, ElementsAre("LOST 3"));
}

TEST_F(MonitorTest, OverrunOfUnknownSizeIsEventsLostZero)
{
    source_.drops.reset();  // /proc/net/netlink not readable
    Monitor monitor = makeMonitor();
    monitor.subscribe(":1.7");
    source_.send(testing::closedEvent(1));
    source_.drop(9);
    monitor.onReadable();
    EXPECT_THAT(signals_.sent, ElementsAre(closed(1), "LOST 0"));
}

TEST_F(MonitorTest, GapIsReportedOnlyOnceTheQueueIsDrained)
{
    // The events queued before an overrun are older than the dropped ones:
    // EventsLost must not come before them, even across several wakeups.
    Monitor monitor = makeMonitor({.batch = 2});
    monitor.subscribe(":1.7");
    for (std::uint32_t t = 1; t <= 3; ++t) {
        source_.send(testing::closedEvent(t));
    }
    source_.drop(7);
    monitor.onReadable();  // the overrun, 1
    EXPECT_THAT(signals_.sent, ElementsAre(closed(1)));
    monitor.onReadable();  // 2, 3
    EXPECT_THAT(signals_.sent, ElementsAre(closed(1), closed(2), closed(3)));
    monitor.onReadable();  // empty: the gap is here
    EXPECT_THAT(signals_.sent, ElementsAre(closed(1), closed(2), closed(3), "LOST 7"));
}

TEST_F(MonitorTest, AWakeupReadsABoundedBatch)
{
    Monitor monitor = makeMonitor({.batch = 10});
    monitor.subscribe(":1.7");
    for (std::uint32_t t = 1; t <= 25; ++t) {
        source_.send(testing::closedEvent(t));
    }
    monitor.onReadable();
    EXPECT_EQ(signals_.sent.size(), 10u) << "method calls wait for at most one batch";
    monitor.onReadable();
    monitor.onReadable();
    EXPECT_EQ(signals_.sent.size(), 25u);
    EXPECT_EQ(signals_.sent.back(), closed(25));
}

TEST_F(MonitorTest, ReadingPausesWhileTheBusIsBacklogged)
{
    Monitor monitor = makeMonitor();
    monitor.subscribe(":1.7");
    for (std::uint32_t t = 1; t <= 10; ++t) {
        source_.send(testing::closedEvent(t));
    }
    signals_.backlogAfter = 3;
    monitor.onReadable();
    EXPECT_EQ(signals_.sent.size(), 3u) << "no more signals queued once the bus is behind";
    EXPECT_FALSE(monitor.wantsInput()) << "the event loop stops polling the kernel socket";
    EXPECT_EQ(source_.queue.size(), 7u) << "the rest waits in the kernel, not in our memory";
    signals_.backlog = false;  // the bus drained
    EXPECT_TRUE(monitor.wantsInput());
    monitor.onReadable();
    EXPECT_EQ(signals_.sent.size(), 10u);
}

// ------------------------------------------------------------ bad events

TEST_F(MonitorTest, MalformedEventsAreSkippedAndTheNextOnesStillGo)
{
    Monitor monitor = makeMonitor();
    monitor.subscribe(":1.7");
    source_.send(testing::closedEvent(1));
    source_.send(testing::EventBytes(proto::EVENT_CLOSED).bytes());  // no token
    source_.send(Bytes{1, 2, 3});                                    // not a message
    source_.send(Bytes(20000, 0));                                   // larger than any event
    source_.send(testing::EventBytes(proto::EVENT_CLOSED, 0x33).u32(proto::EV_ATTR_TOKEN, 1).bytes());
    source_.send(testing::closedEvent(2));
    monitor.onReadable();
    EXPECT_THAT(signals_.sent, ElementsAre(closed(1), closed(2)));
}

TEST_F(MonitorTest, UnknownEventTypesArePassedOn)
{
    Monitor monitor = makeMonitor();
    monitor.subscribe(":1.7");
    source_.send(testing::EventBytes(99).u32(proto::EV_ATTR_TOKEN, 5).bytes());
    monitor.onReadable();
    EXPECT_THAT(signals_.sent, ElementsAre("type99 5"));
}

TEST_F(MonitorTest, SignalTheBusRefusedCountsAsLost)
{
    Monitor monitor = makeMonitor();
    monitor.subscribe(":1.7");
    signals_.failNext = true;
    source_.send(testing::closedEvent(1));
    source_.send(testing::closedEvent(2));
    monitor.onReadable();
    EXPECT_THAT(signals_.sent, ElementsAre("LOST 1", closed(2))) << "the gap in its place";
}

// ------------------------------------------------------------ batches

class BatchedMonitorTest : public MonitorTest {
protected:
    Monitor makeBatchedMonitor() { return makeMonitor({.timer = &timer_}); }
    void sendClosed(std::uint32_t from, std::uint32_t to)
    {
        for (std::uint32_t t = from; t <= to; ++t) {
            source_.send(testing::closedEvent(t));
        }
    }
    static std::string batch(std::uint32_t from, std::uint32_t to)
    {
        std::string text = "BATCH[";
        for (std::uint32_t t = from; t <= to; ++t) {
            text += (t > from ? "," : "") + closed(t);
        }
        return text + "]";
    }

    FakeTimer timer_;
};

TEST_F(BatchedMonitorTest, FullBatchesGoAtOnceInKernelOrder)
{
    Monitor monitor = makeBatchedMonitor();
    monitor.subscribeBatched(":1.7", {.maxEvents = 3, .maxDelayMs = 50});
    EXPECT_TRUE(source_.joined);
    sendClosed(1, 7);
    monitor.onReadable();
    EXPECT_THAT(signals_.sentTo, ElementsAre(":1.7 " + batch(1, 3), ":1.7 " + batch(4, 6)));
    EXPECT_THAT(signals_.open[":1.7"], ElementsAre(closed(7))) << "the seventh waits for more, or for its time";
}

TEST_F(BatchedMonitorTest, ABatchWaitsAtMostMaxDelayFromItsFirstEvent)
{
    Monitor monitor = makeBatchedMonitor();
    monitor.subscribeBatched(":1.7", {.maxEvents = 100, .maxDelayMs = 50});
    sendClosed(1, 1);
    monitor.onReadable();
    ASSERT_TRUE(timer_.armedAt.has_value());
    EXPECT_EQ(*timer_.armedAt, timer_.time + std::chrono::milliseconds(50));
    timer_.advance(std::chrono::milliseconds(30));
    sendClosed(2, 2);
    monitor.onReadable();
    EXPECT_THAT(signals_.sent, IsEmpty());
    timer_.advance(std::chrono::milliseconds(20));
    ASSERT_TRUE(timer_.due());
    monitor.onTimer();
    EXPECT_THAT(signals_.sent, ElementsAre(batch(1, 2)));
    // The next batch's clock starts at its own first event.
    timer_.advance(std::chrono::milliseconds(5));
    sendClosed(3, 3);
    monitor.onReadable();
    EXPECT_EQ(*timer_.armedAt, timer_.time + std::chrono::milliseconds(50));
}

TEST_F(BatchedMonitorTest, MaxDelayZeroSendsWhatAWakeupReadAtItsEnd)
{
    Monitor monitor = makeBatchedMonitor();
    monitor.subscribeBatched(":1.7", {.maxEvents = 100, .maxDelayMs = 0});
    sendClosed(1, 4);
    monitor.onReadable();
    EXPECT_THAT(signals_.sent, ElementsAre(batch(1, 4)));
    EXPECT_FALSE(timer_.armedAt.has_value());
}

TEST_F(BatchedMonitorTest, EventsLostKeepsItsPlaceInTheStream)
{
    Monitor monitor = makeBatchedMonitor();
    monitor.subscribeBatched(":1.7", {.maxEvents = 100, .maxDelayMs = 50});
    sendClosed(1, 2);
    source_.drop(5);
    monitor.onReadable();
    EXPECT_THAT(signals_.sent, ElementsAre(batch(1, 2), "LOST 5")) << "the events read before the drop, then the gap";
    sendClosed(3, 3);
    monitor.onReadable();
    timer_.advance(std::chrono::milliseconds(50));
    monitor.onTimer();
    EXPECT_THAT(signals_.sent, ElementsAre(batch(1, 2), "LOST 5", batch(3, 3)));
}

TEST_F(BatchedMonitorTest, BatchedAndPerEventSubscribersEachGetTheirKind)
{
    Monitor monitor = makeBatchedMonitor();
    monitor.subscribeBatched(":1.7", {.maxEvents = 2, .maxDelayMs = 50});
    monitor.subscribe(":1.8");
    sendClosed(1, 2);
    monitor.onReadable();
    EXPECT_THAT(signals_.sentTo, ElementsAre(":1.8 " + closed(1), ":1.7 " + batch(1, 2), ":1.8 " + closed(2)));
}

TEST_F(BatchedMonitorTest, ChangingTheKindSendsWhatTheBatchHeldAndUnsubscribeDropsIt)
{
    Monitor monitor = makeBatchedMonitor();
    monitor.subscribeBatched(":1.7", {.maxEvents = 100, .maxDelayMs = 50});
    sendClosed(1, 2);
    monitor.onReadable();
    monitor.subscribe(":1.7");  // per-event from now on
    EXPECT_THAT(signals_.sent, ElementsAre(batch(1, 2)));
    sendClosed(3, 3);
    monitor.onReadable();
    EXPECT_THAT(signals_.sent, ElementsAre(batch(1, 2), closed(3)));
    EXPECT_EQ(monitor.subscriberCount(), 1u);

    monitor.subscribeBatched(":1.7", {.maxEvents = 100, .maxDelayMs = 50});
    sendClosed(4, 4);
    monitor.onReadable();
    monitor.unsubscribe(":1.7");
    EXPECT_TRUE(signals_.open.empty()) << "an Unsubscribe ends the batch unsent";
    EXPECT_FALSE(source_.joined) << "Unsubscribe ends a batched subscription too";
    timer_.advance(std::chrono::milliseconds(50));
    monitor.onTimer();
    EXPECT_THAT(signals_.sent, ElementsAre(batch(1, 2), closed(3)));
}

TEST_F(BatchedMonitorTest, AllOpenBatchesGoWhenTogetherTheyHoldTheBudget)
{
    // However large the batches subscribers ask for, and however many of
    // them there are, the daemon holds at most batchBudget events.
    Monitor monitor = makeMonitor({.timer = &timer_, .batchBudget = 5});
    monitor.subscribeBatched(":1.7", {.maxEvents = 65536, .maxDelayMs = 60000});
    monitor.subscribeBatched(":1.8", {.maxEvents = 65536, .maxDelayMs = 60000});
    sendClosed(1, 3);
    monitor.onReadable();
    // 1 and 2 for both make 4; 3 for :1.7 makes 5: everything goes.
    EXPECT_THAT(signals_.sentTo, ElementsAre(":1.7 " + batch(1, 3), ":1.8 " + batch(1, 2)));
    EXPECT_THAT(signals_.open[":1.8"], ElementsAre(closed(3)));
    monitor.unsubscribe(":1.8");  // its open batch leaves the budget too
    sendClosed(4, 7);
    monitor.onReadable();
    EXPECT_EQ(signals_.sentTo.size(), 2u) << "4 events held: below the budget";
    sendClosed(8, 8);
    monitor.onReadable();
    EXPECT_THAT(signals_.sentTo, ElementsAre(":1.7 " + batch(1, 3), ":1.8 " + batch(1, 2), ":1.7 " + batch(4, 8)));
}

TEST_F(BatchedMonitorTest, ABatchTheBusRefusedCountsAsLost)
{
    Monitor monitor = makeMonitor({.batch = 2, .timer = &timer_});
    monitor.subscribeBatched(":1.7", {.maxEvents = 100, .maxDelayMs = 50});
    sendClosed(1, 4);
    monitor.onReadable();  // 1 and 2 in the batch
    signals_.failNext = true;
    monitor.onReadable();  // 3 cannot be added, and takes 1 and 2 along; 4 starts a new batch
    EXPECT_THAT(signals_.sent, ElementsAre("LOST 3"));
    timer_.advance(std::chrono::milliseconds(50));
    monitor.onTimer();
    EXPECT_THAT(signals_.sent, ElementsAre("LOST 3", batch(4, 4)));
}

// ------------------------------------------------------- batch options

std::string invalidArgsMessage(const OptionMap& options)
{
    try {
        parseBatchOptions(options);
    } catch (const PmError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::InvalidArgs);
        return e.what();
    }
    ADD_FAILURE() << "accepted";
    return "";
}

TEST(BatchOptionsTest, DefaultsAndValues)
{
    EXPECT_EQ(parseBatchOptions({}), (BatchOptions{.maxEvents = 256, .maxDelayMs = 50}));
    EXPECT_EQ(parseBatchOptions(
                  {{"max-events", OptionValue(std::uint32_t{1})}, {"max-delay-ms", OptionValue(std::uint32_t{0})}}),
              (BatchOptions{.maxEvents = 1, .maxDelayMs = 0}));
}

TEST(BatchOptionsTest, BadOptionsAreInvalidArgsNamingTheOption)
{
    EXPECT_THAT(invalidArgsMessage({{"max-events", OptionValue(std::uint32_t{0})}}), HasSubstr("max-events"));
    EXPECT_THAT(invalidArgsMessage({{"max-events", OptionValue(std::uint32_t{70000})}}), HasSubstr("max-events"));
    EXPECT_THAT(invalidArgsMessage({{"max-events", OptionValue::ofUnreadType("i")}}),
                AllOf(HasSubstr("max-events"), HasSubstr("type u")));
    EXPECT_THAT(invalidArgsMessage({{"max-delay-ms", OptionValue(std::string("50"))}}), HasSubstr("max-delay-ms"));
    EXPECT_THAT(invalidArgsMessage({{"max-delay-ms", OptionValue(std::uint32_t{60001})}}), HasSubstr("max-delay-ms"));
    EXPECT_THAT(invalidArgsMessage({{"max-event", OptionValue(std::uint32_t{5})}}),
                AllOf(HasSubstr("unknown option max-event"), HasSubstr("max-events")));
}

}  // namespace
}  // namespace mptcp::dbus
