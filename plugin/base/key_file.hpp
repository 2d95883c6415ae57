// The syntax of the service's own configuration file: "[group]" headers,
// "key=value" lines, blank lines and '#' comments — the key-file syntax
// the NetworkManager hook's dispatcher.conf uses, read here without GLib
// (the daemon links no GLib). Pure; every mistake comes with its line.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mptcp::keyfile {

struct Entry {
    std::string key;
    std::string value;  // blanks around it removed
    std::size_t line = 0;
};

struct Group {
    std::string name;  // between the brackets, as written
    std::size_t line = 0;
    std::vector<Entry> entries;  // in file order
};

struct Mistake {
    std::size_t line = 0;
    std::string key;  // the key, or "[group]" for a header, or "" for a line that is neither
    std::string message;
};

struct Parsed {
    std::vector<Group> groups;  // in file order
    std::vector<Mistake> mistakes;
};

// Leading blanks are ignored; a line is blank, a comment ('#'), a group
// header or key=value. Refused (a mistake each, parsing goes on): a line
// that is none of these, a key before the first group, an empty key, the
// same group or the same key in a group twice (no guessing which one
// counts), control characters, and lines over 4096 bytes.
Parsed parse(std::string_view text);

}  // namespace mptcp::keyfile
