// For tests that talk to the real kernel: a network namespace of the test
// process's own, so nothing of the host's network is ever touched, and the
// rule for when the kernel cannot be had.
#pragma once

#include <span>
#include <string>

namespace mptcp::testing {

// Moves this whole process into a fresh network namespace with lo up and
// `addresses` on lo (the namespace dies with the process). Returns "" on
// success, else why it is not possible here (not root, no namespaces, no
// MPTCP). Call once per process.
std::string enterPrivateNetworkNamespace(std::span<const char* const> addresses);

// GTEST_SKIP with the reason — or, when CI=true, a failure: in CI a kernel
// test that cannot run is a broken test, not a skip.
void skipOrFailInCi(const std::string& why);

}  // namespace mptcp::testing
