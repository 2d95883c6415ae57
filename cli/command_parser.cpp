#include "command_parser.hpp"

#include "cli_exit.hpp"
#include "connection_parser.hpp"
#include "ip_words.hpp"

#include <net/if.h>

#include <cstdio>
#include <limits>

namespace mptcp::cli {

const char* const kCommandUsage =
    "Usage:\tmptcpctl endpoint add ADDRESS [ dev NAME ] [ id ID ]\n"
    "\t\t\t\t      [ port NR ] [ FLAG-LIST ]\n"
    "\tmptcpctl endpoint delete id ID [ ADDRESS ]\n"
    "\tmptcpctl endpoint change [ id ID ] [ ADDRESS ] [ port NR ] CHANGE-OPT\n"
    "\tmptcpctl endpoint show [ id ID ]\n"
    "\tmptcpctl endpoint flush\n"
    "\tmptcpctl limits set [ subflows NR ] [ add_addr_accepted NR ]\n"
    "\tmptcpctl limits show\n"
    "\tmptcpctl monitor\n"
    "\tmptcpctl [ -d ] connection show [ token TOKEN ]\n"
    "FLAG-LIST := [ FLAG-LIST ] FLAG\n"
    "FLAG  := [ signal | subflow | backup | fullmesh | laminar ]\n"
    "CHANGE-OPT := [ backup | nobackup | fullmesh | nofullmesh ]\n";

namespace {

using Words = std::span<const std::string>;

enum class Verb { Add, Delete, Change, Get };

// ip's flag words, compared whole (no abbreviations). nobackup and
// nofullmesh set no bit: in a change, a bit not named is cleared.
struct FlagWord {
    const char* word;
    std::uint32_t bit;
};
constexpr FlagWord kFlagWords[] = {
    {"signal", kFlagSignal},   {"subflow", kFlagSubflow}, {"backup", kFlagBackup}, {"fullmesh", kFlagFullmesh},
    {"laminar", kFlagLaminar}, {"nobackup", 0},           {"nofullmesh", 0},
};

const FlagWord* flagWord(const std::string& word)
{
    for (const FlagWord& f : kFlagWords) {
        if (word == f.word) {
            return &f;
        }
    }
    return nullptr;
}

[[noreturn]] void unknownCommand(const std::string& word)
{
    throw CliFailure(kExitArguments, "Command \"" + word + "\" is unknown, try \"mptcpctl help\".\n");
}

// The word after a keyword that takes a value (ip's NEXT_ARG()).
const std::string& valueAfter(Words words, std::size_t& i)
{
    if (++i >= words.size()) {
        incompleteCommand();
    }
    return words[i];
}

EndpointArgs parseEndpointArgs(Words words, Verb verb, const DeviceExists& deviceExists)
{
    EndpointArgs args;
    for (std::size_t i = 0; i < words.size(); ++i) {
        const std::string& word = words[i];
        if (const FlagWord* flag = flagWord(word)) {
            args.flags |= flag->bit;
            if (verb == Verb::Add && (args.flags & kFlagSignal) && (args.flags & kFlagFullmesh)) {
                wrongArgument("flags mustn't have both signal and fullmesh", word);
            }
            if (verb == Verb::Change && (args.flags & ~(kFlagBackup | kFlagFullmesh))) {
                wrongArgument("invalid flags, backup and fullmesh only", word);
            }
        } else if (abbreviates(word, "id")) {
            const std::string& value = valueAfter(words, i);
            const auto id = parseNumber(value, 255);
            if (!id) {
                wrongArgument("invalid ID\n", value);
            }
            args.id = *id;
        } else if (abbreviates(word, "dev")) {
            const std::string& value = valueAfter(words, i);
            if (!validInterfaceName(value)) {
                wrongArgument("invalid interface name\n", value);
            }
            if (!deviceExists(value)) {
                wrongArgument("device does not exist\n", value);
            }
            args.device = value;
        } else if (abbreviates(word, "port")) {
            const std::string& value = valueAfter(words, i);
            const auto port = parseNumber(value, 65535);
            if (!port) {
                wrongArgument("expected port", value);
            }
            args.port = static_cast<std::uint16_t>(*port);
        } else if (auto address = parseAddress(word)) {
            args.address = std::move(*address);
        } else {
            notAnAddress(word);
        }
    }

    if (verb == Verb::Add && !args.address) {
        missingArgument("ADDRESS");
    }
    if (verb == Verb::Delete) {
        if (!args.id) {
            missingArgument("ID");
        }
        if (*args.id != 0 && args.address) {
            wrongArgument("invalid for non-zero id address\n", "ADDRESS");
        }
        if (*args.id == 0 && !args.address) {
            wrongArgument("address is needed for deleting id 0 address\n", "ID");
        }
    }
    if (verb == Verb::Add && args.port != 0 && !(args.flags & kFlagSignal)) {
        wrongArgument("flags must have signal when using port", "port");
    }
    if (verb == Verb::Change && args.id && args.port != 0) {
        wrongArgument("port can't be used with id", "port");
    }
    return args;
}

void parseLimits(Words words, Command& command)
{
    constexpr auto kMax = std::numeric_limits<std::uint32_t>::max();
    for (std::size_t i = 0; i < words.size(); ++i) {
        const std::string& word = words[i];
        if (abbreviates(word, "subflows")) {
            const std::string& value = valueAfter(words, i);
            command.subflows = parseNumber(value, kMax);
            if (!command.subflows) {
                wrongArgument("invalid subflows\n", value);
            }
        } else if (abbreviates(word, "add_addr_accepted")) {
            const std::string& value = valueAfter(words, i);
            command.addAddrAccepted = parseNumber(value, kMax);
            if (!command.addAddrAccepted) {
                wrongArgument("invalid add_addr_accepted\n", value);
            }
        } else {
            wrongArgument("unknown limit", word);
        }
    }
}

Command endpointCommand(Words rest, const DeviceExists& deviceExists)
{
    Command command;
    if (rest.empty()) {
        command.action = Action::EndpointList;
        return command;
    }
    const std::string& verb = rest[0];
    const Words args = rest.subspan(1);
    if (abbreviates(verb, "add")) {
        command.action = Action::EndpointAdd;
        command.endpoint = parseEndpointArgs(args, Verb::Add, deviceExists);
    } else if (abbreviates(verb, "change")) {
        command.action = Action::EndpointChange;
        command.endpoint = parseEndpointArgs(args, Verb::Change, deviceExists);
    } else if (abbreviates(verb, "delete")) {
        command.action = Action::EndpointDelete;
        command.endpoint = parseEndpointArgs(args, Verb::Delete, deviceExists);
    } else if (abbreviates(verb, "show")) {
        command.action = args.empty() ? Action::EndpointList : Action::EndpointGet;
        if (!args.empty()) {
            command.endpoint = parseEndpointArgs(args, Verb::Get, deviceExists);
        }
    } else if (abbreviates(verb, "flush")) {
        command.action = Action::EndpointFlush;  // ip ignores what follows
    } else {
        unknownCommand(verb);
    }
    return command;
}

}  // namespace

Command parseCommand(Words words, const DeviceExists& deviceExists)
{
    Command command;
    if (words.empty() || abbreviates(words[0], "help")) {
        return command;  // Action::Usage
    }
    if (abbreviates(words[0], "endpoint")) {
        return endpointCommand(words.subspan(1), deviceExists);
    }
    if (abbreviates(words[0], "connection")) {
        return parseConnectionCommand(words.subspan(1));
    }
    // As in ip, a `limits` word that is neither set nor show is looked at
    // again as a command: `limits monitor` monitors.
    Words rest = words;
    if (abbreviates(words[0], "limits")) {
        rest = words.subspan(1);
        if (rest.empty()) {
            command.action = Action::LimitsShow;
            return command;
        }
        if (abbreviates(rest[0], "set") || abbreviates(rest[0], "show")) {
            command.action = abbreviates(rest[0], "set") ? Action::LimitsSet : Action::LimitsShow;
            parseLimits(rest.subspan(1), command);
            return command;
        }
    }
    if (abbreviates(rest[0], "monitor")) {
        if (rest.size() > 1) {
            unknownCommand(rest[1]);
        }
        command.action = Action::Monitor;
        return command;
    }
    unknownCommand(rest[0]);
}

bool deviceExistsHere(const std::string& name)
{
    if (if_nametoindex(name.c_str()) != 0) {
        return true;
    }
    // ip's ll_idx_a2n(): "if5" names index 5 even when no such device exists.
    unsigned index = 0;
    return std::sscanf(name.c_str(), "if%u", &index) == 1 && index != 0;
}

}  // namespace mptcp::cli
