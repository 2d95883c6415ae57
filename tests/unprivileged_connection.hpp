// A bus connection that the bus daemon records as another user's, made
// from the (root) test process itself: the connection is opened on a
// thread of its own whose ids alone are switched with raw setresuid/
// setresgid system calls (glibc's wrappers would switch every thread).
// The bus takes the caller's uid from SO_PEERCRED at connect() and from
// the EXTERNAL authentication sent then, so the connection stays that
// user's for the bus and the service, whatever the thread does after.
#pragma once

#include <sdbus-c++/IConnection.h>
#include <sys/types.h>

#include <memory>
#include <string>

namespace mptcp::test {

inline constexpr uid_t kNobody = 65534;
inline constexpr gid_t kNogroup = 65534;

// Throws std::runtime_error (or sdbus::Error) when it cannot connect.
std::unique_ptr<sdbus::IConnection> connectAs(uid_t uid, gid_t gid, const std::string& busAddress);

}  // namespace mptcp::test
