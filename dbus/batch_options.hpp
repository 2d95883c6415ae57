// SubscribeBatched's options (a{sv}): how many events an EventBatch holds
// at most, and how long its first event may wait for the batch to be sent.
#pragma once

#include "option_value.hpp"

#include <cstdint>
#include <map>
#include <string>

namespace mptcp::dbus {

struct BatchOptions {
    static constexpr std::uint32_t kMaxEventsLimit = 65536;
    static constexpr std::uint32_t kMaxDelayLimitMs = 60000;

    std::uint32_t maxEvents = 256;  // max-events: 1..kMaxEventsLimit
    std::uint32_t maxDelayMs = 50;  // max-delay-ms: 0 (no waiting)..kMaxDelayLimitMs

    bool operator==(const BatchOptions&) const = default;
};

// Throws PmError(InvalidArgs) naming the option: an unknown key, a value
// of another type than u, or a value out of range. Absent keys keep their
// defaults.
BatchOptions parseBatchOptions(const OptionMap& options);

}  // namespace mptcp::dbus
