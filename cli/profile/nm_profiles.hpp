// NetworkManager's connection profiles through libnm, with the caller's own
// NetworkManager permissions (no root path through the service): read
// them, store a profile's user data mptcp-pathmanager.flags on disk
// (Update2 with TO_DISK) and reapply an active profile on its device
// (Device.Reapply: the same active connection, so the hook runs at once
// with action "reapply"). Only this part of mptcpctl-profile uses libnm.
#pragma once

#include "dispatch_policy.hpp"

#include <NetworkManager.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace mptcp::profile {

inline constexpr const char* kUserDataKey = "mptcp-pathmanager.flags";

// A failure with the exit status mptcpctl gives it (1: NetworkManager
// unreachable, 2: it refused or there is no such profile).
class ProfileError : public std::runtime_error {
public:
    ProfileError(int status, const std::string& message) : std::runtime_error(message), status_(status) {}
    int status() const { return status_; }

private:
    int status_;
};

struct Placement {
    std::string device;  // IP interface when active, else connection.interface-name, else ""
    bool active = false;
};

class NmProfiles {
public:
    NmProfiles();  // connects (throws ProfileError 1)
    ~NmProfiles();
    NmProfiles(const NmProfiles&) = delete;
    NmProfiles& operator=(const NmProfiles&) = delete;

    // Every profile, by id then uuid.
    std::vector<NMRemoteConnection*> all() const;
    // The profile whose uuid is `name`, else the one whose id is; throws
    // ProfileError 2 when there is none, or several with that id.
    NMRemoteConnection* find(const std::string& name) const;

    // The settings as the hook reads them (the same a{sa{sv}} parser).
    static dispatch::ConnectionSettings settingsOf(NMRemoteConnection* connection);
    Placement placementOf(NMRemoteConnection* connection) const;

    // Stores `flags` under the user data key (nullopt removes the key) and
    // saves the profile to disk. Throws ProfileError 2.
    void storeFlags(NMRemoteConnection* connection, const std::optional<std::string>& flags);
    // Reapplies the profile on every device it is active on; the names of
    // those devices (none when it is not active). Throws ProfileError 2.
    std::vector<std::string> reapply(NMRemoteConnection* connection);

private:
    NMClient* client_ = nullptr;
};

}  // namespace mptcp::profile
