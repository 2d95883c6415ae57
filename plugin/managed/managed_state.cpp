#include "managed_state.hpp"

#include "file_text.hpp"
#include "pm_error.hpp"
#include "text_words.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <initializer_list>

namespace mptcp {
namespace {

constexpr std::string_view kMagic = "mptcp-pathmanagerd-state";
// 2: the namespace is named by its cookie (SO_NETNS_COOKIE), and interface
// lines carry transient= and source=. A file of version 1 is not used.
constexpr int kVersion = 2;

// Owners are free text: every byte that could split a line or a word is
// written as %XX.
std::string encode(std::string_view s)
{
    std::string out;
    for (const unsigned char c : s) {
        if (c <= ' ' || c == '%' || c >= 0x7f) {
            char hex[4];
            std::snprintf(hex, sizeof hex, "%%%02X", c);
            out += hex;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

std::optional<std::string> decode(std::string_view s)
{
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out += s[i];
            continue;
        }
        unsigned value = 0;
        if (i + 2 >= s.size()) {
            return std::nullopt;
        }
        const auto [end, ec] = std::from_chars(s.data() + i + 1, s.data() + i + 3, value, 16);
        if (ec != std::errc() || end != s.data() + i + 3) {
            return std::nullopt;
        }
        out += static_cast<char>(value);
        i += 2;
    }
    return out;
}

template <typename T>
std::optional<T> number(std::string_view s, int base = 10)
{
    if (base == 16) {
        if (s.size() < 3 || s.substr(0, 2) != "0x") {
            return std::nullopt;
        }
        s.remove_prefix(2);
    }
    T value{};
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value, base);
    if (ec != std::errc() || end != s.data() + s.size() || s.empty()) {
        return std::nullopt;
    }
    return value;
}

std::string hex(std::uint32_t v)
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%x", v);
    return buf;
}

class LineParser {
public:
    LineParser(std::string_view origin, int line) : origin_(origin), line_(line) {}

    [[noreturn]] void fail(const std::string& why) const
    {
        throw PmError(ErrorKind::Failed, std::string(origin_) + ":" + std::to_string(line_) + ": " + why);
    }

    // "key=value" -> value, checking the key.
    std::string_view value(std::string_view word, std::string_view key) const
    {
        if (word.size() <= key.size() || word.substr(0, key.size()) != key || word[key.size()] != '=') {
            fail("expected " + std::string(key) + "=..., got \"" + std::string(word.substr(0, 64)) + "\"");
        }
        return word.substr(key.size() + 1);
    }

private:
    std::string_view origin_;
    int line_;
};

bool validInterfaceName(std::string_view name)
{
    // The kernel's dev_valid_name(): 1..15 bytes, no '/', ':' or space.
    return !name.empty() && name.size() < 16 && name != "." && name != ".." &&
           name.find_first_of("/: \t\n%") == std::string_view::npos;
}

// "key=" alone is empty text: value() wants at least one byte.
std::string freeText(const LineParser& p, std::string_view word, std::string_view key)
{
    if (word.size() == key.size() + 1 && word.substr(0, key.size()) == key && word.back() == '=') {
        return {};
    }
    const auto text = decode(p.value(word, key));
    if (!text) {
        p.fail("bad %-escape in " + std::string(key));
    }
    return *text;
}

// The writer writes printable ASCII and newlines only (free text is
// %-escaped): any other byte means someone else wrote, or the file is
// damaged; nothing in it can be trusted.
void checkBytes(std::string_view text, std::string_view origin)
{
    int line = 1;
    for (const unsigned char c : text) {
        if (c == '\n') {
            ++line;
        } else if (c < 0x20 || c > 0x7e) {
            char hexByte[8];
            std::snprintf(hexByte, sizeof hexByte, "0x%02x", c);
            throw PmError(ErrorKind::Failed, std::string(origin) + ":" + std::to_string(line) + ": byte " + hexByte +
                                                 ", which the service never writes: not a state file it wrote");
        }
    }
}

void parseInterface(const LineParser& p, const std::vector<std::string_view>& w, ManagedSet& out)
{
    if (w.size() != 9) {
        p.fail("an interface line has 9 words, this one " + std::to_string(w.size()));
    }
    if (!validInterfaceName(w[1])) {
        p.fail("not an interface name: \"" + std::string(w[1].substr(0, 64)) + "\"");
    }
    ManagedSettings s;
    const auto flags = number<std::uint32_t>(p.value(w[2], "flags"), 16);
    const auto port = number<std::uint16_t>(p.value(w[3], "port"));
    if (!flags || *flags == 0 || !port) {
        p.fail("bad flags or port");
    }
    s.flags = *flags;
    s.port = *port;
    const std::string_view families = p.value(w[4], "families");
    s.addresses.ipv4 = families == "ipv4" || families == "ipv4,ipv6";
    s.addresses.ipv6 = families == "ipv6" || families == "ipv4,ipv6";
    if (!s.addresses.ipv4 && !s.addresses.ipv6) {
        p.fail("bad families \"" + std::string(families.substr(0, 64)) + "\"");
    }
    const std::string_view uniqueLocal = p.value(w[5], "unique-local");
    if (uniqueLocal != "0" && uniqueLocal != "1") {
        p.fail("unique-local is 0 or 1");
    }
    s.addresses.uniqueLocal = uniqueLocal == "1";
    const std::string_view transient = p.value(w[6], "transient");
    if (transient != "0" && transient != "1") {
        p.fail("transient is 0 or 1");
    }
    s.transient = transient == "1";
    s.owner = freeText(p, w[7], "owner");
    s.source = freeText(p, w[8], "source");
    if (!out.emplace(std::string(w[1]), s).second) {
        p.fail("interface " + std::string(w[1]) + " appears twice");
    }
}

void parseEndpoint(const LineParser& p, const std::vector<std::string_view>& w, std::vector<OwnedEndpoint>& out)
{
    if (w.size() != 7) {
        p.fail("an endpoint line has 7 words, this one " + std::to_string(w.size()));
    }
    const auto id = number<unsigned>(w[1]);
    const auto address = IpAddress::parse(w[2]);
    const auto port = number<std::uint16_t>(p.value(w[4], "port"));
    const auto ifindex = number<std::int32_t>(p.value(w[5], "ifindex"));
    const auto flags = number<std::uint32_t>(p.value(w[6], "flags"), 16);
    if (!id || *id == 0 || *id > 255 || !address || !validInterfaceName(w[3]) || !port || !ifindex || !flags) {
        p.fail("bad endpoint (id 1..255, an address, an interface name, port=, ifindex=, flags=0x...)");
    }
    out.push_back({static_cast<std::uint8_t>(*id), *address, *port, *ifindex, *flags, std::string(w[3])});
}

// One line of words: a single out-of-line append, where a chain of
// std::string operator+ would be inlined at every use.
void appendLine(std::string& out, std::initializer_list<std::string_view> words)
{
    for (const std::string_view w : words) {
        out += w;
    }
    out += '\n';
}

}  // namespace

std::string formatState(const ManagedState& state)
{
    std::string out =
        "# mptcp-pathmanagerd: the interfaces it manages and the endpoints it created.\n"
        "# Written by the service; edit only while it is stopped.\n";
    appendLine(out, {kMagic, " ", std::to_string(kVersion)});
    appendLine(out, {"netns-cookie ", std::to_string(state.netns)});
    for (const auto& [name, s] : state.interfaces) {
        const char* families = s.addresses.ipv4 && s.addresses.ipv6 ? "ipv4,ipv6" : s.addresses.ipv4 ? "ipv4" : "ipv6";
        appendLine(out, {"interface ", name, " flags=", hex(s.flags), " port=", std::to_string(s.port),
                         " families=", families, " unique-local=", s.addresses.uniqueLocal ? "1" : "0", " transient=",
                         s.transient ? "1" : "0", " owner=", encode(s.owner), " source=", encode(s.source)});
    }
    for (const OwnedEndpoint& e : state.endpoints) {
        appendLine(out, {"endpoint ", std::to_string(e.id), " ", e.address.toString(), " ", e.interface, " port=",
                         std::to_string(e.port), " ifindex=", std::to_string(e.ifindex), " flags=", hex(e.flags)});
    }
    return out;
}

ManagedState parseState(std::string_view text, std::string_view origin)
{
    checkBytes(text, origin);
    ManagedState state;
    bool haveMagic = false, haveNetns = false;
    int lineNo = 0;
    while (!text.empty()) {
        const std::size_t nl = text.find('\n');
        const std::string_view line = text.substr(0, nl);
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
        ++lineNo;
        const LineParser p(origin, lineNo);
        const auto w = splitWords(line);
        if (w.empty() || w[0][0] == '#') {
            continue;
        }
        if (!haveMagic) {
            if (w.size() != 2 || w[0] != kMagic) {
                p.fail("not a state file of mptcp-pathmanagerd");
            }
            if (w[1] != std::to_string(kVersion)) {
                p.fail("state format version " + std::string(w[1].substr(0, 16)) + ", this service reads " +
                       std::to_string(kVersion));
            }
            haveMagic = true;
        } else if (w[0] == "netns-cookie" && w.size() == 2 && !haveNetns) {
            const auto netns = number<std::uint64_t>(w[1]);
            if (!netns) {
                p.fail("bad netns-cookie");
            }
            state.netns = *netns;
            haveNetns = true;
        } else if (w[0] == "interface") {
            parseInterface(p, w, state.interfaces);
        } else if (w[0] == "endpoint") {
            parseEndpoint(p, w, state.endpoints);
        } else {
            p.fail("unknown line \"" + std::string(line.substr(0, 64)) + "\"");
        }
    }
    if (!haveMagic) {
        throw PmError(ErrorKind::Failed, std::string(origin) + ": empty, not a state file of mptcp-pathmanagerd");
    }
    return state;
}

std::optional<ManagedState> StateFile::load() const
{
    // O_NOFOLLOW: the file is the service's own, never a link to another.
    // A state file holds a few interfaces and at most 8 endpoints.
    const FileText file = readFileText(path_, 1024 * 1024, O_NOFOLLOW);
    if (file.error == ENOENT) {
        return std::nullopt;
    }
    if (file.error == ELOOP) {
        throw PmError(ErrorKind::Failed, path_ + " is a symbolic link, not the service's own file", ELOOP);
    }
    if (file.error != 0) {
        throw PmError(ErrorKind::Failed, "cannot read " + path_ + ": " + errnoName(file.error), file.error);
    }
    if (file.tooLarge) {
        throw PmError(ErrorKind::Failed, path_ + " is larger than any state file could be");
    }
    return parseState(file.text, path_);
}

void StateFile::save(const ManagedState& state) const
{
    auto fail = [&](const std::string& what, int err) {
        throw PmError(
            ErrorKind::Failed,
            "cannot save the managed interfaces: " + what + ": " + errnoName(err) + " (" + std::strerror(err) + ")",
            err);
    };
    const auto slash = path_.rfind('/');
    if (slash != std::string::npos && slash > 0) {
        // Only the service reads and writes here: a directory it makes is
        // 0700. One that exists is left as it is (--state-file may point
        // into a directory others use; systemd makes the default one 0700
        // with RuntimeDirectoryMode=), but it must be a directory, not a
        // link to one.
        const std::string dir = path_.substr(0, slash);
        if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
            fail("mkdir " + dir, errno);
        }
        struct stat st {};
        if (lstat(dir.c_str(), &st) != 0) {
            fail("stat " + dir, errno);
        }
        if (!S_ISDIR(st.st_mode)) {
            fail(dir + " is not a directory", ENOTDIR);
        }
    }
    const std::string tmp = path_ + ".tmp";
    const std::string text = formatState(state);
    // O_EXCL|O_NOFOLLOW: never write through a file or link someone put
    // there. A leftover of a crash between open and rename is the service's
    // own: removed (unlink removes a link, not what it points to), then
    // created again.
    const int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
    int fd = open(tmp.c_str(), flags, 0600);
    if (fd < 0 && errno == EEXIST && unlink(tmp.c_str()) == 0) {
        fd = open(tmp.c_str(), flags, 0600);
    }
    if (fd < 0) {
        fail("open " + tmp, errno);
    }
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            const int err = n < 0 ? errno : EIO;
            close(fd);
            unlink(tmp.c_str());
            fail("write " + tmp, err);
        }
        done += static_cast<std::size_t>(n);
    }
    // fsync: the rename must never publish a file whose data is not there.
    const int syncErr = fsync(fd) != 0 ? errno : 0;
    const int closeErr = close(fd) != 0 ? errno : 0;
    if (syncErr != 0 || closeErr != 0) {
        unlink(tmp.c_str());
        fail("write " + tmp, syncErr != 0 ? syncErr : closeErr);
    }
    if (rename(tmp.c_str(), path_.c_str()) != 0) {
        const int err = errno;
        unlink(tmp.c_str());
        fail("rename " + tmp + " to " + path_, err);
    }
}

std::uint64_t currentNetnsId()
{
    // The namespace's cookie: unique for the life of the system, where the
    // inode number of /proc/self/ns/net is reused once a namespace is gone.
    const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return 0;
    }
    std::uint64_t cookie = 0;
    socklen_t length = sizeof cookie;
    if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &length) != 0 || length != sizeof cookie) {
        cookie = 0;
    }
    close(fd);
    return cookie;
}

}  // namespace mptcp
