// The results of one run: rows grouped by figure, goals checked, figures
// that could not be measured (and why), warnings about the machine. The
// table on stdout and the JSON file are made from the same rows.
#pragma once

#include "json.hpp"

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace mptcp::bench {

struct Goal {
    enum class Kind {
        RatioAtMost,   // ratio <= limit
        RatioAtLeast,  // ratio >= limit
        ValueAtMost,   // value <= limit
    };
    Kind kind = Kind::RatioAtMost;
    double limit = 0;

    bool metBy(double value, std::optional<double> ratio) const;
    std::string text() const;  // "<= 1.20x", ">= 0.90x", "<= 5120"
};

struct Row {
    std::string name;  // what was measured, e.g. "GetEndpoint, unpinned"
    double value = 0;
    std::string unit;  // "us", "ms", "KiB", "events/s", ...
    std::optional<double> p99;
    std::optional<double> floor;  // in the row's unit
    std::string floorName;        // what the floor is
    std::optional<double> ratio;  // value / floor
    std::optional<Goal> goal;
    std::string note;

    std::optional<bool> met() const;
};

// A reference (a plain service's same reply or signal, with or without the
// kernel request) measured beside `measured`, in us: held against that
// row's floor, with no goal of its own (for the record). The note is the
// caller's.
Row referenceBeside(const Row& measured, std::string name, double p50, double p99);

class Report {
public:
    void setMode(std::string mode) { mode_ = std::move(mode); }
    // Machine facts for the JSON header (kernel, cpus, ...).
    void setMachineFact(const std::string& key, Json value) { machine_.set(key, std::move(value)); }

    // Rows and "not measured" lines go to the figure last begun; beginning
    // a figure again (same id) goes back to it. Output is ordered by id.
    void beginFigure(const std::string& id, const std::string& title);
    void add(Row row);
    void notMeasured(const std::string& what, const std::string& why);
    // Printed at once on stderr, and kept for the table and the JSON.
    void warn(const std::string& text);

    void printTable(std::ostream& out) const;
    Json toJson() const;

    int goalsMet() const { return countGoals(true); }
    int goalsNotMet() const { return countGoals(false); }

private:
    struct Figure {
        std::string id;
        std::string title;
        std::vector<Row> rows;
        std::vector<std::pair<std::string, std::string>> notMeasured;
    };
    Figure& current();
    std::vector<const Figure*> inOrder() const;
    int countGoals(bool met) const;

    std::string mode_;
    Json machine_ = Json::object();
    std::vector<Figure> figures_;
    std::vector<std::string> warnings_;
};

}  // namespace mptcp::bench
