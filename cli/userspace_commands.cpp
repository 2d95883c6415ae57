#include "userspace_commands.hpp"

#include "cli_exit.hpp"
#include "endpoint_format.hpp"
#include "error_translation.hpp"
#include "ip_words.hpp"
#include "json_writer.hpp"

#include <systemd/sd-bus.h>

#include <cstring>
#include <vector>

namespace mptcp::cli {

const char* const kUserspaceUsage =
    "The userspace path manager (not in ip mptcp; `mptcpctl help` is ip's usage alone):\n"
    "\tmptcpctl connection announce token TOKEN id ID ADDRESS [ port NR ] [ dev NAME ]\n"
    "\tmptcpctl connection remove token TOKEN id ID\n"
    "\tmptcpctl connection addresses token TOKEN\n"
    "\tmptcpctl subflow add token TOKEN [ id ID ] ADDRESS [ dev NAME ]\n"
    "\t\t\t\trip ADDRESS rport NR [ backup ]\n"
    "\tmptcpctl subflow delete token TOKEN ADDRESS lport NR rip ADDRESS rport NR\n"
    "\tmptcpctl subflow change token TOKEN ADDRESS [ lport NR ] rip ADDRESS rport NR\n"
    "\t\t\t\t{ backup | nobackup }\n"
    "\tmptcpctl path-manager { show | set { kernel | userspace } }\n"
    "TOKEN := the connection's token in hex, as `mptcpctl monitor` shows it\n";

namespace {

using Words = std::span<const std::string>;
constexpr const char* kUserspaceInterface = "org.mptcp.PathManager.Userspace";

const std::string& valueAfter(Words words, std::size_t& i)
{
    if (++i >= words.size()) {
        incompleteCommand();
    }
    return words[i];
}

// 1..8 hex digits, with or without 0x: the monitor prints "%08x".
std::uint32_t parseToken(const std::string& word)
{
    std::string_view digits = word;
    if (digits.starts_with("0x") || digits.starts_with("0X")) {
        digits.remove_prefix(2);
    }
    if (digits.empty() || digits.size() > 8) {
        wrongArgument("invalid token (hex, as the monitor shows it)", word);
    }
    std::uint32_t token = 0;
    for (const char c : digits) {
        const int v = (c >= '0' && c <= '9')   ? c - '0'
                      : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                      : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                               : -1;
        if (v < 0) {
            wrongArgument("invalid token (hex, as the monitor shows it)", word);
        }
        token = token << 4 | static_cast<std::uint32_t>(v);
    }
    return token;
}

std::uint16_t parsePort(const std::string& value)
{
    const auto port = parseNumber(value, 65535);
    if (!port) {
        wrongArgument("expected port", value);
    }
    return static_cast<std::uint16_t>(*port);
}

// The words after the verb: token, id, port/lport, dev, rip, rport,
// backup/nobackup, and one local address. `seen` records which came.
struct Seen {
    bool token = false, id = false, rip = false, rport = false, lport = false, backupWord = false;
};

void parseArgs(Words words, UserspaceCommand& c, Seen& seen, const DeviceExists& deviceExists)
{
    const bool subflow = c.action == UserspaceAction::SubflowAdd || c.action == UserspaceAction::SubflowDelete ||
                         c.action == UserspaceAction::SubflowChange;
    for (std::size_t i = 0; i < words.size(); ++i) {
        const std::string& word = words[i];
        if (abbreviates(word, "token")) {
            c.token = parseToken(valueAfter(words, i));
            seen.token = true;
        } else if (abbreviates(word, "id") && c.action != UserspaceAction::SubflowDelete &&
                   c.action != UserspaceAction::SubflowChange && c.action != UserspaceAction::ListAddresses) {
            const std::string& value = valueAfter(words, i);
            const auto id = parseNumber(value, 255);
            if (!id) {
                wrongArgument("invalid ID\n", value);
            }
            c.id = *id;
            seen.id = true;
        } else if (c.action == UserspaceAction::Remove || c.action == UserspaceAction::ListAddresses) {
            wrongArgument("unknown word", word);
        } else if (abbreviates(word, "dev") &&
                   (c.action == UserspaceAction::Announce || c.action == UserspaceAction::SubflowAdd)) {
            const std::string& value = valueAfter(words, i);
            if (!validInterfaceName(value)) {
                wrongArgument("invalid interface name\n", value);
            }
            if (!deviceExists(value)) {
                wrongArgument("device does not exist\n", value);
            }
            c.device = value;
        } else if (c.action == UserspaceAction::Announce && abbreviates(word, "port")) {
            c.port = parsePort(valueAfter(words, i));
        } else if (subflow && word == "lport" && c.action != UserspaceAction::SubflowAdd) {
            c.port = parsePort(valueAfter(words, i));
            seen.lport = true;
        } else if (subflow && word == "rip") {
            const std::string& value = valueAfter(words, i);
            auto address = parseAddress(value);
            if (!address) {
                notAnAddress(value);
            }
            c.remoteAddress = *address;
            seen.rip = true;
        } else if (subflow && word == "rport") {
            c.remotePort = parsePort(valueAfter(words, i));
            seen.rport = true;
        } else if ((c.action == UserspaceAction::SubflowAdd || c.action == UserspaceAction::SubflowChange) &&
                   (word == "backup" || word == "nobackup")) {
            c.backup = word == "backup";
            seen.backupWord = true;
        } else if (auto address = parseAddress(word)) {
            c.address = std::move(*address);
        } else {
            notAnAddress(word);
        }
    }
    if (!seen.token) {
        missingArgument("token");
    }
    if ((c.action == UserspaceAction::Announce || c.action == UserspaceAction::Remove) && !seen.id) {
        missingArgument("id");
    }
    if (c.action != UserspaceAction::Remove && c.action != UserspaceAction::ListAddresses && c.address.empty()) {
        missingArgument("ADDRESS");
    }
    if (subflow && !seen.rip) {
        missingArgument("rip");
    }
    if (subflow && !seen.rport) {
        missingArgument("rport");
    }
    if (c.action == UserspaceAction::SubflowDelete && !seen.lport) {
        missingArgument("lport");
    }
    if (c.action == UserspaceAction::SubflowChange && !seen.backupWord) {
        missingArgument("backup|nobackup");
    }
}

std::optional<UserspaceCommand> connectionCommand(Words rest, const DeviceExists& deviceExists)
{
    if (rest.empty()) {
        return std::nullopt;
    }
    UserspaceCommand c;
    if (abbreviates(rest[0], "announce")) {
        c.action = UserspaceAction::Announce;
    } else if (abbreviates(rest[0], "remove")) {
        c.action = UserspaceAction::Remove;
    } else if (rest[0].size() >= 3 && abbreviates(rest[0], "addresses")) {
        c.action = UserspaceAction::ListAddresses;
    } else {
        return std::nullopt;  // e.g. `connection show`: not ours
    }
    Seen seen;
    parseArgs(rest.subspan(1), c, seen, deviceExists);
    return c;
}

UserspaceCommand subflowCommand(Words rest, const DeviceExists& deviceExists)
{
    if (rest.empty()) {
        incompleteCommand();
    }
    UserspaceCommand c;
    if (abbreviates(rest[0], "add")) {
        c.action = UserspaceAction::SubflowAdd;
    } else if (abbreviates(rest[0], "delete")) {
        c.action = UserspaceAction::SubflowDelete;
    } else if (abbreviates(rest[0], "change")) {
        c.action = UserspaceAction::SubflowChange;
    } else {
        throw CliFailure(kExitArguments, "Command \"" + rest[0] + "\" is unknown, try \"mptcpctl help\".\n");
    }
    Seen seen;
    parseArgs(rest.subspan(1), c, seen, deviceExists);
    return c;
}

UserspaceCommand pathManagerCommand(Words rest)
{
    UserspaceCommand c;
    if (rest.empty() || (abbreviates(rest[0], "show") && rest.size() == 1)) {
        return c;
    }
    if (!abbreviates(rest[0], "set")) {
        throw CliFailure(kExitArguments, "Command \"" + rest[0] + "\" is unknown, try \"mptcpctl help\".\n");
    }
    if (rest.size() < 2) {
        incompleteCommand();
    }
    if (rest.size() > 2 || (rest[1] != "kernel" && rest[1] != "userspace")) {
        wrongArgument("kernel or userspace", rest.size() > 2 ? rest[2] : rest[1]);
    }
    c.action = UserspaceAction::PathManagerSet;
    c.pathManager = rest[1];
    return c;
}

// ------------------------------------------------------------ the calls

class Message {
public:
    ~Message() { sd_bus_message_unref(m_); }
    sd_bus_message** out() { return &m_; }
    sd_bus_message* get() const { return m_; }

private:
    sd_bus_message* m_ = nullptr;
};

void check(int r, const char* what)
{
    if (r < 0) {
        throw BusError{"System.Error", std::string(what) + ": " + std::strerror(-r)};
    }
}

[[noreturn]] void throwReplyError(sd_bus_error& error, int r)
{
    BusError e{error.name != nullptr ? error.name : "System.Error",
               error.message != nullptr ? error.message : std::strerror(-r)};
    sd_bus_error_free(&error);
    throw e;
}

// Builds a call with `fill`, sends it and hands the reply to `read`.
template <typename Fill, typename Read>
void call(sd_bus* bus, const char* member, Fill&& fill, Read&& read)
{
    Message request, reply;
    check(sd_bus_message_new_method_call(bus, request.out(), kServiceName, kObjectPath, kUserspaceInterface, member),
          member);
    fill(request.get());
    sd_bus_error error = SD_BUS_ERROR_NULL;
    const int r = sd_bus_call(bus, request.get(), 0, &error, reply.out());
    if (r < 0) {
        throwReplyError(error, r);
    }
    read(reply.get());
}

std::vector<EndpointView> readEndpoints(sd_bus_message* m)
{
    std::vector<EndpointView> all;
    check(sd_bus_message_enter_container(m, 'a', "(usqsas)"), "reading the addresses");
    for (;;) {
        const int entered = sd_bus_message_enter_container(m, 'r', "usqsas");
        check(entered, "reading an address");
        if (entered == 0) {
            break;
        }
        EndpointView e;
        const char* address = nullptr;
        const char* interface = nullptr;
        check(sd_bus_message_read(m, "usqs", &e.id, &address, &e.port, &interface), "reading an address");
        e.address = address;
        e.interface = interface;
        check(sd_bus_message_enter_container(m, 'a', "s"), "reading an address");
        const char* flag = nullptr;
        int r;
        while ((r = sd_bus_message_read_basic(m, 's', &flag)) > 0) {
            e.flags.emplace_back(flag);
        }
        check(r, "reading an address");
        check(sd_bus_message_exit_container(m), "reading an address");
        check(sd_bus_message_exit_container(m), "reading an address");
        all.push_back(std::move(e));
    }
    return all;
}

const auto kNoReply = [](sd_bus_message*) {};

std::string run(const UserspaceCommand& c, const GlobalOptions& options, sd_bus* bus)
{
    const auto id8 = static_cast<std::uint8_t>(c.id);
    switch (c.action) {
        case UserspaceAction::Announce:
            call(
                bus, "Announce",
                [&](sd_bus_message* m) {
                    check(sd_bus_message_append(m, "uysqs", c.token, id8, c.address.c_str(), c.port, c.device.c_str()),
                          "append");
                },
                kNoReply);
            return {};
        case UserspaceAction::Remove:
            call(
                bus, "Remove",
                [&](sd_bus_message* m) { check(sd_bus_message_append(m, "uy", c.token, id8), "append"); }, kNoReply);
            return {};
        case UserspaceAction::ListAddresses: {
            std::vector<EndpointView> all;
            call(
                bus, "ListLocalAddresses",
                [&](sd_bus_message* m) { check(sd_bus_message_append(m, "u", c.token), "append"); },
                [&](sd_bus_message* m) { all = readEndpoints(m); });
            return formatEndpoints(all, options);
        }
        case UserspaceAction::SubflowAdd: {
            std::uint8_t assigned = 0;
            call(
                bus, "CreateSubflow",
                [&](sd_bus_message* m) {
                    check(sd_bus_message_append(m, "uysssqb", c.token, id8, c.address.c_str(), c.device.c_str(),
                                                c.remoteAddress.c_str(), c.remotePort, static_cast<int>(c.backup)),
                          "append");
                },
                [&](sd_bus_message* m) { check(sd_bus_message_read(m, "y", &assigned), "reading the id"); });
            if (options.json) {
                JsonWriter json(options.pretty);
                json.startObject();
                json.field("id", std::uint64_t{assigned});
                json.endObject();
                return json.finish();
            }
            return "id " + std::to_string(assigned) + "\n";
        }
        case UserspaceAction::SubflowDelete:
            call(
                bus, "DestroySubflow",
                [&](sd_bus_message* m) {
                    check(sd_bus_message_append(m, "usqsq", c.token, c.address.c_str(), c.port, c.remoteAddress.c_str(),
                                                c.remotePort),
                          "append");
                },
                kNoReply);
            return {};
        case UserspaceAction::SubflowChange:
            call(
                bus, "SetSubflowBackup",
                [&](sd_bus_message* m) {
                    check(sd_bus_message_append(m, "usqsqb", c.token, c.address.c_str(), c.port,
                                                c.remoteAddress.c_str(), c.remotePort, static_cast<int>(c.backup)),
                          "append");
                },
                kNoReply);
            return {};
        case UserspaceAction::PathManagerShow: {
            sd_bus_error error = SD_BUS_ERROR_NULL;
            char* value = nullptr;
            const int r = sd_bus_get_property_string(bus, kServiceName, kObjectPath, kUserspaceInterface, "PathManager",
                                                     &error, &value);
            if (r < 0) {
                throwReplyError(error, r);
            }
            const std::string name = value;
            free(value);  // NOLINT: sd-bus's allocation
            if (options.json) {
                JsonWriter json(options.pretty);
                json.startObject();
                json.field("path_manager", name);
                json.endObject();
                return json.finish();
            }
            return name + "\n";
        }
        case UserspaceAction::PathManagerSet: {
            sd_bus_error error = SD_BUS_ERROR_NULL;
            const int r = sd_bus_set_property(bus, kServiceName, kObjectPath, kUserspaceInterface, "PathManager",
                                              &error, "s", c.pathManager.c_str());
            if (r < 0) {
                throwReplyError(error, r);
            }
            return {};
        }
    }
    return {};
}

}  // namespace

std::optional<UserspaceCommand> parseUserspaceCommand(Words words, const DeviceExists& deviceExists)
{
    if (words.empty()) {
        return std::nullopt;
    }
    // Whole words or abbreviations that no `ip mptcp` command shares.
    if (words[0].size() >= 2 && abbreviates(words[0], "connection")) {
        return connectionCommand(words.subspan(1), deviceExists);
    }
    if (words[0].size() >= 2 && abbreviates(words[0], "subflow")) {
        return subflowCommand(words.subspan(1), deviceExists);
    }
    if (words[0].size() >= 2 && abbreviates(words[0], "path-manager")) {
        return pathManagerCommand(words.subspan(1));
    }
    return std::nullopt;
}

std::string runUserspaceCommand(const UserspaceCommand& command, const GlobalOptions& options, PathManagerBus& service)
{
    try {
        return run(command, options, service.raw());
    } catch (const BusError& e) {
        const bool denied = e.name == "org.freedesktop.DBus.Error.AccessDenied" ||
                            e.name == "org.freedesktop.DBus.Error.InteractiveAuthorizationRequired";
        if (denied && command.action != UserspaceAction::PathManagerSet) {
            throw CliFailure(kExitRefused,
                             "Error: not authorized to control MPTCP connections (root, or a user polkit allows "
                             "org.mptcp.PathManager.control-connections, may do so).\n");
        }
        const CliExit translated = translateError(e.name, e.message);
        // NotSupported here is a refusal of this connection (or of an old
        // kernel), not a service out of reach.
        const bool unreachable =
            translated.status == kExitUnreachable && e.name != "org.mptcp.PathManager.Error.NotSupported";
        if (denied || unreachable) {
            throw CliFailure(translated.status, translated.message);
        }
        // No `ip mptcp` wording to match here: the service's own message,
        // which quotes the kernel's, in ip's form.
        throw CliFailure(kExitRefused, refusalLine(e.message.empty() ? e.name : e.message));
    }
}

}  // namespace mptcp::cli
