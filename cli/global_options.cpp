#include "global_options.hpp"

#include "cli_exit.hpp"
#include "command_parser.hpp"
#include "ip_words.hpp"
#include "userspace_commands.hpp"

#include <string_view>

namespace mptcp::cli {
namespace {

enum class Effect {
    Json,
    Pretty,
    Details,
    Timestamp,
    TimestampShort,
    Version,
    Help,
    NoAskPassword,
    Ignore,
    IgnoreWithValue,
    Refuse
};

struct Option {
    const char* name;
    Effect effect;
    bool exact = false;  // compared whole, as ip does for -4, -6, -0
};

// ip 6.1's order: an abbreviation means the first option it prefixes
// (-t = -timestamp, -ts = -tshort, -b = -batch, -br = -brief). -h is help
// here (ip reads it as -human-readable, which changes nothing for MPTCP).
constexpr Option kOptions[] = {
    {"-help", Effect::Help, true},
    {"-h", Effect::Help, true},
    {"-loops", Effect::IgnoreWithValue},
    {"-family", Effect::IgnoreWithValue},
    {"-4", Effect::Ignore, true},
    {"-6", Effect::Ignore, true},
    {"-0", Effect::Ignore, true},
    {"-human", Effect::Ignore},
    {"-human-readable", Effect::Ignore},
    {"-iec", Effect::Ignore},
    {"-stats", Effect::Ignore},
    {"-statistics", Effect::Ignore},
    {"-details", Effect::Details},
    {"-resolve", Effect::Ignore},
    {"-oneline", Effect::Ignore},
    {"-timestamp", Effect::Timestamp},
    {"-tshort", Effect::TimestampShort},
    {"-Version", Effect::Version},
    {"-force", Effect::Ignore},
    {"-batch", Effect::Refuse},
    {"-brief", Effect::Ignore},
    {"-json", Effect::Json},
    {"-pretty", Effect::Pretty},
    {"-rcvbuf", Effect::IgnoreWithValue},
    {"-color", Effect::Ignore},
    {"-colour", Effect::Ignore},
    {"-help", Effect::Help},
    {"-netns", Effect::Refuse},
    {"-Numeric", Effect::Ignore},
    {"-all", Effect::Ignore},
    // mptcpctl's own, as systemctl's; after ip's so that no abbreviation
    // of theirs changes meaning.
    {"-no-ask-password", Effect::NoAskPassword},
};

const Option* findOption(std::string_view opt)
{
    // -color=always|auto|never, as ip's matches_color().
    if (const auto eq = opt.find('='); eq != std::string_view::npos) {
        const std::string_view value = opt.substr(eq + 1);
        if (abbreviates(opt.substr(0, eq), "-color") &&
            (value.empty() || value == "always" || value == "auto" || value == "never")) {
            static constexpr Option kColor{"-color", Effect::Ignore};
            return &kColor;
        }
        return nullptr;
    }
    for (const Option& o : kOptions) {
        if (o.exact ? opt == o.name : abbreviates(opt, o.name)) {
            return &o;
        }
    }
    return nullptr;
}

}  // namespace

ParsedOptions parseGlobalOptions(std::span<const std::string> args)
{
    ParsedOptions parsed;
    std::size_t i = 0;
    for (; i < args.size(); ++i) {
        std::string_view opt = args[i];
        if (opt == "--") {
            ++i;
            break;
        }
        if (opt.empty() || opt[0] != '-') {
            break;
        }
        if (opt.size() > 1 && opt[1] == '-') {
            opt.remove_prefix(1);  // --json is -json
        }
        const Option* option = findOption(opt);
        if (option == nullptr) {
            throw CliFailure(kExitArguments,
                             "Option \"" + std::string(opt) + "\" is unknown, try \"mptcpctl -help\".\n");
        }
        switch (option->effect) {
            case Effect::Json:
                parsed.options.json = true;
                break;
            case Effect::Pretty:
                parsed.options.pretty = true;
                break;
            case Effect::Details:
                parsed.options.details = true;
                break;
            case Effect::Timestamp:
                if (parsed.options.timestamps == Timestamps::None) {
                    parsed.options.timestamps = Timestamps::Long;
                }
                break;
            case Effect::TimestampShort:
                parsed.options.timestamps = Timestamps::Short;
                break;
            case Effect::Version:
                parsed.options.showVersion = true;
                parsed.firstWord = i + 1;
                return parsed;
            case Effect::Help:
                parsed.options.showHelp = true;
                parsed.firstWord = i + 1;
                return parsed;
            case Effect::IgnoreWithValue:
                if (++i >= args.size()) {
                    throw CliFailure(kExitArguments, fullUsage());
                }
                break;
            case Effect::NoAskPassword:
                parsed.options.askPassword = false;
                break;
            case Effect::Ignore:
                break;
            case Effect::Refuse:
                throw CliFailure(kExitArguments, "Option \"" + std::string(opt) +
                                                     "\" is not supported: mptcpctl acts on the network "
                                                     "namespace of the service, one command at a time.\n");
        }
    }
    parsed.firstWord = i;
    return parsed;
}

std::string fullUsage()
{
    return std::string(
               "Usage: mptcpctl [ OPTIONS ] { endpoint | limits | monitor | connection | subflow |\n"
               "                              path-manager | profile | help } ...\n"
               "       The `ip mptcp` command line, through the org.mptcp.PathManager service.\n"
               "OPTIONS := { -j[son] | -p[retty] | -d[etails] | -t[imestamp] | -ts[hort] | -V[ersion] | -h[elp] |\n"
               "             --no-ask-password }\n") +
           kCommandUsage + kUserspaceUsage +
           // NetworkManager profiles' flags (the helper mptcpctl-profile).
           "\tmptcpctl profile show [ PROFILE ]\n"
           "\tmptcpctl profile set PROFILE { FLAG-LIST | none | default }\n";
}

}  // namespace mptcp::cli
