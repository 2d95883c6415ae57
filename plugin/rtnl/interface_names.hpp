// Interface name <-> index, behind an interface so that unit tests need no
// real devices.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace mptcp {

class InterfaceNames {
public:
    virtual ~InterfaceNames() = default;
    // nullopt when no such interface exists in this network namespace.
    virtual std::optional<std::int32_t> indexOf(std::string_view name) = 0;
    virtual std::optional<std::string> nameOf(std::int32_t index) = 0;
};

// The kernel's view, through ioctls on one socket kept open (no socket per
// lookup as if_indextoname makes).
std::unique_ptr<InterfaceNames> systemInterfaceNames();

// The contract's interface field for an ifindex the kernel sent: "" for
// none (0), the device's name, or "ifN" when no device N exists (any more).
// A device name may be any bytes but '/', ':' and white space, while a
// D-Bus string must be UTF-8: a byte that is not part of valid UTF-8 is
// shown as the text \xNN (one odd name must not make a whole table or
// event unreadable; utf8Shown()).
std::string interfaceLabel(InterfaceNames& names, std::int32_t ifindex);

}  // namespace mptcp
