// The contract's error names, and the name of each PmError kind
// (msg::toError() turns anything thrown below the D-Bus boundary into one).
#pragma once

#include "pm_error.hpp"

namespace mptcp::dbus {

inline constexpr const char* kInvalidArgs = "org.freedesktop.DBus.Error.InvalidArgs";
inline constexpr const char* kAccessDenied = "org.freedesktop.DBus.Error.AccessDenied";
inline constexpr const char* kNotFound = "org.mptcp.PathManager.Error.NotFound";
inline constexpr const char* kExists = "org.mptcp.PathManager.Error.Exists";
inline constexpr const char* kLimitReached = "org.mptcp.PathManager.Error.LimitReached";
inline constexpr const char* kNotSupported = "org.mptcp.PathManager.Error.NotSupported";
inline constexpr const char* kFailed = "org.mptcp.PathManager.Error.Failed";

const char* errorName(ErrorKind kind);

}  // namespace mptcp::dbus
