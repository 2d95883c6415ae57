// The service's D-Bus errors as ip prints the kernel's refusals. The
// service words its messages for people and quotes the kernel's own text
// as "(kernel: TEXT)"; ip prints "Error: TEXT." (exit 2). Where the
// service refused before asking the kernel, the kernel's words for the
// same rule are used, so that the output is that of ip for the same state.
#pragma once

#include "cli_exit.hpp"

#include <string>

namespace mptcp::cli {

inline constexpr const char* kServiceName = "org.mptcp.PathManager";

// An error reply of the service (or of the bus on its behalf).
CliExit translateError(const std::string& name, const std::string& message);

// The bus itself cannot be reached (no system bus, no permission).
CliExit busUnreachable(const std::string& why);

}  // namespace mptcp::cli
