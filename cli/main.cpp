// mptcpctl: the `ip mptcp` command line over D-Bus, through the
// org.mptcp.PathManager service. See mptcpctl(8).
#include "cli_exit.hpp"
#include "command_parser.hpp"
#include "commands.hpp"
#include "error_translation.hpp"
#include "global_options.hpp"
#include "monitor.hpp"
#include "path_manager_bus.hpp"
#include "polkit_agent.hpp"
#include "profile_helper.hpp"
#include "userspace_commands.hpp"

#include <cstdio>
#include <exception>
#include <optional>
#include <string>
#include <vector>

namespace {

bool changes(mptcp::cli::Action action)
{
    using mptcp::cli::Action;
    switch (action) {
        case Action::EndpointAdd:
        case Action::EndpointDelete:
        case Action::EndpointChange:
        case Action::EndpointFlush:
        case Action::LimitsSet:
            return true;
        default:
            return false;
    }
}

bool userspaceChanges(mptcp::cli::UserspaceAction action)
{
    using mptcp::cli::UserspaceAction;
    return action != UserspaceAction::PathManagerShow && action != UserspaceAction::ListAddresses;
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
    if (!words.empty() && words.front() == "profile") {
        execProfileHelper(words.subspan(1), parsed.options);  // libnm lives there, not here
    }
    // The userspace path manager's commands (connection announce/remove/
    // addresses, subflow, path-manager) first: userspace_commands.hpp.
    const std::optional<UserspaceCommand> userspace = parseUserspaceCommand(words, deviceExistsHere);
    const Command command = userspace ? Command{} : parseCommand(words, deviceExistsHere);
    if (!userspace && command.action == Action::Usage) {
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
    if (!userspace && command.action == Action::Monitor) {
        return runMonitor(*bus, parsed.options);
    }
    // On a terminal, as systemctl: polkit may ask for a password, through a
    // text agent started for this one change.
    PolkitAgent agent;
    if (mayAskPassword(parsed.options.askPassword)) {
        try {
            bus->allowInteractiveAuthorization();
        } catch (const BusError& e) {
            throw CliFailure(kExitUnreachable, busUnreachable(e.message).message);
        }
        if (userspace ? userspaceChanges(userspace->action) : changes(command.action)) {
            agent.startIfUseful();
        }
    }
    const std::string out =
        userspace ? runUserspaceCommand(*userspace, parsed.options, *bus) : runCommand(command, parsed.options, *bus);
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
