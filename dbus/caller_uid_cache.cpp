#include "caller_uid_cache.hpp"

namespace mptcp::dbus {

std::optional<uid_t> CallerUidCache::find(const std::string& uniqueName) const
{
    if (const auto it = uids_.find(uniqueName); it != uids_.end()) {
        return it->second;
    }
    return std::nullopt;
}

void CallerUidCache::remember(const std::string& uniqueName, uid_t uid)
{
    // Full: start over rather than track ages. Callers that are still
    // connected are asked again once; nobody is ever mistaken for another.
    if (uids_.size() >= capacity_ && uids_.find(uniqueName) == uids_.end()) {
        uids_.clear();
    }
    uids_[uniqueName] = uid;
}

}  // namespace mptcp::dbus
