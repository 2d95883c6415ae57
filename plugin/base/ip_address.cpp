#include "ip_address.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace mptcp {

static_assert(AF_INET == 2, "isV4() relies on AF_INET == 2");

std::optional<IpAddress> IpAddress::parse(std::string_view text)
{
    // inet_pton needs a NUL-terminated string; an embedded NUL or an
    // over-long string is simply not an address.
    char buf[INET6_ADDRSTRLEN + 1];
    if (text.empty() || text.size() >= sizeof buf || text.find('\0') != std::string_view::npos) {
        return std::nullopt;
    }
    std::memcpy(buf, text.data(), text.size());
    buf[text.size()] = '\0';
    IpAddress a;
    if (inet_pton(AF_INET, buf, a.bytes.data()) == 1) {
        a.family = AF_INET;
        return a;
    }
    if (inet_pton(AF_INET6, buf, a.bytes.data()) == 1) {
        a.family = AF_INET6;
        return a;
    }
    return std::nullopt;
}

IpAddress IpAddress::v4(const std::uint8_t (&b)[4])
{
    IpAddress a;
    a.family = AF_INET;
    std::memcpy(a.bytes.data(), b, 4);
    return a;
}

static_assert(IpAddress::kTextSize == INET6_ADDRSTRLEN);

const char* IpAddress::format(char (&out)[kTextSize]) const
{
    out[0] = '\0';
    if (family == AF_INET) {
        // inet_ntop formats IPv4 through sprintf, about 1700 instructions an
        // address; every listed endpoint and every event has one or two.
        // Dotted decimal by hand is the same text for a tenth of that.
        char* p = out;
        for (int i = 0; i < 4; ++i) {
            const unsigned v = bytes[static_cast<std::size_t>(i)];
            if (v >= 100) {
                *p++ = static_cast<char>('0' + v / 100);
            }
            if (v >= 10) {
                *p++ = static_cast<char>('0' + v / 10 % 10);
            }
            *p++ = static_cast<char>('0' + v % 10);
            *p++ = '.';
        }
        p[-1] = '\0';
    } else if (family == AF_INET6 && inet_ntop(family, bytes.data(), out, kTextSize) == nullptr) {
        out[0] = '\0';
    }
    return out;
}

std::string IpAddress::toString() const
{
    char buf[kTextSize];
    return format(buf);
}

bool IpAddress::isV4Mapped() const
{
    static constexpr std::uint8_t prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return family == AF_INET6 && std::memcmp(bytes.data(), prefix, sizeof prefix) == 0;
}

bool IpAddress::sameAs(const IpAddress& other) const
{
    if (family == other.family) {
        const std::size_t n = family == AF_INET ? 4 : 16;
        return std::memcmp(bytes.data(), other.bytes.data(), n) == 0;
    }
    const IpAddress& v6 = family == AF_INET6 ? *this : other;
    const IpAddress& v4 = family == AF_INET6 ? other : *this;
    return v4.family == AF_INET && v6.isV4Mapped() && std::memcmp(v6.bytes.data() + 12, v4.bytes.data(), 4) == 0;
}

}  // namespace mptcp
