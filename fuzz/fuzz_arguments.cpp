// libFuzzer target: every parser of a caller's words. The first byte picks
// the parser, the rest is the text (or, for flag words, a list split at
// newlines):
//   addresses   IpAddress::parse; what parses prints canonically and
//               parses back to the same address
//   add flags   rules::addFlags with a port from the input
//   changes     rules::flagChange
//   hook flags  dispatch::parseFlagList; what parses prints and parses back
//   numbers     rules::checkId, rules::checkLimit
// A refusal is PmError(InvalidArgs) with a bounded, printable message;
// anything else (another exception, a bad round trip) is a crash.
#include "dispatch_flags.hpp"
#include "endpoint.hpp"
#include "ip_address.hpp"
#include "pm_error.hpp"
#include "pm_rules.hpp"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace {

void check(bool ok)
{
    if (!ok) {
        std::abort();
    }
}

void checkRefusal(const mptcp::PmError& e)
{
    check(e.kind() == mptcp::ErrorKind::InvalidArgs);
    const std::string_view message = e.what();
    check(message.size() < 1024);
    for (const char c : message) {
        check(static_cast<unsigned char>(c) >= 0x20);
    }
}

std::vector<std::string> words(std::string_view text)
{
    std::vector<std::string> out;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= text.size(); ++i) {
        if (i == text.size() || text[i] == '\n') {
            out.emplace_back(text.substr(start, i - start));
            start = i + 1;
        }
    }
    return out;
}

std::uint32_t u32(std::string_view text)
{
    std::uint32_t v = 0;
    std::memcpy(&v, text.data(), std::min<std::size_t>(text.size(), sizeof v));
    return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 1) {
        return 0;
    }
    const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
    try {
        switch (data[0] % 5) {
            case 0: {
                if (const auto a = mptcp::IpAddress::parse(text)) {
                    const auto again = mptcp::IpAddress::parse(a->toString());
                    check(again.has_value() && *again == *a && again->toString() == a->toString());
                }
                mptcp::rules::parseAddress(text);
                break;
            }
            case 1: {
                const std::uint16_t port = static_cast<std::uint16_t>(u32(text));
                const auto names = words(text.size() > 2 ? text.substr(2) : std::string_view());
                const std::uint32_t bits = mptcp::rules::addFlags(names, port);
                // What is accepted names only known, user-settable bits.
                check((bits & ~0x2fu) == 0);
                break;
            }
            case 2: {
                const auto change = mptcp::rules::flagChange(words(text));
                check((change.value & ~change.mask) == 0);
                break;
            }
            case 3: {
                const auto parsed = mptcp::dispatch::parseFlagList(text);
                if (const auto* bits = std::get_if<mptcp::dispatch::FlagBits>(&parsed)) {
                    const auto again = mptcp::dispatch::parseFlagList(mptcp::dispatch::flagListText(*bits));
                    check(std::holds_alternative<mptcp::dispatch::FlagBits>(again) &&
                          std::get<mptcp::dispatch::FlagBits>(again) == *bits);
                } else {
                    check(!std::get<std::string>(parsed).empty());
                }
                break;
            }
            default: {
                const std::uint32_t v = u32(text);
                const std::uint8_t id = mptcp::rules::checkId(v);
                check(id == v);
                mptcp::rules::checkLimit(v, "subflows");
                check(v <= 8);
                break;
            }
        }
    } catch (const mptcp::PmError& e) {
        checkRefusal(e);
    }
    return 0;
}
