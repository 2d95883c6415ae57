#include "config_lines.hpp"

#include <functional>

namespace mptcp::dispatch {
namespace {

std::string_view trimmedLeft(std::string_view s)
{
    const auto first = s.find_first_not_of(" \t");
    return first == std::string_view::npos ? std::string_view{} : s.substr(first);
}

std::string_view trimmedRight(std::string_view s)
{
    const auto last = s.find_last_not_of(" \t\r");
    return last == std::string_view::npos ? std::string_view{} : s.substr(0, last + 1);
}

bool isGroupHeader(std::string_view line)
{
    return line.starts_with('[') && trimmedRight(line).ends_with(']');
}

std::string_view groupName(std::string_view line)
{
    const auto body = trimmedRight(line);
    return body.substr(1, body.size() - 2);
}

// Calls visit(lineNumber, line) for each line with its leading blanks
// removed, until visit returns true; returns that line's number or 0.
std::size_t findLine(std::string_view text, const std::function<bool(std::size_t, std::string_view)>& visit)
{
    std::size_t number = 0;
    for (std::size_t start = 0; start < text.size();) {
        const auto end = text.find('\n', start);
        const auto line = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
        ++number;
        if (visit(number, trimmedLeft(line))) {
            return number;
        }
        if (end == std::string_view::npos) {
            break;
        }
        start = end + 1;
    }
    return 0;
}

}  // namespace

std::size_t lineOfKey(std::string_view text, std::string_view group, std::string_view key)
{
    std::string_view current;
    bool seenGroup = false;
    std::size_t found = 0;
    findLine(text, [&](std::size_t number, std::string_view line) {
        if (isGroupHeader(line)) {
            current = groupName(line);
            seenGroup = true;
            if (current == group && key.empty() && found == 0) {
                found = number;
            }
            return false;
        }
        const auto eq = line.find('=');
        if (seenGroup && current == group && !key.empty() && eq != std::string_view::npos &&
            trimmedRight(line.substr(0, eq)) == key) {
            found = number;
        }
        return false;
    });
    return found;
}

std::size_t firstMalformedLine(std::string_view text)
{
    bool seenGroup = false;
    return findLine(text, [&](std::size_t, std::string_view line) {
        line = trimmedRight(line);
        if (line.empty() || line.starts_with('#')) {
            return false;
        }
        if (isGroupHeader(line)) {
            seenGroup = true;
            return false;
        }
        return !seenGroup || line.find('=') == std::string_view::npos || line.starts_with('=');
    });
}

}  // namespace mptcp::dispatch
