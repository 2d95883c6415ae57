// Which addresses of a managed interface get an endpoint: the "usable" rule
// of docs/dbus-api.md (ManageInterface) and docs/hook.md. Pure.
#pragma once

#include "rtnl_codec.hpp"

namespace mptcp {

// What a ManageInterface caller chose (options "families", "unique-local").
struct AddressPolicy {
    bool ipv4 = true;
    bool ipv6 = true;
    bool uniqueLocal = false;  // IPv6 fc00::/7

    bool operator==(const AddressPolicy&) const = default;
};

// nullptr when the address is usable, else why not ("tentative", ...), for
// the log and the tests. Usable: global scope; not unspecified, loopback,
// link-local, multicast or broadcast; not tentative (duplicate address
// detection still running, optimistic included), deprecated, temporary
// (IPv6 privacy) or failed DAD; unique-local IPv6 only when the policy says
// so; and of a family the policy includes.
const char* whyNotUsable(const rtnl::Address& address, const AddressPolicy& policy);

inline bool isUsable(const rtnl::Address& address, const AddressPolicy& policy)
{
    return whyNotUsable(address, policy) == nullptr;
}

}  // namespace mptcp
