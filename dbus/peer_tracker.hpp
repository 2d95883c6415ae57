// Tells whoever asks when a bus peer (a unique name such as ":1.42") leaves
// the bus, from the bus's own NameOwnerChanged signal: one match for the
// whole daemon, any number of listeners (the monitor drops the peer's
// subscription, the authorizer its cached uid). Unique names are never
// reused, so a vanished name is gone for good.
#pragma once

#include <systemd/sd-bus.h>

#include <functional>
#include <string>
#include <vector>

namespace mptcp::dbus {

class PeerTracker {
public:
    using Listener = std::function<void(const std::string& uniqueName)>;

    PeerTracker() = default;
    ~PeerTracker() { sd_bus_slot_unref(match_); }
    PeerTracker(const PeerTracker&) = delete;
    PeerTracker& operator=(const PeerTracker&) = delete;

    // Installs the match on the bus (a synchronous call to the bus, so do
    // it before serving). Throws BusFailure.
    void watch(sd_bus* bus);

    // listener runs on the event loop's thread for every unique name that
    // leaves the bus. What it throws is logged and goes no further.
    void onVanished(Listener listener);

    // One NameOwnerChanged(name, old_owner, new_owner), as the bus sends it.
    void nameOwnerChanged(const std::string& name, const std::string& oldOwner, const std::string& newOwner);

private:
    static int onSignal(sd_bus_message* m, void* userData, sd_bus_error* error);

    std::vector<Listener> listeners_;
    sd_bus_slot* match_ = nullptr;
};

}  // namespace mptcp::dbus
