#include "limits_policy.hpp"

#include "pm_protocol.hpp"

#include <algorithm>

namespace mptcp {

std::optional<LimitsPolicy> LimitsPolicy::parse(std::string_view text)
{
    LimitsPolicy p;
    if (text == "raise") {
        return p;
    }
    if (text == "off") {
        p.mode_ = Mode::Off;
        return p;
    }
    if (text.size() == 1 && text[0] >= '0' && static_cast<unsigned>(text[0] - '0') <= proto::kMaxLimit) {
        p.mode_ = Mode::Pin;
        p.pinned_ = static_cast<std::uint32_t>(text[0] - '0');
        return p;
    }
    return std::nullopt;
}

std::optional<std::uint32_t> LimitsPolicy::subflowsToSet(std::uint32_t current, std::size_t managedEndpoints) const
{
    if (managedEndpoints == 0) {
        return std::nullopt;
    }
    switch (mode_) {
        case Mode::Off:
            return std::nullopt;
        case Mode::Pin:
            return current == pinned_ ? std::nullopt : std::optional<std::uint32_t>(pinned_);
        case Mode::Raise:
            break;
    }
    const auto need = static_cast<std::uint32_t>(std::min<std::size_t>(managedEndpoints, proto::kMaxLimit));
    return current < need ? std::optional<std::uint32_t>(need) : std::nullopt;
}

std::string LimitsPolicy::describe() const
{
    switch (mode_) {
        case Mode::Off:
            return "off";
        case Mode::Pin:
            return std::to_string(pinned_);
        case Mode::Raise:
            break;
    }
    return "raise";
}

}  // namespace mptcp
