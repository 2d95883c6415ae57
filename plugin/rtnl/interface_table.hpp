// The links and IP addresses of this network namespace as rtnetlink last
// told them: filled from a dump, kept current by the events. Pure.
#pragma once

#include "rtnl_codec.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mptcp {

class InterfaceTable {
public:
    // Replaces everything with a dump's result.
    void reset(const std::vector<rtnl::Link>& links, const std::vector<rtnl::Address>& addresses);

    // Applies one event. Returns the names of the interfaces it concerned
    // (both names for a rename; none for an ignored message), so the caller
    // can tell whether a managed interface changed.
    std::vector<std::string> apply(const rtnl::Message& message);

    std::optional<std::int32_t> indexOf(std::string_view name) const;
    std::optional<std::string> nameOf(std::int32_t ifindex) const;
    // The names of all present interfaces, in index order.
    std::vector<std::string> names() const;
    // The addresses of one interface, in the order they came.
    std::vector<rtnl::Address> addressesOf(std::int32_t ifindex) const;

private:
    std::map<std::int32_t, std::string> links_;
    std::map<std::int32_t, std::vector<rtnl::Address>> addresses_;
};

}  // namespace mptcp
