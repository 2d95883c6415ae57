#include "json.hpp"

#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace mptcp::bench {
namespace {

void writeString(std::ostream& out, const std::string& s)
{
    out << '"';
    for (const char c : s) {
        switch (c) {
            case '"':
                out << "\\\"";
                break;
            case '\\':
                out << "\\\\";
                break;
            case '\n':
                out << "\\n";
                break;
            case '\t':
                out << "\\t";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
                    out << buf;
                } else {
                    out << c;
                }
        }
    }
    out << '"';
}

void writeNumber(std::ostream& out, double d)
{
    // JSON has no NaN or infinity: a figure that could not be computed is null.
    if (!std::isfinite(d)) {
        out << "null";
        return;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", d);
    out << buf;
}

void newline(std::ostream& out, int indent)
{
    out << '\n' << std::string(static_cast<std::size_t>(indent) * 2, ' ');
}

}  // namespace

Json& Json::set(const std::string& key, Json value)
{
    if (std::holds_alternative<std::nullptr_t>(value_)) {
        value_ = Object{};
    }
    auto* members = std::get_if<Object>(&value_);
    if (members == nullptr) {
        throw std::logic_error("Json::set on a value that is not an object");
    }
    for (auto& [k, v] : *members) {
        if (k == key) {
            v = std::move(value);
            return v;
        }
    }
    members->emplace_back(key, std::move(value));
    return members->back().second;
}

Json& Json::push(Json value)
{
    if (std::holds_alternative<std::nullptr_t>(value_)) {
        value_ = Array{};
    }
    auto* elements = std::get_if<Array>(&value_);
    if (elements == nullptr) {
        throw std::logic_error("Json::push on a value that is not an array");
    }
    elements->push_back(std::move(value));
    return elements->back();
}

void Json::write(std::ostream& out, int indent) const
{
    if (std::holds_alternative<std::nullptr_t>(value_)) {
        out << "null";
    } else if (const auto* b = std::get_if<bool>(&value_)) {
        out << (*b ? "true" : "false");
    } else if (const auto* d = std::get_if<double>(&value_)) {
        writeNumber(out, *d);
    } else if (const auto* i = std::get_if<std::int64_t>(&value_)) {
        out << *i;
    } else if (const auto* s = std::get_if<std::string>(&value_)) {
        writeString(out, *s);
    } else if (const auto* a = std::get_if<Array>(&value_)) {
        out << '[';
        for (std::size_t n = 0; n < a->size(); ++n) {
            out << (n == 0 ? "" : ",");
            newline(out, indent + 1);
            (*a)[n].write(out, indent + 1);
        }
        if (!a->empty()) {
            newline(out, indent);
        }
        out << ']';
    } else if (const auto* o = std::get_if<Object>(&value_)) {
        out << '{';
        for (std::size_t n = 0; n < o->size(); ++n) {
            out << (n == 0 ? "" : ",");
            newline(out, indent + 1);
            writeString(out, (*o)[n].first);
            out << ": ";
            (*o)[n].second.write(out, indent + 1);
        }
        if (!o->empty()) {
            newline(out, indent);
        }
        out << '}';
    }
}

}  // namespace mptcp::bench
