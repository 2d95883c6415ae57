#include "peer_tracker.hpp"

#include "journal_log.hpp"

#include <sdbus-c++/Error.h>
#include <sdbus-c++/Message.h>

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

void PeerTracker::watch(sdbus::IConnection& bus)
{
    match_ = bus.addMatch(kVanishedRule, [this](sdbus::Message& msg) {
        // sdbus-c++ 1.2 lets exceptions from a match callback escape into
        // sd-bus's C frames: nothing may leave this lambda.
        try {
            std::string name, oldOwner, newOwner;
            msg >> name >> oldOwner >> newOwner;
            nameOwnerChanged(name, oldOwner, newOwner);
        } catch (const std::exception& e) {
            journal::logLine(journal::Priority::Warning, "mptcp-pathmanagerd",
                             std::string("peer tracker: unreadable NameOwnerChanged: ") + e.what());
        } catch (...) {
            journal::logLine(journal::Priority::Warning, "mptcp-pathmanagerd",
                             "peer tracker: unreadable NameOwnerChanged");
        }
    });
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
            journal::logLine(journal::Priority::Error, "mptcp-pathmanagerd",
                             "peer tracker: a listener for " + name + " failed: " + e.what());
        } catch (...) {
            journal::logLine(journal::Priority::Error, "mptcp-pathmanagerd",
                             "peer tracker: a listener for " + name + " failed");
        }
    }
}

}  // namespace mptcp::dbus
