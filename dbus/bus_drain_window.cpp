#include "bus_drain_window.hpp"

#include <algorithm>

namespace mptcp::dbus {

BusDrainWindow::BusDrainWindow(std::uint64_t window, std::uint64_t pingEvery)
    : window_(std::max<std::uint64_t>(window, 2)), pingEvery_(std::clamp<std::uint64_t>(pingEvery, 1, window_ - 1))
{
}

bool BusDrainWindow::pingDue() const
{
    return !pingOutstanding_ && queued_ - drained_ >= pingEvery_;
}

void BusDrainWindow::pingSent()
{
    pingOutstanding_ = true;
    pingMark_ = queued_;
}

void BusDrainWindow::pingAnswered()
{
    if (pingOutstanding_) {
        drained_ = std::max(drained_, pingMark_);
        pingOutstanding_ = false;
    }
}

void BusDrainWindow::forgetQueued()
{
    drained_ = queued_;
    pingOutstanding_ = false;
}

}  // namespace mptcp::dbus
