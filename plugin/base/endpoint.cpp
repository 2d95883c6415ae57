#include "endpoint.hpp"

#include "pm_protocol.hpp"

#include <cstdio>

namespace mptcp {
namespace {

struct NamedFlag {
    const char* name;  // NUL-terminated: written into replies as is
    std::uint32_t bit;
};

// The order is the contract's display order (docs/dbus-api.md, Types).
constexpr NamedFlag kFlags[] = {
    {"signal", proto::FLAG_SIGNAL},     {"subflow", proto::FLAG_SUBFLOW}, {"backup", proto::FLAG_BACKUP},
    {"fullmesh", proto::FLAG_FULLMESH}, {"laminar", proto::FLAG_LAMINAR}, {"implicit", proto::FLAG_IMPLICIT},
};

}  // namespace

void forEachFlagName(std::uint32_t flags, void (*visit)(const char* name, void* context), void* context)
{
    for (const auto& f : kFlags) {
        if (flags & f.bit) {
            visit(f.name, context);
            flags &= ~f.bit;
        }
    }
    for (std::uint32_t bit = 1; flags != 0; bit <<= 1) {
        if (flags & bit) {
            char hex[16];
            std::snprintf(hex, sizeof hex, "0x%x", bit);
            visit(hex, context);
            flags &= ~bit;
        }
    }
}

std::vector<std::string> flagNames(std::uint32_t flags)
{
    std::vector<std::string> names;
    forEachFlagName(
        flags, [](const char* name, void* out) { static_cast<std::vector<std::string>*>(out)->emplace_back(name); },
        &names);
    return names;
}

std::uint32_t flagBit(std::string_view name)
{
    for (const auto& f : kFlags) {
        if (f.name == name) {
            return f.bit;
        }
    }
    return 0;
}

}  // namespace mptcp
