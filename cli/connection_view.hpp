// A connection as the Connections interface returns it: its token, its
// info dict and (for -d) its subflows' dicts, with the variants read into
// plain values. Only the keys the service sent are in the maps.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mptcp::cli {

struct InfoValue {
    char type = 0;             // the D-Bus type: 's', 'b', 'y', 'q', 'u', 't'
    std::string text;          // 's'
    std::uint64_t number = 0;  // every other type ('b': 0 or 1)
};
using InfoMap = std::map<std::string, InfoValue>;

struct ConnectionView {
    std::uint32_t token = 0;
    InfoMap info;
    std::vector<InfoMap> subflows;  // filled for -d only
};

}  // namespace mptcp::cli
