#include "report.hpp"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <utility>

namespace mptcp::bench {
namespace {

std::string fixed(double v, int decimals)
{
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

// Enough digits to read, not so many that noise looks like precision.
std::string readable(double v)
{
    const double a = v < 0 ? -v : v;
    return fixed(v, a >= 100 ? 0 : a >= 10 ? 1 : 2);
}

std::string pad(std::string s, std::size_t width)
{
    // Widths count bytes; the table sticks to ASCII so columns line up.
    if (s.size() < width) {
        s.append(width - s.size(), ' ');
    }
    return s;
}

std::string padLeft(const std::string& s, std::size_t width)
{
    return s.size() < width ? std::string(width - s.size(), ' ') + s : s;
}

Json optionalNumber(std::optional<double> v)
{
    return v ? Json(*v) : Json();
}

}  // namespace

bool Goal::metBy(double value, std::optional<double> ratio) const
{
    switch (kind) {
        case Kind::RatioAtMost:
            return ratio && *ratio <= limit;
        case Kind::RatioAtLeast:
            return ratio && *ratio >= limit;
        case Kind::ValueAtMost:
            return value <= limit;
    }
    return false;
}

std::string Goal::text() const
{
    switch (kind) {
        case Kind::RatioAtMost:
            return "<= " + fixed(limit, 2) + "x";
        case Kind::RatioAtLeast:
            return ">= " + fixed(limit, 2) + "x";
        case Kind::ValueAtMost:
            return "<= " + readable(limit);
    }
    return "";
}

std::optional<bool> Row::met() const
{
    if (!goal) {
        return std::nullopt;
    }
    return goal->metBy(value, ratio);
}

Row referenceBeside(const Row& measured, std::string name, double p50, double p99)
{
    Row row;
    row.name = std::move(name);
    row.value = p50;
    row.unit = "us";
    row.p99 = p99;
    row.floor = measured.floor;
    row.floorName = measured.floorName;
    row.ratio = row.floor && *row.floor > 0 ? p50 / *row.floor : 0;
    return row;
}

Report::Figure& Report::current()
{
    if (figures_.empty()) {
        throw std::logic_error("Report: a row before any beginFigure()");
    }
    return figures_.back();
}

void Report::beginFigure(const std::string& id, const std::string& title)
{
    for (std::size_t i = 0; i < figures_.size(); ++i) {
        if (figures_[i].id == id) {
            // Back to a figure begun before: move it last, so current() is it.
            std::rotate(figures_.begin() + static_cast<std::ptrdiff_t>(i),
                        figures_.begin() + static_cast<std::ptrdiff_t>(i) + 1, figures_.end());
            return;
        }
    }
    figures_.push_back(Figure{id, title, {}, {}});
}

std::vector<const Report::Figure*> Report::inOrder() const
{
    std::vector<const Figure*> out;
    for (const auto& f : figures_) {
        out.push_back(&f);
    }
    std::stable_sort(out.begin(), out.end(), [](const Figure* a, const Figure* b) { return a->id < b->id; });
    return out;
}

void Report::add(Row row)
{
    current().rows.push_back(std::move(row));
}

void Report::notMeasured(const std::string& what, const std::string& why)
{
    current().notMeasured.emplace_back(what, why);
    std::cerr << "mptcp-pm-bench: not measured: " << what << ": " << why << '\n';
}

void Report::warn(const std::string& text)
{
    warnings_.push_back(text);
    std::cerr << "mptcp-pm-bench: WARNING: " << text << '\n';
}

void Report::printTable(std::ostream& out) const
{
    constexpr std::size_t kName = 48;
    constexpr std::size_t kNum = 11;
    out << pad("Fig Measure", kName + 4) << padLeft("Value", kNum) << padLeft("p99", kNum) << padLeft("Floor", kNum)
        << padLeft("Ratio", 8) << "  " << pad("Goal", 10) << "Met\n";
    for (const Figure* fp : inOrder()) {
        const Figure& f = *fp;
        out << f.id << "   " << f.title << '\n';
        for (const auto& r : f.rows) {
            const auto met = r.met();
            const std::string unit = r.unit.empty() ? "" : " " + r.unit;
            out << "    " << pad(r.name, kName) << padLeft(readable(r.value) + unit, kNum)
                << padLeft(r.p99 ? readable(*r.p99) + unit : "", kNum)
                << padLeft(r.floor ? readable(*r.floor) + unit : "", kNum)
                << padLeft(r.ratio ? fixed(*r.ratio, 2) + "x" : "", 8) << "  " << pad(r.goal ? r.goal->text() : "", 10)
                << (met ? (*met ? "yes" : "NO") : "") << '\n';
            if (!r.note.empty()) {
                out << "        (" << r.note << ")\n";
            }
        }
        for (const auto& [what, why] : f.notMeasured) {
            out << "    not measured: " << what << ": " << why << '\n';
        }
    }
    for (const auto& w : warnings_) {
        out << "WARNING: " << w << '\n';
    }
    out << "goals: " << goalsMet() << " met, " << goalsNotMet() << " not met\n";
}

Json Report::toJson() const
{
    Json root = Json::object();
    root.set("schema", "mptcp-pm-bench/1");
    root.set("mode", mode_);
    root.set("machine", machine_);
    Json figures{Json::Array{}};
    for (const Figure* fp : inOrder()) {
        const Figure& f = *fp;
        Json fig = Json::object();
        fig.set("id", f.id);
        fig.set("title", f.title);
        Json rows{Json::Array{}};
        for (const auto& r : f.rows) {
            Json row = Json::object();
            row.set("name", r.name);
            row.set("value", r.value);
            row.set("unit", r.unit);
            row.set("p99", optionalNumber(r.p99));
            row.set("floor", optionalNumber(r.floor));
            row.set("floor_name", r.floorName);
            row.set("ratio", optionalNumber(r.ratio));
            row.set("goal", r.goal ? Json(r.goal->text()) : Json());
            const auto met = r.met();
            row.set("met", met ? Json(*met) : Json());
            row.set("note", r.note);
            rows.push(std::move(row));
        }
        fig.set("rows", std::move(rows));
        Json missing{Json::Array{}};
        for (const auto& [what, why] : f.notMeasured) {
            Json m = Json::object();
            m.set("what", what);
            m.set("why", why);
            missing.push(std::move(m));
        }
        fig.set("not_measured", std::move(missing));
        figures.push(std::move(fig));
    }
    root.set("figures", std::move(figures));
    Json warnings{Json::Array{}};
    for (const auto& w : warnings_) {
        warnings.push(w);
    }
    root.set("warnings", std::move(warnings));
    Json goals = Json::object();
    goals.set("met", goalsMet());
    goals.set("not_met", goalsNotMet());
    root.set("goals", std::move(goals));
    return root;
}

int Report::countGoals(bool met) const
{
    int n = 0;
    for (const auto& f : figures_) {
        for (const auto& r : f.rows) {
            n += r.met() == std::optional<bool>(met) ? 1 : 0;
        }
    }
    return n;
}

}  // namespace mptcp::bench
