// The options before the command, as ip reads them (`ip -j -p mptcp ...`
// becomes `mptcpctl -j -p ...`): single or double dash, abbreviations in
// ip's order of precedence. Options that change nothing for MPTCP
// (-4, -s, -c, ...) are accepted and ignored, so ip command lines keep
// working; -netns and -batch are refused with a reason.
#pragma once

#include <cstddef>
#include <span>
#include <string>

namespace mptcp::cli {

enum class Timestamps { None, Long, Short };  // -t: ip's "Timestamp: ..." line; -ts: "[...] " prefix

struct GlobalOptions {
    bool json = false;
    bool pretty = false;
    bool details = false;  // -d: `connection show` adds its subflows
    Timestamps timestamps = Timestamps::None;
    bool showVersion = false;
    bool showHelp = false;
    // --no-ask-password: never let polkit ask for a password.
    bool askPassword = true;
};

struct ParsedOptions {
    GlobalOptions options;
    std::size_t firstWord = 0;  // index of the command's first word
};

// Throws CliFailure (status 255) for an unknown or incomplete option.
ParsedOptions parseGlobalOptions(std::span<const std::string> args);

// `mptcpctl -help`: options and commands, for stdout.
std::string fullUsage();

}  // namespace mptcp::cli
