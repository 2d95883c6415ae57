// `mptcpctl profile ...` is carried out by a helper of its own,
// mptcpctl-profile (cli/profile/), which uses libnm. mptcpctl only execs
// it: linking libnm (and with it GLib) here would slow every endpoint,
// limits and monitor command down by its start-up cost.
#pragma once

#include "global_options.hpp"

#include <span>
#include <string>

namespace mptcp::cli {

// Replaces this process with the helper, passing -j/-p and the words
// after `profile`. Returns only when the helper could not be run: throws
// CliFailure then. The helper's path is MPTCPCTL_PROFILE_HELPER from the
// environment (tests run the built one), else the installed one.
[[noreturn]] void execProfileHelper(std::span<const std::string> words, const GlobalOptions& options);

}  // namespace mptcp::cli
