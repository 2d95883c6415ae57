// One table of cases, run against BOTH the fake kernel and the real one (in
// a network namespace of this test process's own), so the fake the unit
// tests trust cannot drift from what the kernel really does. Each case is
// a list of raw mptcp_pm requests in a compact `ip mptcp`-like notation,
// with the errno and extended-ack text the kernel must answer, and the
// table and limits it must leave (docs/kernel-behaviour.md is the source).
//
// The userspace path manager's commands act on live connections: each case
// gets a fresh userspace-PM connection ($T, its local port $LP, the
// listener's port $RP; the initial subflow is 10.0.0.1 $LP -> 10.0.0.1 $RP)
// and a connection of the in-kernel path manager ($K) — real ones over the
// namespace's loopback, or the fake kernel's model of them.
#include "fake_kernel.hpp"
#include "kernel_namespace.hpp"
#include "mptcp_sockets.hpp"
#include "mptcp_sysctl.hpp"
#include "pm_client.hpp"
#include "pm_protocol.hpp"

#include <gtest/gtest.h>
#include <net/if.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace mptcp {
namespace {

// Addresses configured on the namespace's lo (port endpoints need a local
// address for their listener) and one veth for device-bound endpoints.
const char* const kLocalAddresses[] = {"10.0.0.1", "10.0.0.2", "2001:db8::1"};

struct Step {
    Step(std::string request_, int error_ = 0, std::string extack_ = {}, std::string reply_ = {})
        : request(std::move(request_)), error(error_), extack(std::move(extack_)), reply(std::move(reply_))
    {
    }
    std::string request;  // e.g. "add 10.0.0.1 id 5 port 80 flags 0x1 dev 7"
    int error;            // expected errno; 0 = success
    std::string extack;   // expected extended-ack text
    std::string reply;    // for "get": the endpoint as show() prints it
};

struct Case {
    std::string name;
    std::vector<Step> steps;
    std::string table;   // show() of the final dump
    std::string limits;  // "add_addr_accepted A subflows S", "" = not checked
};

std::string show(const Endpoint& ep)
{
    std::string s = std::to_string(ep.id) + " " + ep.address.toString();
    if (ep.port != 0) {
        s += " port " + std::to_string(ep.port);
    }
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%x", ep.flags);
    s += std::string(" flags ") + hex;
    if (ep.ifindex != 0) {
        s += " dev " + std::to_string(ep.ifindex);
    }
    return s;
}

std::string show(const std::vector<Endpoint>& table)
{
    std::string s;
    for (const Endpoint& ep : table) {
        s += (s.empty() ? "" : "; ") + show(ep);
    }
    return s;
}

// Parses "VERB [ADDR] [id N] [port P] [flags F] [dev IFINDEX] [subflows S] [accepted A]
// [token T] [rip ADDR] [rport P]".
struct Request {
    std::string verb;
    genl::AddrSpec spec;
    std::optional<std::uint32_t> subflows, accepted;
    std::uint32_t token = 0;
    genl::AddrSpec remote;
};

Request parse(const std::string& text)
{
    std::istringstream in(text);
    Request r;
    in >> r.verb;
    std::string word;
    while (in >> word) {
        std::string value;
        if (word == "id") {
            in >> value;
            r.spec.id = static_cast<std::uint8_t>(std::stoul(value));
        } else if (word == "port") {
            in >> value;
            r.spec.port = static_cast<std::uint16_t>(std::stoul(value));
        } else if (word == "flags") {
            in >> value;
            r.spec.flags = static_cast<std::uint32_t>(std::stoul(value, nullptr, 0));
        } else if (word == "dev") {
            in >> value;
            r.spec.ifindex = std::stoi(value);
        } else if (word == "subflows") {
            in >> value;
            r.subflows = static_cast<std::uint32_t>(std::stoul(value));
        } else if (word == "accepted") {
            in >> value;
            r.accepted = static_cast<std::uint32_t>(std::stoul(value));
        } else if (word == "token") {
            in >> value;
            r.token = static_cast<std::uint32_t>(std::stoul(value));
        } else if (word == "rip") {
            in >> value;
            r.remote.address = IpAddress::parse(value);
            if (!r.remote.address) {
                throw std::invalid_argument("bad remote address in case: " + value);
            }
        } else if (word == "rport") {
            in >> value;
            r.remote.port = static_cast<std::uint16_t>(std::stoul(value));
        } else {
            r.spec.address = IpAddress::parse(word);
            if (!r.spec.address) {
                throw std::invalid_argument("bad word in case: " + word);
            }
        }
    }
    return r;
}

// Runs one request; returns the reply text for "get".
std::string run(PmClient& client, const Request& r)
{
    if (r.verb == "add") {
        client.addAddr(r.spec);
    } else if (r.verb == "del") {
        client.delAddr(r.spec);
    } else if (r.verb == "get") {
        return show(client.getAddr(r.spec.id.value_or(0)));
    } else if (r.verb == "change") {
        client.setFlags(r.spec);
    } else if (r.verb == "flush") {
        client.flushAddrs();
    } else if (r.verb == "limits") {
        client.setLimits(r.subflows, r.accepted);
    } else if (r.verb == "replace") {
        const std::optional<Limits> l = client.replaceLimits(r.subflows, r.accepted);
        return l ? "was add_addr_accepted " + std::to_string(l->addAddrAccepted) + " subflows " +
                       std::to_string(l->subflows)
                 : "was unknown";
    } else if (r.verb == "announce") {
        client.announce(r.token, r.spec);
    } else if (r.verb == "remove") {
        client.remove(r.token, r.spec.id.value_or(0));
    } else if (r.verb == "create") {
        client.subflowCreate(r.token, r.spec, r.remote);
    } else if (r.verb == "destroy") {
        client.subflowDestroy(r.token, r.spec, r.remote);
    } else if (r.verb == "prio") {
        client.setSubflowFlags(r.token, r.spec, r.remote);
    } else if (r.verb == "list") {
        return show(client.dumpAddrs(r.token));
    } else {
        throw std::invalid_argument("bad verb: " + r.verb);
    }
    return {};
}

std::vector<std::string> addAll(int first, int count, const char* prefix = "10.1.0.")
{
    std::vector<std::string> v;
    for (int i = first; i < first + count; ++i) {
        v.push_back(std::string("add ") + prefix + std::to_string(i));
    }
    return v;
}

std::vector<Case> cases()
{
    const std::string dup = "too many addresses or duplicate one: ";
    std::vector<Case> c = {
        {"ids_fill_the_lowest_free_at_or_above_the_cursor",
         {{"add 10.1.0.1"},
          {"add 10.1.0.2"},
          {"add 10.1.0.3"},
          {"del id 3"},
          {"add 10.1.0.4"},
          {"del id 1"},
          {"add 10.1.0.5"}},
         "2 10.1.0.2 flags 0x0; 3 10.1.0.4 flags 0x0; 4 10.1.0.5 flags 0x0",
         ""},
        {"a_deleted_id_at_the_cursor_is_reused",
         {{"add 10.1.0.1 id 50"}, {"del id 50"}, {"add 10.1.0.2"}, {"add 10.1.0.3"}},
         "50 10.1.0.2 flags 0x0; 51 10.1.0.3 flags 0x0",
         ""},
        {"explicit_id_0_means_choose", {{"add 10.1.0.1 id 0 flags 0x2"}}, "1 10.1.0.1 flags 0x2", ""},
        {"busy_id",
         {{"add 10.1.0.1 id 7"}, {"add 10.1.0.2 id 7", EBUSY, dup + "-16"}, {"add 10.1.0.1 id 7", EBUSY, dup + "-16"}},
         "7 10.1.0.1 flags 0x0",
         ""},
        {"duplicates_ipv4_ipv6_and_mapped",
         {{"add 10.1.0.1 flags 0x2"},
          {"add 10.1.0.1 flags 0x4 dev 1", EEXIST, dup + "-17"},
          {"add ::ffff:10.1.0.1", EEXIST, dup + "-17"},
          {"add ::ffff:10.1.0.2"},
          {"add 10.1.0.2", EEXIST, dup + "-17"},
          {"add 2001:DB8:0:0:0:0:0:2"},
          {"add 2001:db8:0::2", EEXIST, dup + "-17"}},
         "1 10.1.0.1 flags 0x2; 2 ::ffff:10.1.0.2 flags 0x0; 3 2001:db8::2 flags 0x0",
         ""},
        {"ports_need_signal_without_subflow_and_a_local_address",
         {{"add 10.0.0.1 port 10100 flags 0x1"},
          {"add 10.0.0.1 port 10101 flags 0x1"},
          {"add 10.0.0.1 flags 0x1"},
          {"add 10.0.0.1 port 10100 flags 0x1", EADDRINUSE, "create listen socket error: -98"},
          {"add 10.9.9.9 port 10100 flags 0x1", EADDRNOTAVAIL, "create listen socket error: -99"},
          {"add 10.0.0.2 port 10100 flags 0x2", EINVAL, "flags must have signal and not subflow when using port"},
          {"add 10.0.0.2 port 10100 flags 0x3", EINVAL, "flags must have signal and not subflow when using port"},
          {"add 2001:db8::1 port 10100 flags 0x1"}},
         "1 10.0.0.1 port 10100 flags 0x1; 2 10.0.0.1 port 10101 flags 0x1; 3 10.0.0.1 flags 0x1; "
         "4 2001:db8::1 port 10100 flags 0x1",
         ""},
        {"flag_rules_on_add",
         {{"add 10.1.0.1 flags 0x9", EINVAL, "flags mustn't have both signal and fullmesh"},
          {"add 10.1.0.1 flags 0xff", EINVAL, "flags mustn't have both signal and fullmesh"},
          {"add 10.1.0.1 flags 0x10", EINVAL, "can't create IMPLICIT endpoint"},
          {"add 10.1.0.1 flags 0x80"},
          {"add 10.1.0.2 flags 0x20"},
          {"add 10.1.0.3 flags 0xe"},
          {"add 10.1.0.4 flags 0x8"},
          {"add 10.1.0.5 flags 0x7"}},
         "1 10.1.0.1 flags 0x0; 2 10.1.0.2 flags 0x20; 3 10.1.0.3 flags 0xe; 4 10.1.0.4 flags 0x8; "
         "5 10.1.0.5 flags 0x7",
         ""},
        {"the_kernel_does_not_check_addresses_or_devices",
         {{"add 0.0.0.0"}, {"add ::1"}, {"add 224.0.0.1"}, {"add 10.1.0.1 dev 9999"}},
         "1 0.0.0.0 flags 0x0; 2 ::1 flags 0x0; 3 224.0.0.1 flags 0x0; 4 10.1.0.1 flags 0x0 dev 9999",
         ""},
        {"get_is_by_id_only",
         {{"add 10.1.0.1 flags 0x2"},
          {"get id 1", 0, "", "1 10.1.0.1 flags 0x2"},
          {"get id 2", EINVAL, "address not found"},
          {"get id 0", EINVAL, "address not found"},
          {"get 10.1.0.1 id 1", 0, "", "1 10.1.0.1 flags 0x2"}},
         "1 10.1.0.1 flags 0x2",
         ""},
        {"delete_by_id_ignores_an_address_and_id_0_never_changes_the_table",
         {{"add 10.1.0.1"},
          {"add 10.1.0.2"},
          {"del id 2 10.9.9.9"},
          {"del id 2", EINVAL, "address not found"},
          {"del id 0 10.1.0.1"},
          {"del id 0"},
          {"del id 9", EINVAL, "address not found"}},
         "1 10.1.0.1 flags 0x0",
         ""},
        {"change_sets_both_bits_and_clears_what_it_does_not_carry",
         {{"add 10.1.0.1 flags 0x6"},
          {"change id 1 flags 0x8"},
          {"get id 1", 0, "", "1 10.1.0.1 flags 0xa"},
          {"change id 1"},
          {"get id 1", 0, "", "1 10.1.0.1 flags 0x2"},
          {"change id 1 flags 0xff"},
          {"get id 1", 0, "", "1 10.1.0.1 flags 0xe"}},
         "1 10.1.0.1 flags 0xe",
         ""},
        {"change_by_address_ignores_the_id_and_matches_mapped",
         {{"add 10.1.0.1 flags 0x2"},
          {"add 10.1.0.2 flags 0x2"},
          {"change 10.1.0.1 id 2 flags 0x4"},
          {"change ::ffff:10.1.0.2 flags 0x4"},
          {"change 10.9.9.9 id 1 flags 0x4", EINVAL, "address not found"},
          {"change flags 0x4", EOPNOTSUPP, "missing address ID"},
          {"change id 9 flags 0x4", EINVAL, "address not found"}},
         "1 10.1.0.1 flags 0x6; 2 10.1.0.2 flags 0x6",
         ""},
        {"change_with_a_port_falls_back_to_the_portless_entry",
         {{"add 10.0.0.1 port 10200 flags 0x1"},
          {"add 10.0.0.1 flags 0x1"},
          {"change 10.0.0.1 port 10200 flags 0x4"},
          {"change 10.0.0.1 port 10300 flags 0x4"},
          {"add 10.0.0.2 port 10200 flags 0x1"},
          {"change 10.0.0.2 port 10300 flags 0x4", EINVAL, "address not found"}},
         "1 10.0.0.1 port 10200 flags 0x5; 2 10.0.0.1 flags 0x5; 3 10.0.0.2 port 10200 flags 0x1",
         ""},
        {"fullmesh_is_refused_on_signal_endpoints",
         {{"add 10.1.0.1 flags 0x1"},
          {"add 10.1.0.2 flags 0x3"},
          {"change id 1 flags 0x8", EINVAL, "invalid addr flags"},
          {"change id 2 flags 0x8", EINVAL, "invalid addr flags"},
          {"change id 1 flags 0x4"}},
         "1 10.1.0.1 flags 0x5; 2 10.1.0.2 flags 0x3",
         ""},
        {"limits_are_all_or_nothing",
         {{"limits subflows 8 accepted 8"},
          {"limits subflows 3 accepted 9", EINVAL, "limit greater than maximum (8)"},
          {"limits subflows 9 accepted 3", EINVAL, "limit greater than maximum (8)"},
          {"limits accepted 4294967295", EINVAL, "limit greater than maximum (8)"},
          {"limits accepted 5"},
          {"limits"}},
         "",
         "add_addr_accepted 5 subflows 8"},
        // GET_LIMITS and SET_LIMITS in one datagram: handled in order.
        {"replace_reads_the_limits_just_before_writing_them",
         {{"limits subflows 4 accepted 1"},
          {"replace subflows 6 accepted 3", 0, "", "was add_addr_accepted 1 subflows 4"},
          {"replace accepted 9", EINVAL, "limit greater than maximum (8)"},
          {"replace subflows 7", 0, "", "was add_addr_accepted 3 subflows 6"}},
         "",
         "add_addr_accepted 3 subflows 7"},
        {"flush_resets_the_cursor_and_keeps_the_limits",
         {{"limits subflows 4 accepted 1"}, {"add 10.1.0.1 id 40"}, {"flush"}, {"flush"}, {"add 10.1.0.2"}},
         "1 10.1.0.2 flags 0x0",
         "add_addr_accepted 1 subflows 4"},
        {"dump_is_in_ascending_id_order",
         {{"add 10.1.0.9 id 9"},
          {"add 10.1.0.3 id 3"},
          {"add 10.1.0.200 id 200"},
          {"add 10.1.0.1"},
          {"add 10.1.0.2 id 1"}},
         "1 10.1.0.2 flags 0x0; 3 10.1.0.3 flags 0x0; 9 10.1.0.9 flags 0x0; 200 10.1.0.200 flags 0x0; "
         "201 10.1.0.1 flags 0x0",
         ""},
    };

    // The userspace path manager (docs/userspace-pm.md). A subflow the
    // service creates runs from 10.0.0.2; the peer's answer to its MP_JOIN
    // is not part of these cases (it comes later, as an event).
    const std::string initial = "10.0.0.1 port $LP rip 10.0.0.1 rport $RP";
    const std::vector<Case> userspace = {
        {"userspace_announce_needs_an_id_and_the_signal_flag",
         {{"announce token $T 10.0.0.2 flags 0x1", EINVAL, "invalid addr id"},
          {"announce token $T 10.0.0.2 id 0 flags 0x1", EINVAL, "invalid addr id"},
          {"announce token $T 10.0.0.2 id 5", EINVAL, "invalid addr flags"},
          {"announce token $T 10.0.0.2 id 5 flags 0x1"},
          {"announce token $T 10.0.0.2 id 5 flags 0x1"},
          {"announce token $T 10.0.0.2 id 6 flags 0x1", EINVAL, "did not match address and id"},
          {"announce token $T 2001:db8::1 id 5 flags 0x1", EINVAL, "did not match address and id"},
          {"announce token $T 10.0.0.2 id 7 port 8080 flags 0x1"},
          {"list token $T", 0, "", "5 10.0.0.2 flags 0x1; 7 10.0.0.2 port 8080 flags 0x1"}},
         "",
         ""},
        {"userspace_unknown_tokens_and_kernel_pm_connections",
         {{"announce token 1 10.0.0.2 id 5 flags 0x1", EINVAL, "invalid token"},
          {"remove token 1 id 5", EINVAL, "invalid token"},
          {"list token 1", EINVAL, "invalid token"},
          {"prio token 1 10.0.0.1 flags 0x4 rip 10.0.0.1 rport $RP", EINVAL, "invalid token"},
          {"announce token $K 10.0.0.2 id 5 flags 0x1", EINVAL, "userspace PM not selected"},
          {"create token $K 10.0.0.2 id 3 rip 10.0.0.1 rport $RP", EINVAL, "userspace PM not selected"},
          {"destroy token $K " + initial, EINVAL, "userspace PM not selected"},
          {"list token $K", EINVAL, "userspace PM not selected"}},
         "",
         ""},
        {"userspace_remove_by_id",
         {{"announce token $T 10.0.0.2 id 5 flags 0x1"},
          {"remove token $T id 7", EINVAL, "address with id 7 not found"},
          {"remove token $T id 5"},
          {"remove token $T id 5", EINVAL, "address with id 5 not found"},
          {"list token $T", 0, "", ""}},
         "",
         ""},
        {"userspace_subflow_create_rules",
         {{"create token $T 10.0.0.2 id 3 flags 0x1 rip 10.0.0.1 rport $RP", EINVAL, "invalid addr flags"},
          {"create token $T 2001:db8::1 id 3 rip 10.0.0.1 rport $RP", EINVAL, "families mismatch"},
          {"create token $T 10.9.9.9 id 3 rip 10.0.0.1 rport $RP", EADDRNOTAVAIL, "connect error: -99"},
          {"list token $T", 0, "", ""},
          {"announce token $T 10.0.0.2 id 5 flags 0x1"},
          {"create token $T 10.0.0.2 id 3 rip 10.0.0.1 rport $RP", EINVAL, "did not match address and id"},
          {"create token $T 10.0.0.2 id 5 flags 0x4 rip 10.0.0.1 rport $RP"},
          {"list token $T", 0, "", "5 10.0.0.2 flags 0x1"}},
         "",
         ""},
        {"userspace_subflow_create_lists_the_address_with_its_id",
         {{"create token $T 10.0.0.2 id 3 flags 0x4 rip 10.0.0.1 rport $RP"},
          {"list token $T", 0, "", "3 10.0.0.2 flags 0x6"}},
         "",
         ""},
        {"userspace_subflow_destroy_needs_the_whole_tuple",
         {{"destroy token $T 10.0.0.1 rip 10.0.0.1 rport $RP", EINVAL, "missing local port"},
          {"destroy token $T 10.0.0.1 port $LP rip 10.0.0.1", EINVAL, "missing remote port"},
          {"destroy token $T 10.0.0.1 port $LP rip 2001:db8::1 rport $RP", EINVAL, "address families do not match"},
          {"destroy token $T 10.0.0.2 port $LP rip 10.0.0.1 rport $RP", ESRCH, "subflow not found"},
          {"destroy token $T " + initial}},
         "",
         ""},
        {"userspace_set_flags_finds_the_subflow",
         {{"prio token $T " + initial + " flags 0x4"},
          {"prio token $T 10.0.0.1 flags 0x4 rip 10.0.0.1 rport $RP"},
          {"prio token $T 10.0.0.1 flags 0x0 rip 10.0.0.1"},
          {"prio token $T 10.0.0.2 flags 0x4 rip 10.0.0.1 rport $RP", EINVAL, "subflow not found"},
          {"prio token $T id 1 flags 0x4 rip 10.0.0.1 rport $RP", EINVAL, "invalid local address family"},
          {"prio token $T 10.0.0.1 flags 0x4", EINVAL, "missing family"}},
         "",
         ""},
    };
    c.insert(c.end(), userspace.begin(), userspace.end());

    Case full{"the_table_holds_eight", {}, "", ""};
    for (const auto& r : addAll(1, 8)) {
        full.steps.push_back({r});
    }
    full.steps.push_back({"add 10.1.0.9", ERANGE, dup + "-34"});
    full.steps.push_back({"add 10.1.0.1", ERANGE, dup + "-34"});
    full.steps.push_back({"add 10.1.0.9 id 1", ERANGE, dup + "-34"});
    for (int i = 1; i <= 8; ++i) {
        full.table += (i > 1 ? "; " : "") + std::to_string(i) + " 10.1.0." + std::to_string(i) + " flags 0x0";
    }
    c.push_back(full);

    // The selftest's "id limit": after ids 10..255 were added and deleted,
    // the next automatic id wraps to the lowest free one.
    Case wrap{"ids_wrap_around_after_255", {{"add 10.2.0.1"}}, "", ""};
    for (int id = 10; id <= 255; ++id) {
        wrap.steps.push_back(
            {"add 10.3." + std::to_string(id / 256) + "." + std::to_string(id % 256) + " id " + std::to_string(id)});
        wrap.steps.push_back({"del id " + std::to_string(id)});
    }
    wrap.steps.push_back({"add 10.2.0.2"});
    wrap.table = "1 10.2.0.1 flags 0x0; 2 10.2.0.2 flags 0x0";
    c.push_back(wrap);
    return c;
}

// ---------------------------------------------------------------- backends

// The live connections of one case: see the comment at the top.
struct Connections {
    std::uint32_t userspace = 0;
    std::uint32_t kernel = 0;
    std::uint16_t localPort = 0;
    std::uint16_t remotePort = 0;
};

std::string substitute(std::string text, const Connections& c)
{
    const std::pair<std::string, std::string> names[] = {
        {"$T", std::to_string(c.userspace)},
        {"$K", std::to_string(c.kernel)},
        {"$LP", std::to_string(c.localPort)},
        {"$RP", std::to_string(c.remotePort)},
    };
    for (const auto& [name, value] : names) {
        for (std::size_t at; (at = text.find(name)) != std::string::npos;) {
            text.replace(at, name.size(), value);
        }
    }
    return text;
}

class Backend {
public:
    virtual ~Backend() = default;
    virtual PmClient& client() = 0;
    virtual Connections openConnections() = 0;
    // Back to a fresh namespace's state: empty table, cursor 1, default limits.
    void reset()
    {
        client().flushAddrs();
        client().setLimits(2, 0);
    }
};

class FakeBackend : public Backend {
public:
    FakeBackend() : client_(kernel_)
    {
        for (const char* a : kLocalAddresses) {
            kernel_.addLocalAddress(*IpAddress::parse(a));
        }
    }
    PmClient& client() override { return client_; }
    Connections openConnections() override
    {
        testing::FakeKernel::Connection c;
        c.localAddress = *IpAddress::parse("10.0.0.1");
        c.localPort = 40001;
        c.remoteAddress = c.localAddress;
        c.remotePort = 20000;
        Connections out{.localPort = c.localPort, .remotePort = c.remotePort};
        out.userspace = kernel_.addConnection(c);
        c.userspace = false;
        out.kernel = kernel_.addConnection(c);
        return out;
    }

private:
    testing::FakeKernel kernel_;
    PmClient client_;
};

class RealBackend : public Backend {
public:
    RealBackend() : transport_(openGenericNetlink()), client_(*transport_) {}
    PmClient& client() override { return client_; }
    // A connection keeps the path manager of its creation: the first is
    // made under "userspace", the second under "kernel" (left selected).
    Connections openConnections() override
    {
        PathManagerSetting pm;
        pm.set("userspace");
        listener_ = testing::mptcpListen("10.0.0.1");
        user_ = testing::mptcpConnect(listener_, "10.0.0.1");
        testing::exchangeData(user_);
        pm.set("kernel");
        kernel_ = testing::mptcpConnect(listener_, "10.0.0.1");
        testing::exchangeData(kernel_);
        return {.userspace = testing::mptcpToken(user_.client.get()),
                .kernel = testing::mptcpToken(kernel_.client.get()),
                .localPort = user_.clientPort,
                .remotePort = listener_.port};
    }

private:
    testing::MptcpListener listener_;
    testing::MptcpConnection user_;
    testing::MptcpConnection kernel_;
    std::unique_ptr<NetlinkTransport> transport_;
    PmClient client_;
};

enum class Kind { Fake, Real };

// Readable parameters in gtest's output instead of a byte dump.
void PrintTo(const Case& c, std::ostream* os)
{
    *os << c.name;
}
void PrintTo(Kind k, std::ostream* os)
{
    *os << (k == Kind::Fake ? "fake" : "kernel");
}

class Conformance : public ::testing::TestWithParam<std::tuple<Kind, Case>> {
protected:
    void SetUp() override
    {
        if (std::get<0>(GetParam()) == Kind::Real) {
            static const std::string why = testing::enterPrivateNetworkNamespace(kLocalAddresses);
            if (!why.empty()) {
                testing::skipOrFailInCi(why);
                return;
            }
            backend_ = std::make_unique<RealBackend>();
        } else {
            backend_ = std::make_unique<FakeBackend>();
        }
        backend_->reset();
    }
    std::unique_ptr<Backend> backend_;
};

TEST_P(Conformance, KernelAnswersAsObserved)
{
    if (!backend_) {
        return;  // skipped in SetUp
    }
    const Case& c = std::get<1>(GetParam());
    PmClient& client = backend_->client();
    const bool live = std::any_of(c.steps.begin(), c.steps.end(),
                                  [](const Step& s) { return s.request.find("token") != std::string::npos; });
    const Connections connections = live ? backend_->openConnections() : Connections{};
    for (const Step& step : c.steps) {
        const std::string request = substitute(step.request, connections);
        SCOPED_TRACE(request);
        int error = 0;
        std::string extack, reply;
        try {
            reply = run(client, parse(request));
        } catch (const KernelRefused& e) {
            error = e.status().error;
            extack = e.status().message;
        }
        EXPECT_EQ(error, step.error) << errnoName(error) << " " << extack;
        if (step.error != 0) {
            EXPECT_EQ(extack, step.extack);
        }
        if (!step.reply.empty() || parse(request).verb == "list") {
            EXPECT_EQ(reply, step.reply);
        }
    }
    EXPECT_EQ(show(client.dumpAddrs()), c.table);
    if (!c.limits.empty()) {
        const Limits l = client.getLimits();
        EXPECT_EQ("add_addr_accepted " + std::to_string(l.addAddrAccepted) + " subflows " + std::to_string(l.subflows),
                  c.limits);
    }
}

std::string caseName(const ::testing::TestParamInfo<Conformance::ParamType>& info)
{
    return std::string(std::get<0>(info.param) == Kind::Fake ? "fake_" : "kernel_") + std::get<1>(info.param).name;
}

INSTANTIATE_TEST_SUITE_P(Table, Conformance,
                         ::testing::Combine(::testing::Values(Kind::Fake, Kind::Real), ::testing::ValuesIn(cases())),
                         caseName);

}  // namespace
}  // namespace mptcp
