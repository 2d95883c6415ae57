// The kernel tests' own reading of the socket diagnostics, written apart
// from the service's codec (plugin/sock_diag/sock_diag_codec.*) so that a mistake
// there cannot hide in both: a plain netlink socket, the request built by
// hand, the answer read field by field. Only what the tests compare: the
// connections' tokens, 4-tuples, owners, states and subflow counts, and
// the subflows' 4-tuples grouped by their local token.
//
// Runs in the network namespace of the calling thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mptcp::testing {

struct TruthSubflow {
    std::string local;  // "ADDR:PORT", the address as inet_ntop writes it
    std::string remote;
    bool join = false;  // MP_JOIN flag of either side
    bool operator==(const TruthSubflow&) const = default;
};

struct TruthConnection {
    std::uint32_t token = 0;
    int family = 0;
    std::string local;
    std::string remote;
    std::uint32_t uid = 0;
    std::string state;                      // lower-case TCP state name
    std::uint32_t subflows = 0;             // mptcp_info's subflows_total
    std::vector<TruthSubflow> subflowList;  // the TCP dump's, initial first
    bool operator==(const TruthConnection&) const = default;
};

// Every MPTCP connection (token != 0, not listening) by token, with its
// subflows from the TCP dumps. Throws std::runtime_error on any failure.
std::map<std::uint32_t, TruthConnection> readKernelTruth();

}  // namespace mptcp::testing
