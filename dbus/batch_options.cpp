#include "batch_options.hpp"

#include "pm_error.hpp"

namespace mptcp::dbus {
namespace {

std::uint32_t unsignedOption(const std::string& key, const OptionValue& value, std::uint32_t min, std::uint32_t max)
{
    if (!value.holds<std::uint32_t>()) {
        throw PmError(ErrorKind::InvalidArgs, "option " + key + " must be of type u (uint32), not " +
                                                  (value.type().empty() ? std::string("empty") : value.type()));
    }
    const auto v = value.get<std::uint32_t>();
    if (v < min || v > max) {
        throw PmError(ErrorKind::InvalidArgs, "option " + key + " must be " + std::to_string(min) + ".." +
                                                  std::to_string(max) + ", not " + std::to_string(v));
    }
    return v;
}

}  // namespace

BatchOptions parseBatchOptions(const OptionMap& options)
{
    BatchOptions out;
    for (const auto& [key, value] : options) {
        if (key == "max-events") {
            out.maxEvents = unsignedOption(key, value, 1, BatchOptions::kMaxEventsLimit);
        } else if (key == "max-delay-ms") {
            out.maxDelayMs = unsignedOption(key, value, 0, BatchOptions::kMaxDelayLimitMs);
        } else {
            throw PmError(ErrorKind::InvalidArgs,
                          "unknown option " + key + " (SubscribeBatched takes max-events and max-delay-ms)");
        }
    }
    return out;
}

}  // namespace mptcp::dbus
