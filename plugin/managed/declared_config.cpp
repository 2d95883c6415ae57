#include "declared_config.hpp"

#include "file_text.hpp"
#include "key_file.hpp"
#include "pm_error.hpp"
#include "pm_rules.hpp"

#include <fnmatch.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace mptcp {
namespace {

constexpr std::string_view kInterfacePrefix = "interface:";
// A configuration file is a few lines; anything larger is not one.
constexpr std::size_t kMaxFileSize = 1024 * 1024;
constexpr std::uint32_t kMaxLimit = 8;

class Checker {
public:
    explicit Checker(const std::string& path) : path_(path) {}

    void mistake(std::size_t line, const std::string& key, const std::string& message)
    {
        mistakes_.push_back(path_ + ":" + std::to_string(line) + ": " + key + ": " + message);
    }
    std::vector<std::string>& mistakes() { return mistakes_; }

private:
    const std::string& path_;
    std::vector<std::string> mistakes_;
};

std::vector<std::string> listWords(std::string_view value)
{
    std::vector<std::string> words;
    std::size_t start = 0;
    while (start <= value.size()) {
        const auto end = value.find_first_of(", \t", start);
        const auto word = value.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
        if (!word.empty()) {
            words.emplace_back(word);
        }
        if (end == std::string_view::npos) {
            break;
        }
        start = end + 1;
    }
    return words;
}

template <typename T>
std::optional<T> number(std::string_view s)
{
    T value{};
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size()) {
        return std::nullopt;
    }
    return value;
}

// The kernel's interface-name rules, with glob characters allowed.
bool validPattern(std::string_view p)
{
    return !p.empty() && p.size() < 16 && p != "." && p != ".." && p.find_first_of("/: \t") == std::string_view::npos;
}

void readInterface(const keyfile::Group& g, Checker& check, DeclaredConfig& out)
{
    const std::string pattern = g.name.substr(kInterfacePrefix.size());
    const std::string header = "[" + g.name + "]";
    if (!validPattern(pattern)) {
        check.mistake(g.line, header, "not an interface name or glob (1..15 bytes, no '/', ':' or white space)");
        return;
    }
    DeclaredInterface d;
    d.pattern = pattern;
    d.line = g.line;
    d.settings.owner = kConfigOwner;
    d.settings.source = out.path + ":" + std::to_string(g.line) + " " + header;
    std::vector<std::string> flags;
    std::size_t flagsLine = 0;
    bool ok = true;
    for (const keyfile::Entry& e : g.entries) {
        if (e.key == "flags") {
            flags = listWords(e.value);
            flagsLine = e.line;
            if (flags.empty()) {
                check.mistake(e.line, e.key, "names no flag (subflow, signal, backup, fullmesh)");
                ok = false;
            }
        } else if (e.key == "families") {
            d.settings.addresses.ipv4 = d.settings.addresses.ipv6 = false;
            const auto words = listWords(e.value);
            for (const std::string& w : words) {
                if (w == "ipv4") {
                    d.settings.addresses.ipv4 = true;
                } else if (w == "ipv6") {
                    d.settings.addresses.ipv6 = true;
                } else {
                    check.mistake(e.line, e.key, "unknown family " + rules::quoteArg(w) + " (known: ipv4, ipv6)");
                    ok = false;
                }
            }
            if (words.empty()) {
                check.mistake(e.line, e.key, "names no family (ipv4, ipv6)");
                ok = false;
            }
        } else if (e.key == "port") {
            const auto port = number<std::uint16_t>(e.value);
            if (!port || *port == 0) {
                check.mistake(e.line, e.key, rules::quoteArg(e.value) + " is not a port (1..65535)");
                ok = false;
            } else {
                d.settings.port = *port;
            }
        } else if (e.key == "unique-local") {
            if (e.value == "true" || e.value == "false") {
                d.settings.addresses.uniqueLocal = e.value == "true";
            } else {
                check.mistake(e.line, e.key, "is true or false, not " + rules::quoteArg(e.value));
                ok = false;
            }
        } else {
            check.mistake(e.line, e.key, "unknown key in " + header + " (known: flags, families, port, unique-local)");
            ok = false;
        }
    }
    if (flagsLine == 0) {
        check.mistake(g.line, "flags", "missing in " + header + " (for example flags=subflow)");
        return;
    }
    if (!ok) {
        return;
    }
    // ManageInterface's own rules: known names, no implicit, not
    // signal+fullmesh, a port only on signal endpoints without subflow.
    try {
        d.settings.flags = rules::addFlags(flags, d.settings.port);
    } catch (const PmError& e) {
        check.mistake(flagsLine, "flags", e.what());
        return;
    }
    out.interfaces.push_back(std::move(d));
}

void readLimits(const keyfile::Group& g, Checker& check, DeclaredConfig& out)
{
    for (const keyfile::Entry& e : g.entries) {
        std::optional<std::uint32_t>* target = e.key == "subflows"            ? &out.subflows
                                               : e.key == "add_addr_accepted" ? &out.addAddrAccepted
                                                                              : nullptr;
        if (target == nullptr) {
            check.mistake(e.line, e.key, "unknown key in [limits] (known: subflows, add_addr_accepted)");
            continue;
        }
        const auto value = number<std::uint32_t>(e.value);
        if (!value || *value > kMaxLimit) {
            check.mistake(e.line, e.key, rules::quoteArg(e.value) + " is not a limit (0..8)");
            continue;
        }
        *target = *value;
    }
}

}  // namespace

const DeclaredInterface* DeclaredConfig::find(std::string_view name) const
{
    const std::string n(name);
    for (const DeclaredInterface& d : interfaces) {
        if (fnmatch(d.pattern.c_str(), n.c_str(), 0) == 0) {
            return &d;
        }
    }
    return nullptr;
}

DeclaredConfigResult parseDeclaredConfig(std::string_view text, const std::string& path)
{
    DeclaredConfigResult result;
    result.config.path = path;
    Checker check(path);
    const keyfile::Parsed parsed = keyfile::parse(text);
    for (const keyfile::Mistake& m : parsed.mistakes) {
        check.mistake(m.line, m.key.empty() ? "(line)" : m.key, m.message);
    }
    for (const keyfile::Group& g : parsed.groups) {
        if (g.name.starts_with(kInterfacePrefix)) {
            readInterface(g, check, result.config);
        } else if (g.name == "limits") {
            readLimits(g, check, result.config);
        } else {
            check.mistake(g.line, "[" + g.name + "]", "unknown section (known: [interface:NAME-or-GLOB], [limits])");
        }
    }
    result.mistakes = std::move(check.mistakes());
    return result;
}

DeclaredConfigResult loadDeclaredConfig(const std::string& path)
{
    DeclaredConfigResult result;
    const FileText file = readFileText(path, kMaxFileSize);
    if (file.error == ENOENT) {
        return result;  // no file: nothing declared
    }
    if (file.error != 0) {
        result.mistakes.push_back(path + ": cannot be read: " + errnoName(file.error) + " (" +
                                  std::strerror(file.error) + ")");
        return result;
    }
    if (file.tooLarge) {
        result.mistakes.push_back(path + ": larger than 1 MiB, not a configuration file");
        return result;
    }
    return parseDeclaredConfig(file.text, path);
}

}  // namespace mptcp
