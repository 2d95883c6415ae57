// Monitor lines: ip 6.1's form for what ip prints (lines taken from
// `ip mptcp monitor` on loopback connections), and the rest after it.
#include "event_format.hpp"

#include <gtest/gtest.h>

namespace mptcp::cli {
namespace {

TEST(EventFormat, ConnectionEventsAsIp)
{
    const EventInfo created = {
        {"family", InfoValue::of(2, 'q')},
        {"local-address", InfoValue::of(std::string("127.0.0.1"))},
        {"remote-address", InfoValue::of(std::string("127.0.0.1"))},
        {"local-port", InfoValue::of(12345, 'q')},
        {"remote-port", InfoValue::of(35290, 'q')},
        {"local-id", InfoValue::of(0, 'y')},
        {"remote-id", InfoValue::of(0, 'y')},
        {"flags", InfoValue::of(2, 'u')},
    };
    EXPECT_EQ(formatEvent("ConnectionCreated", 0xe3dbfa7a, created),
              "[       CREATED] token=e3dbfa7a remid=0 locid=0 saddr4=127.0.0.1 daddr4=127.0.0.1 sport=12345 "
              "dport=35290 flags=2\n");
    EXPECT_EQ(formatEvent("ConnectionClosed", 0x9997559e, {}), "[        CLOSED] token=9997559e\n");
}

TEST(EventFormat, SubflowAndAnnounceEvents)
{
    const EventInfo sub = {
        {"local-address", InfoValue::of(std::string("10.0.1.2"))},
        {"remote-address", InfoValue::of(std::string("10.0.1.2"))},
        {"local-port", InfoValue::of(41447, 'q')},
        {"remote-port", InfoValue::of(12345, 'q')},
        {"local-id", InfoValue::of(2, 'y')},
        {"remote-id", InfoValue::of(2, 'y')},
        {"backup", InfoValue::of(0, 'b')},
        {"error", InfoValue::of(111, 'u')},
    };
    EXPECT_EQ(formatEvent("SubflowClosed", 0x9997559e, sub),
              "[     SF_CLOSED] token=9997559e remid=2 locid=2 saddr4=10.0.1.2 daddr4=10.0.1.2 sport=41447 "
              "dport=12345 backup=0 error=111\n");
    const EventInfo announced = {
        {"remote-address", InfoValue::of(std::string("2001:db8::2"))},
        {"remote-port", InfoValue::of(10001, 'q')},
        {"remote-id", InfoValue::of(1, 'y')},
    };
    EXPECT_EQ(formatEvent("AddressAnnounced", 0x1, announced),
              "[     ANNOUNCED] token=00000001 remid=1 daddr6=2001:db8::2 dport=10001\n");
}

TEST(EventFormat, WhatIp61DoesNotShow)
{
    const EventInfo listener = {
        {"family", InfoValue::of(2, 'q')},
        {"local-address", InfoValue::of(std::string("127.0.0.1"))},
        {"local-port", InfoValue::of(10001, 'q')},
    };
    EXPECT_EQ(formatEvent("ListenerCreated", std::nullopt, listener),
              "[LISTENER_CREATED] saddr4=127.0.0.1 sport=10001\n");
    const EventInfo more = {
        {"interface", InfoValue::of(std::string("eth0"))},
        {"reset-reason", InfoValue::of(1, 'u')},
        {"reset-flags", InfoValue::of(10, 'u')},
        {"server-side", InfoValue::of(1, 'b')},
        {"timeout", InfoValue::of(30, 'u')},
        {"zz-new-key", InfoValue::of(std::string("x"))},
    };
    EXPECT_EQ(formatEvent("SubflowPriorityChanged", 0xabc, more),
              "[       SF_PRIO] token=00000abc timeout=30 dev=eth0 reset_reason=1 reset_flags=0xa server_side=1 "
              "zz-new-key=x\n");
    EXPECT_EQ(formatEvent("UnknownEvent", 42, {{"local-port", InfoValue::of(7, 'q')}}), "[UNKNOWN 42] sport=7\n");
    EXPECT_EQ(formatEventsLost(17), "[   EVENTS_LOST] count=17\n");
    EXPECT_EQ(formatEventsLost(0), "[   EVENTS_LOST] count=unknown\n");
}

TEST(EventFormat, ASurprisingTypeIsShownNotFatal)
{
    const EventInfo odd = {{"local-port", InfoValue::of(std::string("eighty"))},
                           {"remote-port", InfoValue{'a', 0, {}}}};
    EXPECT_EQ(formatEvent("ConnectionCreated", 1, odd), "[       CREATED] token=00000001 sport=eighty dport=<a>\n");
}

TEST(EventFormat, Timestamps)
{
    setenv("TZ", "UTC", 1);
    tzset();
    const timeval when{1700000000, 42};
    EXPECT_EQ(timestampPrefix(Timestamps::None, when), "");
    EXPECT_EQ(timestampPrefix(Timestamps::Short, when), "[2023-11-14T22:13:20.000042] ");
    EXPECT_EQ(timestampPrefix(Timestamps::Long, when), "Timestamp: Tue Nov 14 22:13:20 2023 42 usec\n");
}

}  // namespace
}  // namespace mptcp::cli
