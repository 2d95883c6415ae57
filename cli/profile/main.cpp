// mptcpctl-profile: `mptcpctl profile show|set`, the per-profile MPTCP
// flags that the dispatcher hook reads (user data mptcp-pathmanager.flags).
// A helper of its own, which mptcpctl runs for the `profile` words, so
// that mptcpctl itself never loads libnm or GLib: its endpoint, limits and
// monitor commands keep their start-up cost. See mptcpctl(8).
#include "config_file.hpp"
#include "nm_profiles.hpp"
#include "profile_command.hpp"
#include "profile_view.hpp"

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#ifndef MPTCP_DISPATCHER_CONF
#error "MPTCP_DISPATCHER_CONF (the hook's configuration file) must be defined by the build"
#endif

namespace {

using namespace mptcp::profile;

constexpr int kExitArguments = 255;  // as mptcpctl: refused before anything was asked

int show(const ProfileCommand& command)
{
    // The hook's configuration, read as the hook reads it: a broken file
    // means the built-in defaults, and the hook would say so too.
    const auto config = mptcp::dispatch::loadConfigFile(MPTCP_DISPATCHER_CONF);
    if (!config.problem.empty()) {
        std::fprintf(stderr, "Warning: %s\n", config.problem.c_str());
    }
    NmProfiles nm;
    std::vector<NMRemoteConnection*> chosen;
    if (command.profile.empty()) {
        chosen = nm.all();
    } else {
        chosen.push_back(nm.find(command.profile));
    }
    std::vector<ProfileView> views;
    for (auto* connection : chosen) {
        const Placement where = nm.placementOf(connection);
        views.push_back(viewOf(NmProfiles::settingsOf(connection), where.device, where.active, config.config));
    }
    const std::string out = command.json ? describeJson(views, command.pretty) : describeText(views);
    std::fwrite(out.data(), 1, out.size(), stdout);
    return std::fflush(stdout) == 0 ? 0 : 1;
}

int set(const ProfileCommand& command)
{
    NmProfiles nm;
    NMRemoteConnection* connection = nm.find(command.profile);
    const std::string id = nm_connection_get_id(NM_CONNECTION(connection));
    nm.storeFlags(connection, command.flags);
    const auto devices = nm.reapply(connection);
    std::string line = id + ": flags " + command.flags.value_or("default") + " saved";
    for (const auto& device : devices) {
        line += "; reapplied on " + device;
    }
    std::printf("%s\n", line.c_str());
    return std::fflush(stdout) == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv)
{
    const std::vector<std::string> words(argv + 1, argv + argc);
    if (words.size() == 1 && (words[0] == "help" || words[0] == "--help" || words[0] == "-h")) {
        std::fputs(kProfileUsage, stdout);
        return 0;
    }
    const auto parsed = parseProfileCommand(words);
    if (const auto* why = std::get_if<std::string>(&parsed)) {
        std::fprintf(stderr, "Error: mptcpctl profile: %s\n%s", why->c_str(), kProfileUsage);
        return kExitArguments;
    }
    const auto& command = std::get<ProfileCommand>(parsed);
    try {
        return command.verb == ProfileCommand::Verb::Show ? show(command) : set(command);
    } catch (const ProfileError& e) {
        std::fflush(stdout);
        std::fprintf(stderr, "Error: mptcpctl profile: %s\n", e.what());
        return e.status();
    } catch (const std::exception& e) {
        std::fflush(stdout);
        std::fprintf(stderr, "Error: mptcpctl profile: %s\n", e.what());
        return 1;
    }
}
