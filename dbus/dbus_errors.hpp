// The contract's error names, and the one place that turns anything thrown
// below the D-Bus boundary into an sdbus::Error. sdbus-c++ 1.2 catches only
// sdbus::Error in its callbacks; anything else would unwind through sd-bus's
// C frames and abort the daemon.
#pragma once

#include "pm_error.hpp"

#include <sdbus-c++/Error.h>

#include <string>

namespace mptcp::dbus {

inline constexpr const char* kInvalidArgs = "org.freedesktop.DBus.Error.InvalidArgs";
inline constexpr const char* kAccessDenied = "org.freedesktop.DBus.Error.AccessDenied";
inline constexpr const char* kNotFound = "org.mptcp.PathManager.Error.NotFound";
inline constexpr const char* kExists = "org.mptcp.PathManager.Error.Exists";
inline constexpr const char* kLimitReached = "org.mptcp.PathManager.Error.LimitReached";
inline constexpr const char* kNotSupported = "org.mptcp.PathManager.Error.NotSupported";
inline constexpr const char* kFailed = "org.mptcp.PathManager.Error.Failed";

const char* errorName(ErrorKind kind);

// Runs fn; whatever it throws leaves as an sdbus::Error with a contract name.
template <typename Fn>
auto atBoundary(const char* method, Fn&& fn) -> decltype(fn())
{
    try {
        return fn();
    } catch (const sdbus::Error&) {
        throw;
    } catch (const PmError& e) {
        throw sdbus::Error(errorName(e.kind()), e.what());
    } catch (const std::exception& e) {
        throw sdbus::Error(kFailed, std::string(method) + ": internal error: " + e.what());
    } catch (...) {
        throw sdbus::Error(kFailed, std::string(method) + ": internal error");
    }
}

}  // namespace mptcp::dbus
