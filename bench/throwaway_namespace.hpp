// The benchmark runs in a network namespace of its own: every endpoint,
// limit and connection it makes is there, and the namespace dies with the
// process. The host's network is never touched.
#pragma once

#include <string>

namespace mptcp::bench {

// Moves this process into a fresh network namespace with lo up. Returns ""
// on success, else why that is impossible here (not root, no namespaces, no
// MPTCP). Call before starting any thread or child.
std::string enterThrowawayNamespace();

// Whether this process is in a network namespace other than the one it
// started in (a guard before anything that changes MPTCP configuration).
bool leftOriginalNamespace();

}  // namespace mptcp::bench
