// The uid behind each unique bus name that asked for a change, so that the
// bus is asked once per connection rather than once per call (the read and
// write paths have a budget of microseconds, a bus round trip costs more).
// Unique names are never reused on a bus, so an entry can never come to name
// someone else; entries are dropped when the name leaves the bus (forget(),
// called by whoever watches NameOwnerChanged) and the whole map is bounded,
// so a caller that connects, changes something and disconnects in a loop
// cannot grow the daemon. The asking itself is the authorizer's
// (asynchronous): this is only the memory.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>

namespace mptcp::dbus {

class CallerUidCache {
public:
    explicit CallerUidCache(std::size_t capacity = 256) : capacity_(capacity == 0 ? 1 : capacity) {}

    std::optional<uid_t> find(const std::string& uniqueName) const;
    void remember(const std::string& uniqueName, uid_t uid);
    void forget(const std::string& uniqueName) { uids_.erase(uniqueName); }
    std::size_t size() const { return uids_.size(); }

private:
    std::size_t capacity_;
    std::unordered_map<std::string, uid_t> uids_;
};

}  // namespace mptcp::dbus
