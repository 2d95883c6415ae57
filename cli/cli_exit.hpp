// How mptcpctl ends when it cannot do what was asked: the text for stderr
// (complete, with its newlines) and the exit status, in ip's terms:
//   255  the command line was refused before anything was sent
//     1  a word could not be parsed, or the service could not be reached
//     2  the kernel or the service refused (also: not authorized)
#pragma once

#include <string>
#include <utility>

namespace mptcp::cli {

inline constexpr int kExitArguments = 255;
inline constexpr int kExitUnparsable = 1;
inline constexpr int kExitUnreachable = 1;
inline constexpr int kExitRefused = 2;

struct CliExit {
    int status;
    std::string message;  // for stderr, newline included
};

// Thrown by the parser and the command runner; caught in main().
class CliFailure {
public:
    CliFailure(int status, std::string message) : exit_{status, std::move(message)} {}
    const CliExit& exit() const { return exit_; }

private:
    CliExit exit_;
};

// ip's invarg(): `Error: argument "ARG" is wrong: MSG`. Some of ip's
// messages end in their own "\n", which ip prints as an empty line; the
// callers pass those on as they are, byte for byte.
[[noreturn]] inline void wrongArgument(const std::string& message, const std::string& arg)
{
    throw CliFailure(kExitArguments, "Error: argument \"" + arg + "\" is wrong: " + message + "\n");
}

// ip's missarg().
[[noreturn]] inline void missingArgument(const std::string& key)
{
    throw CliFailure(kExitArguments, "Error: argument \"" + key + "\" is required\n");
}

// ip's NEXT_ARG() at the end of the words.
[[noreturn]] inline void incompleteCommand()
{
    throw CliFailure(kExitArguments, "Command line is not complete. Try option \"help\"\n");
}

// What get_addr() says of a word that is no address (exit 1).
[[noreturn]] inline void notAnAddress(const std::string& word)
{
    throw CliFailure(kExitUnparsable, "Error: any valid address is expected rather than \"" + word + "\".\n");
}

// A refusal as ip prints the kernel's extended ack: "Error: TEXT." with a
// final dot added when the text has none.
inline std::string refusalLine(const std::string& text)
{
    std::string line = "Error: " + text;
    if (text.empty() || text.back() != '.') {
        line += '.';
    }
    return line + "\n";
}

}  // namespace mptcp::cli
