// A connection as the Connections interface returns it: its token, its
// info dict and (for -d) its subflows' dicts, with the variants read into
// plain values. Only the keys the service sent are in the maps.
#pragma once

#include "event_format.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mptcp::cli {

// The same values as an event's info: type, number or text.
using InfoMap = std::map<std::string, InfoValue>;

struct ConnectionView {
    std::uint32_t token = 0;
    InfoMap info;
    std::vector<InfoMap> subflows;  // filled for -d only
};

}  // namespace mptcp::cli
