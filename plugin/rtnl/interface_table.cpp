#include "interface_table.hpp"

#include <algorithm>

namespace mptcp {
namespace {

// One address entry per (address, prefix) of an interface, as the kernel
// keys them: a change of flags (end of DAD, deprecation) replaces it.
bool sameEntry(const rtnl::Address& a, const rtnl::Address& b)
{
    return a.address == b.address && a.prefixLength == b.prefixLength;
}

}  // namespace

void InterfaceTable::reset(const std::vector<rtnl::Link>& links, const std::vector<rtnl::Address>& addresses)
{
    links_.clear();
    addresses_.clear();
    for (const auto& l : links) {
        links_[l.ifindex] = l.name;
    }
    rtnl::Message m;
    m.kind = rtnl::Message::Kind::NewAddr;
    for (const auto& a : addresses) {
        m.address = a;
        apply(m);
    }
}

std::vector<std::string> InterfaceTable::apply(const rtnl::Message& m)
{
    using Kind = rtnl::Message::Kind;
    std::vector<std::string> touched;
    switch (m.kind) {
        case Kind::NewLink: {
            auto& name = links_[m.link.ifindex];
            if (!name.empty() && name != m.link.name) {
                touched.push_back(name);  // renamed: the old name lost this interface
            }
            // A NEWLINK without a name (rare) keeps the one we know.
            if (!m.link.name.empty()) {
                name = m.link.name;
            }
            if (!name.empty()) {
                touched.push_back(name);
            }
            break;
        }
        case Kind::DelLink: {
            if (auto it = links_.find(m.link.ifindex); it != links_.end()) {
                touched.push_back(it->second);
                links_.erase(it);
            }
            addresses_.erase(m.link.ifindex);
            break;
        }
        case Kind::NewAddr: {
            auto& list = addresses_[m.address.ifindex];
            auto it =
                std::find_if(list.begin(), list.end(), [&](const rtnl::Address& a) { return sameEntry(a, m.address); });
            if (it != list.end()) {
                *it = m.address;
            } else {
                list.push_back(m.address);
            }
            if (auto name = nameOf(m.address.ifindex)) {
                touched.push_back(*name);
            }
            break;
        }
        case Kind::DelAddr: {
            if (auto it = addresses_.find(m.address.ifindex); it != addresses_.end()) {
                std::erase_if(it->second, [&](const rtnl::Address& a) { return sameEntry(a, m.address); });
            }
            if (auto name = nameOf(m.address.ifindex)) {
                touched.push_back(*name);
            }
            break;
        }
        default:
            break;
    }
    return touched;
}

std::optional<std::int32_t> InterfaceTable::indexOf(std::string_view name) const
{
    for (const auto& [index, n] : links_) {
        if (n == name) {
            return index;
        }
    }
    return std::nullopt;
}

std::optional<std::string> InterfaceTable::nameOf(std::int32_t ifindex) const
{
    if (auto it = links_.find(ifindex); it != links_.end()) {
        return it->second;
    }
    return std::nullopt;
}

std::vector<std::string> InterfaceTable::names() const
{
    std::vector<std::string> out;
    out.reserve(links_.size());
    for (const auto& [index, name] : links_) {
        out.push_back(name);
    }
    return out;
}

std::vector<rtnl::Address> InterfaceTable::addressesOf(std::int32_t ifindex) const
{
    if (auto it = addresses_.find(ifindex); it != addresses_.end()) {
        return it->second;
    }
    return {};
}

}  // namespace mptcp
