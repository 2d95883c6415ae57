// The benchmark runs as a child of a small supervisor that outlives it: the
// child owns the throwaway namespace and every service, and however it ends
// (done, failed, Ctrl-C, killed) the supervisor removes the work directory
// with the buses' sockets and the logs. The logs stay when the run failed.
#pragma once

#include <functional>
#include <string>

namespace mptcp::bench {

// Makes the work directory, runs fn(workDir) in a child process and
// returns its exit status (128 + signal when it was killed).
int runSupervised(const std::function<int(const std::string& workDir)>& fn);

}  // namespace mptcp::bench
