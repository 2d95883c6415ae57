// One table of cases, run against BOTH the fake kernel and the real one (in
// a network namespace of this test process's own), so the fake the unit
// tests trust cannot drift from what the kernel really does. Each case is
// a list of raw mptcp_pm requests in a compact `ip mptcp`-like notation,
// with the errno and extended-ack text the kernel must answer, and the
// table and limits it must leave (docs/kernel-behaviour.md is the source).
#include "fake_kernel.hpp"
#include "kernel_namespace.hpp"
#include "pm_client.hpp"
#include "pm_protocol.hpp"

#include <gtest/gtest.h>
#include <net/if.h>

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

// Parses "VERB [ADDR] [id N] [port P] [flags F] [dev IFINDEX] [subflows S] [accepted A]".
struct Request {
    std::string verb;
    genl::AddrSpec spec;
    std::optional<std::uint32_t> subflows, accepted;
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

class Backend {
public:
    virtual ~Backend() = default;
    virtual PmClient& client() = 0;
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

private:
    testing::FakeKernel kernel_;
    PmClient client_;
};

class RealBackend : public Backend {
public:
    RealBackend() : transport_(openGenericNetlink()), client_(*transport_) {}
    PmClient& client() override { return client_; }

private:
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
    for (const Step& step : c.steps) {
        SCOPED_TRACE(step.request);
        int error = 0;
        std::string extack, reply;
        try {
            reply = run(client, parse(step.request));
        } catch (const KernelRefused& e) {
            error = e.status().error;
            extack = e.status().message;
        }
        EXPECT_EQ(error, step.error) << errnoName(error) << " " << extack;
        if (step.error != 0) {
            EXPECT_EQ(extack, step.extack);
        }
        if (!step.reply.empty()) {
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
