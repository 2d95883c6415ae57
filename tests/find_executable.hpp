// Where an executable is, as execve() needs it: shared by the test harness
// and the benchmark (no gtest here).
#pragma once

#include <string>

namespace mptcp {

// name itself when it holds a '/', else the first match on PATH (a default
// PATH when none is set); "" when there is none.
std::string findExecutable(const std::string& name);

}  // namespace mptcp
