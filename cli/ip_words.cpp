#include "ip_words.hpp"

#include <arpa/inet.h>
#include <net/if.h>

#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

namespace mptcp::cli {

bool abbreviates(std::string_view word, std::string_view keyword)
{
    return !word.empty() && word.size() <= keyword.size() && keyword.substr(0, word.size()) == word;
}

std::optional<std::uint32_t> parseNumber(std::string_view word, std::uint32_t max)
{
    if (word.empty()) {
        return std::nullopt;
    }
    const std::string text(word);  // strtoul needs a terminated string
    char* end = nullptr;
    errno = 0;
    const unsigned long value = std::strtoul(text.c_str(), &end, 0);
    if (end == text.c_str() || *end != '\0') {
        return std::nullopt;
    }
    if (value == ULONG_MAX && errno == ERANGE) {
        return std::nullopt;
    }
    if (value > max) {
        return std::nullopt;
    }
    return static_cast<std::uint32_t>(value);
}

namespace {

// ip's get_addr_ipv4(): up to four strtoul parts separated by dots, each
// 0..255; missing trailing parts are 0.
bool parseLenientIpv4(const std::string& text, in_addr& out)
{
    std::uint8_t bytes[4] = {0, 0, 0, 0};
    const char* cursor = text.c_str();
    for (int i = 0; i < 4; ++i) {
        char* end = nullptr;
        const unsigned long part = std::strtoul(cursor, &end, 0);
        if (part > 255 || end == cursor) {
            return false;
        }
        bytes[i] = static_cast<std::uint8_t>(part);
        if (*end == '\0') {
            break;
        }
        if (i == 3 || *end != '.') {
            return false;
        }
        cursor = end + 1;
    }
    static_assert(sizeof(out.s_addr) == sizeof(bytes));
    std::memcpy(&out.s_addr, bytes, sizeof bytes);
    return true;
}

}  // namespace

std::optional<std::string> parseAddress(std::string_view word)
{
    const std::string text(word);
    char buffer[INET6_ADDRSTRLEN];
    if (text.find(':') != std::string::npos) {
        in6_addr v6{};
        if (inet_pton(AF_INET6, text.c_str(), &v6) != 1) {
            return std::nullopt;
        }
        return std::string(inet_ntop(AF_INET6, &v6, buffer, sizeof buffer));
    }
    in_addr v4{};
    if (text.empty() || !parseLenientIpv4(text, v4)) {
        return std::nullopt;
    }
    return std::string(inet_ntop(AF_INET, &v4, buffer, sizeof buffer));
}

bool validInterfaceName(std::string_view name)
{
    if (name.empty() || name.size() >= IFNAMSIZ) {
        return false;
    }
    for (const char c : name) {
        if (c == '/' || std::isspace(static_cast<unsigned char>(c))) {
            return false;
        }
    }
    return true;
}

}  // namespace mptcp::cli
