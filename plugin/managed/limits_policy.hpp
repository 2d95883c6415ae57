// What the service does to the subflows limit when it keeps endpoints for
// managed interfaces (docs/hook.md, "Limits"). Pure.
//
//   raise (default)  raise the limit to one subflow per managed endpoint (at
//                    most the kernel's maximum, 8); never lower it, so a
//                    higher value an administrator set stays.
//   off              never touch the limits.
//   N (0..8)         pin: keep the limit at N while any endpoint is managed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mptcp {

class LimitsPolicy {
public:
    enum class Mode { Raise, Off, Pin };

    LimitsPolicy() = default;
    // "raise", "off" or a number 0..8; nullopt for anything else.
    static std::optional<LimitsPolicy> parse(std::string_view text);

    // The subflows limit to set now, or nullopt to leave it as it is, given
    // the current limit and how many endpoints the service keeps. Nothing is
    // ever set while the service keeps no endpoint: an administrator who does
    // not use managed interfaces never sees the limit move.
    std::optional<std::uint32_t> subflowsToSet(std::uint32_t current, std::size_t managedEndpoints) const;

    Mode mode() const { return mode_; }
    std::string describe() const;

private:
    Mode mode_ = Mode::Raise;
    std::uint32_t pinned_ = 0;
};

}  // namespace mptcp
