// mptcpctl: the `ip mptcp` command line over D-Bus, through the
// org.mptcp.PathManager service. See mptcpctl(8).
#include "cli_exit.hpp"
#include "command_parser.hpp"
#include "commands.hpp"
#include "error_translation.hpp"
#include "global_options.hpp"
#include "monitor.hpp"
#include "path_manager_bus.hpp"
#include "userspace_commands.hpp"

#include <cstdio>
#include <exception>
#include <optional>
#include <string>
#include <vector>

namespace {

mptcp::cli::PathManagerBus connectOrFail()
{
    using namespace mptcp::cli;
    try {
        return PathManagerBus::connect();
    } catch (const BusError& e) {
        throw CliFailure(kExitUnreachable, busUnreachable(e.message).message);
    }
}

int run(const std::vector<std::string>& args)
{
    using namespace mptcp::cli;
    const ParsedOptions parsed = parseGlobalOptions(args);
    if (parsed.options.showHelp) {
        std::fputs(fullUsage().c_str(), stdout);
        return 0;
    }
    if (parsed.options.showVersion) {
        std::printf("mptcpctl, mptcp-pathmanager %s\n", MPTCPCTL_VERSION);
        return 0;
    }
    const std::span<const std::string> words(args.begin() + static_cast<std::ptrdiff_t>(parsed.firstWord), args.end());
    // The userspace path manager's commands (connection announce/remove/
    // addresses, subflow, path-manager) first: userspace_commands.hpp.
    if (const auto userspace = parseUserspaceCommand(words, deviceExistsHere)) {
        PathManagerBus bus = connectOrFail();
        const std::string out = runUserspaceCommand(*userspace, parsed.options, bus);
        std::fwrite(out.data(), 1, out.size(), stdout);
        return std::fflush(stdout) == 0 ? 0 : 1;
    }
    const Command command = parseCommand(words, deviceExistsHere);
    if (command.action == Action::Usage) {
        // Byte for byte `ip mptcp help`; `mptcpctl -help` lists the rest.
        std::fputs(kCommandUsage, stderr);
        return kExitArguments;  // as `ip mptcp help`
    }
    std::optional<PathManagerBus> bus;
    try {
        bus.emplace(PathManagerBus::connect());
    } catch (const BusError& e) {
        throw CliFailure(kExitUnreachable, busUnreachable(e.message).message);
    }
    if (command.action == Action::Monitor) {
        return runMonitor(*bus, parsed.options);
    }
    const std::string out = runCommand(command, parsed.options, *bus);
    std::fwrite(out.data(), 1, out.size(), stdout);
    return std::fflush(stdout) == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv)
{
    try {
        return run(std::vector<std::string>(argv + 1, argv + argc));
    } catch (const mptcp::cli::CliFailure& f) {
        std::fflush(stdout);
        std::fputs(f.exit().message.c_str(), stderr);
        return f.exit().status;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "Error: mptcpctl: %s\n", e.what());
        return 1;
    }
}
