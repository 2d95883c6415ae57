#include "interface_names.hpp"

#include "pm_error.hpp"

#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace mptcp {
namespace {

// The length of the valid UTF-8 sequence at the start of text, or 0.
std::size_t validSequence(std::string_view text)
{
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(0);
    if (lead < 0x80) {
        return 1;
    }
    std::size_t size = 0;
    std::uint32_t cp = 0;
    if ((lead & 0xE0) == 0xC0) {
        size = 2;
        cp = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
        size = 3;
        cp = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
        size = 4;
        cp = lead & 0x07;
    } else {
        return 0;
    }
    if (text.size() < size) {
        return 0;
    }
    for (std::size_t i = 1; i < size; ++i) {
        if ((byte(i) & 0xC0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (byte(i) & 0x3F);
    }
    static constexpr std::uint32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kSmallest[size] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return 0;
    }
    return size;
}

class SystemInterfaceNames final : public InterfaceNames {
public:
    SystemInterfaceNames()
    {
        // AF_UNIX: device ioctls work on any socket, and the daemon's unit
        // only allows unix and netlink sockets.
        fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd_ < 0) {
            throw PmError(ErrorKind::Failed, "socket for interface lookups: " + errnoName(errno), errno);
        }
    }
    ~SystemInterfaceNames() override { close(fd_); }
    SystemInterfaceNames(const SystemInterfaceNames&) = delete;
    SystemInterfaceNames& operator=(const SystemInterfaceNames&) = delete;

    std::optional<std::int32_t> indexOf(std::string_view name) override
    {
        ifreq req{};
        if (name.empty() || name.size() >= sizeof req.ifr_name || name.find('\0') != std::string_view::npos) {
            return std::nullopt;
        }
        std::memcpy(req.ifr_name, name.data(), name.size());
        if (ioctl(fd_, SIOCGIFINDEX, &req) < 0) {
            return std::nullopt;
        }
        return req.ifr_ifindex;
    }

    std::optional<std::string> nameOf(std::int32_t index) override
    {
        ifreq req{};
        req.ifr_ifindex = index;
        if (ioctl(fd_, SIOCGIFNAME, &req) < 0) {
            return std::nullopt;
        }
        return std::string(req.ifr_name, strnlen(req.ifr_name, sizeof req.ifr_name));
    }

private:
    int fd_ = -1;
};

}  // namespace

std::unique_ptr<InterfaceNames> systemInterfaceNames()
{
    return std::make_unique<SystemInterfaceNames>();
}

std::string interfaceLabel(InterfaceNames& names, std::int32_t ifindex)
{
    if (ifindex == 0) {
        return {};
    }
    if (auto name = names.nameOf(ifindex)) {
        return utf8Shown(*name);
    }
    return "if" + std::to_string(ifindex);
}

std::string utf8Shown(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    while (!text.empty()) {
        if (const std::size_t n = validSequence(text); n > 0) {
            out.append(text.substr(0, n));
            text.remove_prefix(n);
            continue;
        }
        static constexpr char kHex[] = "0123456789abcdef";
        const auto b = static_cast<unsigned char>(text[0]);
        out += "\\x";
        out += kHex[b >> 4];
        out += kHex[b & 0xF];
        text.remove_prefix(1);
    }
    return out;
}

}  // namespace mptcp
