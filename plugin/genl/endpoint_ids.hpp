// Which ids the endpoint table holds and where the kernel's id cursor
// stands (docs/kernel-behaviour.md §2), as far as this process can know them from its
// own requests: so that AddEndpoint with id 0 can send the id the kernel
// would choose instead of asking the kernel afterwards which one it chose
// (its ACK does not say; a dump of the whole table would).
//
// Only a prediction: another program (ip) may change the table meanwhile.
// The caller sends the predicted id explicitly, so whatever id the endpoint
// gets is the one it returns; the kernel refuses an id already taken
// (EBUSY), and then the caller forgets the model and lets the kernel choose.
// What such a change can still do is make the prediction differ from the
// kernel's own choice while both ids are free.
#pragma once

#include "endpoint.hpp"

#include <bitset>
#include <cstdint>
#include <optional>
#include <vector>

namespace mptcp {

class EndpointIds {
public:
    // The id the kernel would give the next endpoint added without one, or
    // nullopt when unknown (no dump seen yet, or an endpoint was added with
    // an id nobody reported) or when no id is free.
    std::optional<std::uint8_t> predict() const;

    // What this process saw or did, successful requests only (except
    // addTried, which the kernel applies to every ADD_ADDR).
    void dumped(const std::vector<Endpoint>& table);
    void addTried();
    void added(std::optional<std::uint8_t> id);  // nullopt: the kernel chose, unknown which
    void chosen(std::uint8_t id);                // ... and now we know: this one
    void deleted(std::uint8_t id);
    void flushed();
    void forget();

private:
    std::bitset<256> used_;
    bool tableKnown_ = false;
    std::uint8_t cursor_ = 0;  // 0: unknown
};

}  // namespace mptcp
