#include "dispatch_flags.hpp"

#include "endpoint.hpp"
#include "pm_error.hpp"
#include "pm_rules.hpp"
#include "text_words.hpp"

#include <vector>

namespace mptcp::dispatch {
namespace {

}  // namespace

std::variant<FlagBits, std::string> parseFlagList(std::string_view text)
{
    std::vector<std::string> names;
    bool none = false;
    for (std::size_t start = 0; start <= text.size();) {
        const auto comma = text.find(',', start);
        const auto end = comma == std::string_view::npos ? text.size() : comma;
        const auto name = trimmed(text.substr(start, end - start));
        if (name.empty()) {
            return std::string("empty flag name in ") + rules::quoteArg(text) +
                   " (write names separated by commas, e.g. \"subflow,backup\", or \"none\")";
        }
        if (name == "none") {
            none = true;
        } else {
            names.emplace_back(name);
        }
        start = end + 1;
    }
    if (none && !names.empty()) {
        return std::string("\"none\" cannot be combined with flags in ") + rules::quoteArg(text);
    }
    try {
        // The same rules as AddEndpoint, so that the service never refuses
        // what the hook lets through.
        return rules::addFlags(names, 0);
    } catch (const PmError& e) {
        return std::string(e.what());
    }
}

std::string flagListText(FlagBits bits)
{
    if (bits == 0) {
        return "none";
    }
    std::string out;
    for (const auto& name : flagNames(bits)) {
        out += (out.empty() ? "" : ",") + name;
    }
    return out;
}

}  // namespace mptcp::dispatch
