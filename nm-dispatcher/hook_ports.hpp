// The hook's two outside partners as small interfaces, so that its logic
// runs in unit tests without NetworkManager or a bus: the real ones
// (GDBus) are in nm_settings.* and path_manager_calls.*.
#pragma once

#include "dispatch_policy.hpp"
#include "journal_log.hpp"

#include <stdexcept>
#include <string>
#include <vector>

namespace mptcp::dispatch {

// NetworkManager's settings of the connection at a D-Bus object path.
class ConnectionSettingsSource {
public:
    virtual ~ConnectionSettingsSource() = default;
    // Throws LookupError saying why the settings could not be had.
    virtual ConnectionSettings lookup(const std::string& dbusPath) = 0;
};

class LookupError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The answer of one call to org.mptcp.PathManager.
struct CallResult {
    CallResult() = default;
    CallResult(bool succeeded, std::string error, std::string text, int unansweredMs = 0)
        : ok(succeeded), errorName(std::move(error)), message(std::move(text)), unansweredAfterMs(unansweredMs)
    {
    }

    bool ok = true;
    std::string errorName;  // a D-Bus error name when !ok
    std::string message;
    std::vector<std::string> released;  // ReleaseOwner: the interfaces it released
    // > 0: no answer came within this many milliseconds. The service may
    // still have received the call and carry it out: not "nothing changed".
    int unansweredAfterMs = 0;
};

struct ManageOptions {
    bool uniqueLocal = false;
    std::string owner;   // the connection's uuid, shown by ListManagedInterfaces
    std::string source;  // why these flags, shown by ListManagedInterfaces
    // NetworkManager calls `up` again when the device comes back: the
    // management ends with the interface.
    bool transient = true;
};

class PathManagerCalls {
public:
    virtual ~PathManagerCalls() = default;
    virtual CallResult manageInterface(const std::string& interface, const std::vector<std::string>& flags,
                                       const ManageOptions& options) = 0;
    virtual CallResult releaseInterface(const std::string& interface) = 0;
    // Releases every interface managed with this owner (a connection uuid).
    virtual CallResult releaseOwner(const std::string& owner) = 0;
};

// Where the hook's lines go (stderr, which NetworkManager's dispatcher
// hands to the journal).
class HookLog {
public:
    virtual ~HookLog() = default;
    // A line at its journal priority (docs/logging.md). Partners that keep
    // no priority (the tests' recorders) get the text alone.
    virtual void write(journal::Priority priority, const std::string& text)
    {
        (void)priority;
        line(text);
    }
    // A line at info priority.
    virtual void line(const std::string& text) = 0;
};

}  // namespace mptcp::dispatch
