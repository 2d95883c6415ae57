#include "key_file.hpp"

#include "text_words.hpp"

#include <algorithm>

namespace mptcp::keyfile {
namespace {

constexpr std::size_t kMaxLine = 4096;

bool hasControl(std::string_view s)
{
    return std::any_of(s.begin(), s.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return (u < 0x20 && c != '\t') || u == 0x7f;
    });
}

}  // namespace

Parsed parse(std::string_view text)
{
    Parsed out;
    std::size_t number = 0;
    while (!text.empty()) {
        const auto end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        ++number;
        if (line.ends_with('\r')) {
            line.remove_suffix(1);  // written on Windows: the same line
        }
        if (line.size() > kMaxLine) {
            out.mistakes.push_back({number, "", "line longer than " + std::to_string(kMaxLine) + " bytes"});
            continue;
        }
        if (hasControl(line)) {
            out.mistakes.push_back({number, "", "control character in the line"});
            continue;
        }
        line = trimmed(line);
        if (line.empty() || line.starts_with('#')) {
            continue;
        }
        if (line.starts_with('[')) {
            if (!line.ends_with(']') || line.size() < 3) {
                out.mistakes.push_back({number, std::string(line), "a group header is [name]"});
                continue;
            }
            const std::string name(line.substr(1, line.size() - 2));
            auto same =
                std::find_if(out.groups.begin(), out.groups.end(), [&](const Group& g) { return g.name == name; });
            if (same != out.groups.end()) {
                out.mistakes.push_back({number, "[" + name + "]",
                                        "appears a second time (first on line " + std::to_string(same->line) + ")"});
                // Its keys still go somewhere, to be checked: a group of its own.
            }
            out.groups.push_back({name, number, {}});
            continue;
        }
        const auto eq = line.find('=');
        if (eq == std::string_view::npos) {
            out.mistakes.push_back({number, "", "neither [group], key=value nor a # comment"});
            continue;
        }
        const std::string key(trimmed(line.substr(0, eq)));
        if (key.empty()) {
            out.mistakes.push_back({number, "", "a key is missing before '='"});
            continue;
        }
        if (out.groups.empty()) {
            out.mistakes.push_back({number, key, "comes before the first [group]"});
            continue;
        }
        Group& group = out.groups.back();
        auto same =
            std::find_if(group.entries.begin(), group.entries.end(), [&](const Entry& e) { return e.key == key; });
        if (same != group.entries.end()) {
            out.mistakes.push_back(
                {number, key,
                 "set a second time in [" + group.name + "] (first on line " + std::to_string(same->line) + ")"});
            continue;
        }
        group.entries.push_back({key, std::string(trimmed(line.substr(eq + 1))), number});
    }
    return out;
}

}  // namespace mptcp::keyfile
