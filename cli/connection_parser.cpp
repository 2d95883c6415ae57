#include "connection_parser.hpp"

#include "cli_exit.hpp"
#include "ip_words.hpp"

namespace mptcp::cli {
namespace {

using Words = std::span<const std::string>;

// `show [token TOKEN]`.
void parseShow(Words args, Command& command)
{
    command.action = Action::ConnectionShow;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (!abbreviates(args[i], "token")) {
            throw CliFailure(kExitArguments,
                             "Error: argument \"" + args[i] + "\" is wrong: expected \"token TOKEN\"\n");
        }
        if (++i >= args.size()) {
            incompleteCommand();
        }
        command.connection.token = parseToken(args[i]);
        if (!command.connection.token) {
            wrongArgument("invalid token, hexadecimal as `connection show` prints it\n", args[i]);
        }
    }
}

struct Verb {
    const char* word;  // matched by abbreviation, in this order
    void (*parse)(Words args, Command& command);
};
constexpr Verb kVerbs[] = {
    {"show", parseShow},
};

}  // namespace

Command parseConnectionCommand(Words rest)
{
    Command command;
    if (rest.empty()) {
        parseShow(rest, command);
        return command;
    }
    for (const Verb& verb : kVerbs) {
        if (abbreviates(rest[0], verb.word)) {
            verb.parse(rest.subspan(1), command);
            return command;
        }
    }
    throw CliFailure(kExitArguments, "Command \"" + rest[0] + "\" is unknown, try \"mptcpctl help\".\n");
}

std::optional<std::uint32_t> parseToken(std::string_view word)
{
    if (word.size() > 2 && word[0] == '0' && (word[1] == 'x' || word[1] == 'X')) {
        word.remove_prefix(2);
    }
    if (word.empty() || word.size() > 8) {
        return std::nullopt;
    }
    std::uint32_t token = 0;
    for (const char c : word) {
        int digit;
        if (c >= '0' && c <= '9') {
            digit = c - '0';
        } else if (c >= 'a' && c <= 'f') {
            digit = c - 'a' + 10;
        } else if (c >= 'A' && c <= 'F') {
            digit = c - 'A' + 10;
        } else {
            return std::nullopt;
        }
        token = token << 4 | static_cast<std::uint32_t>(digit);
    }
    return token;
}

}  // namespace mptcp::cli
