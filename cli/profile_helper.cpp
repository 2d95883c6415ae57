#include "profile_helper.hpp"

#include "cli_exit.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#ifndef MPTCPCTL_PROFILE_HELPER
#error "MPTCPCTL_PROFILE_HELPER (the installed helper's path) must be defined by the build"
#endif

namespace mptcp::cli {

void execProfileHelper(std::span<const std::string> words, const GlobalOptions& options)
{
    const char* fromEnv = std::getenv("MPTCPCTL_PROFILE_HELPER");
    const std::string helper = fromEnv != nullptr && *fromEnv != '\0' ? fromEnv : MPTCPCTL_PROFILE_HELPER;
    std::vector<std::string> args{helper};
    if (options.json) {
        args.emplace_back("-j");
    }
    if (options.pretty) {
        args.emplace_back("-p");
    }
    args.insert(args.end(), words.begin(), words.end());
    std::vector<char*> argv;
    for (auto& a : args) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    execv(helper.c_str(), argv.data());
    throw CliFailure(kExitUnreachable, "Error: mptcpctl: cannot run " + helper + ": " + std::strerror(errno) +
                                           " (the profile command needs it; is mptcp-pathmanager fully installed?)\n");
}

}  // namespace mptcp::cli
