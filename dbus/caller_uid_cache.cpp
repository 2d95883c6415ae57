#include "caller_uid_cache.hpp"

namespace mptcp::dbus {

uid_t CallerUidCache::uidOf(const std::string& uniqueName)
{
    if (const auto it = uids_.find(uniqueName); it != uids_.end()) {
        return it->second;
    }
    const uid_t uid = lookup_(uniqueName);
    // Full: start over rather than track ages. Callers that are still
    // connected are asked again once; nobody is ever mistaken for another.
    if (uids_.size() >= capacity_) {
        uids_.clear();
    }
    uids_.emplace(uniqueName, uid);
    return uid;
}

}  // namespace mptcp::dbus
