// One value of an a{sv} options argument (ManageInterface,
// SubscribeBatched, ListManagedInterfaces), as the service reads and writes
// it: the D-Bus type of the variant's content, and the content itself for
// the types the service uses. A value of any other type keeps only its
// type, which is all an error message needs ("must be of type q, not t").
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace mptcp::dbus {

class OptionValue {
public:
    using Content =
        std::variant<std::monostate, bool, std::uint16_t, std::uint32_t, std::string, std::vector<std::string>>;

    OptionValue() = default;
    OptionValue(bool v) : type_("b"), content_(v) {}
    OptionValue(std::uint16_t v) : type_("q"), content_(v) {}
    OptionValue(std::uint32_t v) : type_("u"), content_(v) {}
    OptionValue(std::string v) : type_("s"), content_(std::move(v)) {}
    OptionValue(const char* v) : OptionValue(std::string(v)) {}
    OptionValue(std::vector<std::string> v) : type_("as"), content_(std::move(v)) {}

    // A value of a type the service does not read: its signature only.
    static OptionValue ofUnreadType(std::string signature)
    {
        OptionValue v;
        v.type_ = std::move(signature);
        return v;
    }

    // The D-Bus signature of the content; "" for no value at all.
    const std::string& type() const { return type_; }
    template <typename T>
    bool holds() const
    {
        return std::holds_alternative<T>(content_);
    }
    // Only after holds<T>() said yes.
    template <typename T>
    const T& get() const
    {
        return std::get<T>(content_);
    }
    const Content& content() const { return content_; }

    bool operator==(const OptionValue&) const = default;

private:
    std::string type_;
    Content content_;
};

using OptionMap = std::map<std::string, OptionValue>;

}  // namespace mptcp::dbus
