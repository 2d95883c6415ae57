#include "utf8_text.hpp"

#include <cstdint>

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

}  // namespace

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
