#include "endpoint_ids.hpp"

#include <algorithm>

namespace mptcp {

// The kernel takes the lowest free id >= its cursor and, when none is free
// up to 255, the lowest free one from 1.
std::optional<std::uint8_t> EndpointIds::predict() const
{
    if (!tableKnown_ || cursor_ == 0) {
        return std::nullopt;
    }
    const unsigned from = cursor_ == 255 ? 1 : cursor_;  // the reset before every add
    for (unsigned id = from; id <= 255; ++id) {
        if (!used_[id]) {
            return static_cast<std::uint8_t>(id);
        }
    }
    for (unsigned id = 1; id < from; ++id) {
        if (!used_[id]) {
            return static_cast<std::uint8_t>(id);
        }
    }
    return std::nullopt;
}

void EndpointIds::dumped(const std::vector<Endpoint>& table)
{
    used_.reset();
    for (const Endpoint& ep : table) {
        used_.set(ep.id);
    }
    tableKnown_ = true;
}

// Before every ADD_ADDR, whether it succeeds or not, a cursor of 255 goes
// back to 1.
void EndpointIds::addTried()
{
    if (cursor_ == 255) {
        cursor_ = 1;
    }
}

void EndpointIds::added(std::optional<std::uint8_t> id)
{
    if (!id) {
        tableKnown_ = false;
        cursor_ = 0;
        return;
    }
    used_.set(*id);
    if (cursor_ != 0) {
        cursor_ = std::max(cursor_, *id);
    }
}

// After an add without an id the cursor is the chosen id, unless the
// choice wrapped around to a low id (then the cursor stayed where it was,
// unknown here); with at most 8 endpoints a wrap needs a cursor near 255.
void EndpointIds::chosen(std::uint8_t id)
{
    used_.set(id);
    cursor_ = id;
}

void EndpointIds::deleted(std::uint8_t id)
{
    used_.reset(id);  // the cursor never moves back
}

void EndpointIds::flushed()
{
    used_.reset();
    tableKnown_ = true;
    cursor_ = 1;
}

void EndpointIds::forget()
{
    tableKnown_ = false;
    cursor_ = 0;
}

}  // namespace mptcp
