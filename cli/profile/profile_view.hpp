// What `mptcpctl profile show` says about a profile: what is stored in it
// and what the dispatcher hook would decide for it now, and why. The
// decision is the hook's own (plugin/hook/dispatch_policy), from the same
// settings and the same configuration file. Pure: no libnm here.
#pragma once

#include "dispatch_config.hpp"
#include "dispatch_policy.hpp"

#include <optional>
#include <string>
#include <vector>

namespace mptcp::profile {

struct ProfileView {
    std::string id;
    std::string uuid;
    std::string type;    // connection.type, e.g. "802-3-ethernet"
    std::string device;  // the IP interface it is active on, or its interface-name, or ""
    bool active = false;
    std::optional<std::string> stored;  // user data mptcp-pathmanager.flags; nullopt = default
    dispatch::Decision decision;        // what the hook would do on `up` now
};

// The view of one profile; `device` is where the hook would act (empty
// when the profile names no interface and is not active: an
// [interface:GLOB] section then cannot match).
ProfileView viewOf(const dispatch::ConnectionSettings& settings, const std::string& device, bool active,
                   const dispatch::DispatchConfig& config);

// "manage with subflow,backup", "no endpoints (flags none)" or
// "left to NetworkManager".
std::string decisionText(const dispatch::Decision& d);

// One block per profile, for people.
std::string describeText(const std::vector<ProfileView>& views);

// A JSON array of objects: name, uuid, type, device, active, flags (the
// stored text or "default"), decision ("manage", "release" or "ignore"),
// decided-flags, reason.
std::string describeJson(const std::vector<ProfileView>& views, bool pretty);

}  // namespace mptcp::profile
