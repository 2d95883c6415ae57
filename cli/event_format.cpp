#include "event_format.hpp"

#include <cstdio>
#include <ctime>
#include <set>

namespace mptcp::cli {
namespace {

struct EventName {
    std::string_view member;
    const char* ipName;
};
constexpr EventName kEventNames[] = {
    {"ConnectionCreated", "CREATED"},        {"ConnectionEstablished", "ESTABLISHED"},
    {"ConnectionClosed", "CLOSED"},          {"AddressAnnounced", "ANNOUNCED"},
    {"AddressRemoved", "REMOVED"},           {"SubflowEstablished", "SF_ESTABLISHED"},
    {"SubflowClosed", "SF_CLOSED"},          {"SubflowPriorityChanged", "SF_PRIO"},
    {"ListenerCreated", "LISTENER_CREATED"}, {"ListenerClosed", "LISTENER_CLOSED"},
};

// ip 6.1 pads event names to 14 columns.
std::string bracketed(const char* name)
{
    char text[64];
    std::snprintf(text, sizeof text, "[%14s]", name);
    return text;
}

// The value as printed: a number in decimal, a string as it is, a type
// this program cannot print as <TYPE>.
std::string anyValue(const InfoValue& v)
{
    if (v.type == 's') {
        return v.text;
    }
    if (std::string_view("ybnqiuxt").find(v.type) != std::string_view::npos) {
        return std::to_string(v.number);
    }
    return std::string("<") + v.type + ">";
}

bool isNumber(const InfoValue& v)
{
    return std::string_view("ybnqiuxt").find(v.type) != std::string_view::npos;
}

class LineBuilder {
public:
    explicit LineBuilder(const EventInfo& info) : info_(info) {}

    // " name=VALUE" with VALUE in printf format fmt (one unsigned).
    void number(const char* key, const char* name, const char* fmt)
    {
        const InfoValue* v = take(key);
        if (v == nullptr) {
            return;
        }
        if (isNumber(*v)) {
            char text[64];
            std::snprintf(text, sizeof text, fmt, static_cast<unsigned long long>(v->number));
            line_ += std::string(" ") + name + "=" + text;
        } else {
            line_ += std::string(" ") + name + "=" + anyValue(*v);
        }
    }

    // saddr4=... / saddr6=..., as ip names the attribute by its family.
    void address(const char* key, const char* name)
    {
        const InfoValue* v = take(key);
        if (v == nullptr) {
            return;
        }
        const std::string text = anyValue(*v);
        line_ += std::string(" ") + name + (text.find(':') != std::string::npos ? "6=" : "4=") + text;
    }

    void text(const char* key, const char* name)
    {
        if (const InfoValue* v = take(key)) {
            line_ += std::string(" ") + name + "=" + anyValue(*v);
        }
    }

    void skip(const char* key) { take(key); }

    // Keys of a newer contract, so that nothing the service sent is hidden.
    void rest()
    {
        for (const auto& [key, value] : info_) {
            if (!used_.contains(key)) {
                line_ += " " + key + "=" + anyValue(value);
            }
        }
    }

    std::string& line() { return line_; }

private:
    const InfoValue* take(const char* key)
    {
        used_.insert(key);
        const auto it = info_.find(key);
        return it == info_.end() ? nullptr : &it->second;
    }

    const EventInfo& info_;
    std::set<std::string> used_;
    std::string line_;
};

}  // namespace

std::string formatEvent(std::string_view member, std::optional<std::uint32_t> tokenOrType, const EventInfo& info)
{
    LineBuilder b(info);
    const char* ipName = nullptr;
    for (const EventName& e : kEventNames) {
        if (e.member == member) {
            ipName = e.ipName;
        }
    }
    if (ipName != nullptr) {
        b.line() = bracketed(ipName);
        if (tokenOrType) {
            char token[16];
            std::snprintf(token, sizeof token, "%08x", *tokenOrType);
            b.line() += std::string(" token=") + token;
        }
    } else {
        // UnknownEvent(type, info) as ip prints an unknown type.
        b.line() = "[UNKNOWN " + (tokenOrType ? std::to_string(*tokenOrType) : std::string(member)) + "]";
    }
    b.number("remote-id", "remid", "%llu");
    b.number("local-id", "locid", "%llu");
    b.address("local-address", "saddr");
    b.address("remote-address", "daddr");
    b.number("local-port", "sport", "%llu");
    b.number("remote-port", "dport", "%llu");
    b.number("backup", "backup", "%llu");
    b.number("error", "error", "%llu");
    b.number("flags", "flags", "%llx");
    b.number("timeout", "timeout", "%llu");
    b.text("interface", "dev");
    b.number("reset-reason", "reset_reason", "%llu");
    b.number("reset-flags", "reset_flags", "0x%llx");
    b.number("server-side", "server_side", "%llu");
    b.skip("family");  // said by the 4 or 6 of saddr/daddr, as in ip
    b.rest();
    return b.line() + "\n";
}

std::string formatEventsLost(std::uint64_t count)
{
    return bracketed("EVENTS_LOST") + " count=" + (count == 0 ? std::string("unknown") : std::to_string(count)) + "\n";
}

std::string timestampPrefix(Timestamps kind, const timeval& when)
{
    if (kind == Timestamps::None) {
        return {};
    }
    const std::time_t seconds = when.tv_sec;
    std::tm local{};
    localtime_r(&seconds, &local);
    char text[128];
    if (kind == Timestamps::Short) {
        char date[64];
        std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &local);
        std::snprintf(text, sizeof text, "[%s.%06ld] ", date, static_cast<long>(when.tv_usec));
        return text;
    }
    char date[64];
    asctime_r(&local, date);
    std::string d(date);
    if (!d.empty() && d.back() == '\n') {
        d.pop_back();
    }
    std::snprintf(text, sizeof text, "Timestamp: %s %ld usec\n", d.c_str(), static_cast<long>(when.tv_usec));
    return text;
}

}  // namespace mptcp::cli
