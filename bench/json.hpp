// Just enough JSON for the results file: build a tree, write it out. The
// file is for scripts, so numbers are plain decimals and keys keep the
// order they were added in (diffs between two runs stay readable).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace mptcp::bench {

class Json {
public:
    using Array = std::vector<Json>;
    using Object = std::vector<std::pair<std::string, Json>>;

    Json() = default;  // null
    Json(bool b) : value_(b) {}
    Json(double d) : value_(d) {}
    Json(int i) : value_(static_cast<std::int64_t>(i)) {}
    Json(std::int64_t i) : value_(i) {}
    Json(std::uint64_t i) : value_(static_cast<std::int64_t>(i)) {}
    Json(const char* s) : value_(std::string(s)) {}
    Json(std::string s) : value_(std::move(s)) {}
    Json(Array a) : value_(std::move(a)) {}

    static Json object() { return Json(Object{}); }

    // Object members, in insertion order; a key set twice keeps its place.
    Json& set(const std::string& key, Json value);
    // Array elements.
    Json& push(Json value);

    void write(std::ostream& out, int indent = 0) const;

private:
    explicit Json(Object o) : value_(std::move(o)) {}
    std::variant<std::nullptr_t, bool, double, std::int64_t, std::string, Array, Object> value_{nullptr};
};

}  // namespace mptcp::bench
