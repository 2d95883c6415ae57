// The command line of `mptcpctl profile` (mptcpctl hands its words to the
// helper mptcpctl-profile):
//   profile show [PROFILE]
//   profile set PROFILE FLAG...     signal subflow backup fullmesh laminar, or none
//   profile set PROFILE default     remove the key: the configuration decides
// with mptcpctl's -j (JSON) and -p (pretty) in front. Pure: no libnm here.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <variant>

namespace mptcp::profile {

struct ProfileCommand {
    enum class Verb { Show, Set } verb = Verb::Show;
    bool json = false;
    bool pretty = false;
    std::string profile;  // id or uuid; "" = every profile (show only)
    // set: the text to store ("subflow,backup", "none"), or nullopt for
    // `default` (the key is removed).
    std::optional<std::string> flags;
};

// The command, or why the words are not one (a message for stderr,
// without "Error: ").
std::variant<ProfileCommand, std::string> parseProfileCommand(std::span<const std::string> words);

extern const char* const kProfileUsage;

}  // namespace mptcp::profile
