#include "peer_tracker.hpp"

#include "daemon_log.hpp"
#include "journal_log.hpp"
#include "system_bus.hpp"

#include <cstdio>
#include <exception>

namespace mptcp::dbus {
namespace {

// Only disappearances (new owner ""), and only from the bus itself: a
// signal of that name from any other peer is not the bus speaking.
constexpr const char* kVanishedRule =
    "type='signal',sender='org.freedesktop.DBus',path='/org/freedesktop/DBus',"
    "interface='org.freedesktop.DBus',member='NameOwnerChanged',arg2=''";

}  // namespace

void PeerTracker::watch(sd_bus* bus)
{
    if (const int r = sd_bus_add_match(bus, &match_, kVanishedRule, &PeerTracker::onSignal, this); r < 0) {
        throwBusFailure("cannot watch peers leaving the bus", r);
    }
}

int PeerTracker::onSignal(sd_bus_message* m, void* userData, sd_bus_error* /*error*/)
{
    const char* name = nullptr;
    const char* oldOwner = nullptr;
    const char* newOwner = nullptr;
    if (sd_bus_message_read(m, "sss", &name, &oldOwner, &newOwner) <= 0) {
        daemonLog("peer tracker: unreadable NameOwnerChanged", journal::Priority::Warning);
        return 0;
    }
    // The listeners' failures are caught there: nothing unwinds into
    // sd-bus's C frames.
    try {
        static_cast<PeerTracker*>(userData)->nameOwnerChanged(name, oldOwner, newOwner);
    } catch (const std::exception& e) {
        daemonLog(std::string("peer tracker: ") + e.what(), journal::Priority::Error);
    }
    return 0;
}

void PeerTracker::onVanished(Listener listener)
{
    listeners_.push_back(std::move(listener));
}

void PeerTracker::nameOwnerChanged(const std::string& name, const std::string& oldOwner, const std::string& newOwner)
{
    // A unique name starts with ':' and its only owner is itself; a
    // well-known name changing hands says nothing about a peer.
    if (name.empty() || name[0] != ':' || !newOwner.empty() || oldOwner.empty()) {
        return;
    }
    for (const auto& listener : listeners_) {
        try {
            listener(name);
        } catch (const std::exception& e) {
            daemonLog("peer tracker: a listener for " + name + " failed: " + e.what(), journal::Priority::Error);
        } catch (...) {
            daemonLog("peer tracker: a listener for " + name + " failed", journal::Priority::Error);
        }
    }
}

}  // namespace mptcp::dbus
