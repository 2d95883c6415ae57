#include "profile_command.hpp"

#include "dispatch_flags.hpp"

namespace mptcp::profile {

const char* const kProfileUsage =
    "Usage: mptcpctl [-j [-p]] profile show [PROFILE]\n"
    "       mptcpctl profile set PROFILE FLAG...\n"
    "       mptcpctl profile set PROFILE { none | default }\n"
    "FLAG := signal | subflow | backup | fullmesh | laminar\n"
    "PROFILE := a NetworkManager connection profile's id (name) or uuid\n";

std::variant<ProfileCommand, std::string> parseProfileCommand(std::span<const std::string> words)
{
    ProfileCommand c;
    std::size_t i = 0;
    // mptcpctl passes its global options on in front.
    for (; i < words.size() && words[i].starts_with("-"); ++i) {
        if (words[i] == "-j") {
            c.json = true;
        } else if (words[i] == "-p") {
            c.pretty = true;
        } else {
            return "unknown option \"" + words[i] + "\"";
        }
    }
    if (i == words.size()) {
        return std::string("missing a command: show or set");
    }
    const std::string& verb = words[i++];
    if (verb == "show") {
        c.verb = ProfileCommand::Verb::Show;
        if (i < words.size()) {
            c.profile = words[i++];
            if (c.profile.empty()) {
                return std::string("the profile name is empty");
            }
        }
        if (i < words.size()) {
            return "show takes at most one profile, not also \"" + words[i] + "\"";
        }
        return c;
    }
    if (verb != "set") {
        return "unknown command \"" + verb + "\": show or set";
    }
    c.verb = ProfileCommand::Verb::Set;
    if (i == words.size() || words[i].empty()) {
        return std::string("set needs a profile (its id or uuid)");
    }
    c.profile = words[i++];
    if (i == words.size()) {
        return "set " + c.profile + " needs flags, none or default";
    }
    if (words.size() - i == 1 && words[i] == "default") {
        c.flags.reset();
        return c;
    }
    std::string list;
    for (; i < words.size(); ++i) {
        if (words[i] == "default") {
            return std::string("default stands alone: it removes the profile's flags");
        }
        list += (list.empty() ? "" : ",") + words[i];
    }
    // The text stored is the hook's own canonical form, so that what the
    // hook reads back is exactly what was checked here.
    auto parsed = dispatch::parseFlagList(list);
    if (auto* why = std::get_if<std::string>(&parsed)) {
        return "flags \"" + list + "\": " + *why;
    }
    c.flags = dispatch::flagListText(std::get<dispatch::FlagBits>(parsed));
    return c;
}

}  // namespace mptcp::profile
