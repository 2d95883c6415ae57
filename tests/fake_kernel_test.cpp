// The fake kernel, exercised through the real client (PmClient) as the core
// will use it, plus a few byte-level checks that its replies look like the
// kernel's. Every rule and message comes from docs/kernel-behaviour.md.
#include "fake_kernel.hpp"
#include "genl_codec.hpp"
#include "pm_client.hpp"
#include "pm_protocol.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netinet/in.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace mptcp {
namespace {

using testing::Datagram;
using ::testing::ElementsAre;
using testing::FakeKernel;
using ::testing::IsEmpty;

constexpr std::uint32_t kSignal = proto::FLAG_SIGNAL;
constexpr std::uint32_t kSubflow = proto::FLAG_SUBFLOW;
constexpr std::uint32_t kBackup = proto::FLAG_BACKUP;
constexpr std::uint32_t kFullmesh = proto::FLAG_FULLMESH;
constexpr std::uint32_t kImplicit = proto::FLAG_IMPLICIT;
constexpr std::uint32_t kLaminar = proto::FLAG_LAMINAR;

IpAddress ip(const char* text)
{
    const auto a = IpAddress::parse(text);
    if (!a) {
        throw std::invalid_argument(std::string("not an address: ") + text);
    }
    return *a;
}

// What goes into a request's address nest, built fluently:
// at("10.0.0.1").flags(kSignal).port(80).
class Spec {
public:
    Spec() = default;
    explicit Spec(const char* address) { spec_.address = ip(address); }
    Spec& id(std::uint8_t v)
    {
        spec_.id = v;
        return *this;
    }
    Spec& port(std::uint16_t v)
    {
        spec_.port = v;
        return *this;
    }
    Spec& flags(std::uint32_t v)
    {
        spec_.flags = v;
        return *this;
    }
    Spec& dev(std::int32_t ifindex)
    {
        spec_.ifindex = ifindex;
        return *this;
    }
    operator const genl::AddrSpec&() const { return spec_; }

private:
    genl::AddrSpec spec_;
};

Spec at(const char* address)
{
    return Spec(address);
}

Spec byId(std::uint8_t id)
{
    return Spec().id(id);
}

// The kernel's answer to a refused request: errno and extack text.
using Refusal = std::pair<int, std::string>;

template <typename Fn>
Refusal refusal(Fn&& fn)
{
    try {
        fn();
    } catch (const KernelRefused& e) {
        return {e.status().error, e.status().message};
    }
    return {0, "accepted"};
}

template <typename Fn>
PmError pmError(Fn&& fn)
{
    try {
        fn();
    } catch (const PmError& e) {
        return e;
    }
    ADD_FAILURE() << "no PmError";
    return PmError(ErrorKind::Failed, "none");
}

const Refusal kNotFound{EINVAL, "address not found"};
const Refusal kDuplicate{EEXIST, "too many addresses or duplicate one: -17"};
const Refusal kIdBusy{EBUSY, "too many addresses or duplicate one: -16"};
const Refusal kTableFull{ERANGE, "too many addresses or duplicate one: -34"};
const Refusal kNotLocal{EADDRNOTAVAIL, "create listen socket error: -99"};
const Refusal kPortInUse{EADDRINUSE, "create listen socket error: -98"};
const Refusal kPortFlags{EINVAL, "flags must have signal and not subflow when using port"};
const Refusal kSignalFullmesh{EINVAL, "flags mustn't have both signal and fullmesh"};
const Refusal kImplicitAdd{EINVAL, "can't create IMPLICIT endpoint"};
const Refusal kInvalidFlags{EINVAL, "invalid addr flags"};
const Refusal kMissingId{EOPNOTSUPP, "missing address ID"};
const Refusal kLimitTooHigh{EINVAL, "limit greater than maximum (8)"};

// "id address[ port P] flag,flag[ dev N]" ("-" for no flags).
std::string describe(const Endpoint& ep)
{
    std::string s = std::to_string(ep.id) + " " + ep.address.toString();
    if (ep.port != 0) {
        s += " port " + std::to_string(ep.port);
    }
    std::string flags;
    for (const std::string& name : flagNames(ep.flags)) {
        flags += (flags.empty() ? "" : ",") + name;
    }
    s += " " + (flags.empty() ? std::string("-") : flags);
    if (ep.ifindex != 0) {
        s += " dev " + std::to_string(ep.ifindex);
    }
    return s;
}

class FakeKernelTest : public ::testing::Test {
protected:
    FakeKernelTest()
    {
        for (const char* a : {"10.0.0.1", "10.0.0.2", "2001:db8::1"}) {
            kernel_.addLocalAddress(ip(a));
        }
    }

    // Adds and returns the id the kernel chose (the reply does not say).
    std::uint8_t add(const genl::AddrSpec& spec)
    {
        const std::vector<Endpoint> before = pm_.dumpAddrs();
        pm_.addAddr(spec);
        for (const Endpoint& ep : pm_.dumpAddrs()) {
            if (std::none_of(before.begin(), before.end(), [&](const Endpoint& b) { return b.id == ep.id; })) {
                return ep.id;
            }
        }
        ADD_FAILURE() << "the add created no endpoint";
        return 0;
    }

    std::vector<std::string> listed()
    {
        std::vector<std::string> lines;
        for (const Endpoint& ep : pm_.dumpAddrs()) {
            lines.push_back(describe(ep));
        }
        return lines;
    }

    FakeKernel kernel_;
    PmClient pm_{kernel_};
};

// ================================================================ family

TEST_F(FakeKernelTest, ResolvesTheFamilyAndItsEventsGroupByName)
{
    EXPECT_EQ(pm_.familyId(), FakeKernel::kFamilyId);
    EXPECT_EQ(pm_.eventsGroup(), FakeKernel::kEventsGroupId);
}

TEST(FakeKernelFamily, WithoutMptcpTheClientReportsNotSupported)
{
    FakeKernel kernel(/*mptcpAvailable=*/false);
    const PmError e = pmError([&] { PmClient pm(kernel); });
    EXPECT_EQ(e.kind(), ErrorKind::NotSupported);
    EXPECT_EQ(e.error(), ENOENT);
}

TEST(FakeKernelFamily, ASetterSimulatesTheFamilyGoing)
{
    FakeKernel kernel;
    kernel.setMptcpAvailable(false);
    EXPECT_EQ(pmError([&] { PmClient pm(kernel); }).kind(), ErrorKind::NotSupported);

    kernel.setMptcpAvailable(true);
    PmClient pm(kernel);
    kernel.setMptcpAvailable(false);  // the module went away after resolution
    EXPECT_EQ(refusal([&] { pm.getLimits(); }), Refusal(ENOENT, ""));
}

// ================================================================ ids (§2)

TEST_F(FakeKernelTest, AutomaticIdsCountUpFromOne)
{
    EXPECT_EQ(add(at("10.0.1.1")), 1);
    EXPECT_EQ(add(at("10.0.1.2")), 2);
    EXPECT_EQ(add(at("10.0.1.3")), 3);
    EXPECT_EQ(kernel_.nextId(), 3);
}

TEST_F(FakeKernelTest, DeleteNeverMovesTheCursorBack)
{
    add(at("10.0.1.1"));
    add(at("10.0.1.2"));
    add(at("10.0.1.3"));
    pm_.delAddr(byId(3));
    EXPECT_EQ(add(at("10.0.1.4")), 3);  // at the cursor: reused at once
    pm_.delAddr(byId(1));
    EXPECT_EQ(add(at("10.0.1.5")), 4);  // below the cursor: only after the wrap
}

TEST_F(FakeKernelTest, AnExplicitIdMovesTheCursor)
{
    EXPECT_EQ(add(at("10.0.1.1").id(50)), 50);
    pm_.delAddr(byId(50));
    EXPECT_EQ(add(at("10.0.1.2")), 50);
    EXPECT_EQ(add(at("10.0.1.3")), 51);
}

TEST_F(FakeKernelTest, ExplicitIdZeroMeansAutomatic)
{
    // iproute2 6.1 sends "id 0"; this kernel (with the "needs_id" revert)
    // picks an id instead of creating an endpoint with id 0.
    EXPECT_EQ(add(at("10.0.1.1").id(0)), 1);
    EXPECT_EQ(add(at("10.0.1.2").id(0)), 2);
}

TEST_F(FakeKernelTest, TheIdLimitLoopWrapsToTheLowestFreeId)
{
    // The selftest's "id limit": one endpoint, then ids 10..255 added and
    // deleted one by one. The cursor ends at 255 and is reset to 1.
    add(at("10.0.1.1"));
    for (unsigned id = 10; id <= 255; ++id) {
        pm_.addAddr(at("10.0.2.1").id(static_cast<std::uint8_t>(id)));
        pm_.delAddr(byId(static_cast<std::uint8_t>(id)));
    }
    EXPECT_EQ(kernel_.nextId(), 255);
    EXPECT_EQ(add(at("10.0.3.1")), 2);
}

TEST_F(FakeKernelTest, WithNoFreeIdAboveTheCursorTheSearchRestartsAtOne)
{
    add(at("10.0.1.1").id(255));
    add(at("10.0.1.2").id(254));  // the cursor of 255 was reset first: now 254
    EXPECT_EQ(kernel_.nextId(), 254);
    EXPECT_EQ(add(at("10.0.1.3")), 1);  // 254 and 255 taken: wrap
    EXPECT_EQ(add(at("10.0.1.4")), 2);
}

TEST_F(FakeKernelTest, AnIdInUseIsBusy)
{
    add(at("10.0.1.1").id(7));
    EXPECT_EQ(refusal([&] { pm_.addAddr(at("10.0.1.2").id(7)); }), kIdBusy);
}

TEST_F(FakeKernelTest, TheNinthEndpointIsOutOfRange)
{
    for (int i = 1; i <= 8; ++i) {
        pm_.addAddr(at(("10.0.1." + std::to_string(i)).c_str()));
    }
    EXPECT_EQ(refusal([&] { pm_.addAddr(at("10.0.1.9")); }), kTableFull);
    EXPECT_EQ(kernel_.table().size(), 8u);
}

// ================================================================ error order (§2, §3)

TEST_F(FakeKernelTest, ABusyIdWinsOverADuplicateAddress)
{
    add(at("10.0.1.1"));  // id 1
    EXPECT_EQ(refusal([&] { pm_.addAddr(at("10.0.1.1").id(1)); }), kIdBusy);
}

TEST_F(FakeKernelTest, AFullTableWinsOverEverythingInTheTable)
{
    for (int i = 1; i <= 8; ++i) {
        pm_.addAddr(at(("10.0.1." + std::to_string(i)).c_str()));
    }
    EXPECT_EQ(refusal([&] { pm_.addAddr(at("10.0.1.1")); }), kTableFull);         // duplicate
    EXPECT_EQ(refusal([&] { pm_.addAddr(at("10.0.1.20").id(1)); }), kTableFull);  // busy id
}

TEST_F(FakeKernelTest, TheListenerIsOpenedBeforeTheTableIsLookedAt)
{
    for (int i = 1; i <= 8; ++i) {
        pm_.addAddr(at(("10.0.1." + std::to_string(i)).c_str()));
    }
    EXPECT_EQ(refusal([&] { pm_.addAddr(at("10.0.0.9").flags(kSignal).port(3000)); }), kNotLocal);
    EXPECT_EQ(refusal([&] { pm_.addAddr(at("10.0.0.1").flags(kSignal).port(3000)); }), kTableFull);
}

TEST_F(FakeKernelTest, FlagRulesComeBeforeTheListener)
{
    EXPECT_EQ(refusal([&] { pm_.addAddr(at("10.0.0.9").flags(kSubflow).port(3000)); }), kPortFlags);
}

// ================================================================ duplicates (§3)

TEST_F(FakeKernelTest, TheSameAddressWithOtherFlagsOrDeviceIsADuplicate)
{
    add(at("10.0.1.1").flags(kSubflow));
    EXPECT_EQ(refusal([&] { pm_.addAddr(at("10.0.1.1").flags(kSignal)); }), kDuplicate);
    EXPECT_EQ(refusal([&] { pm_.addAddr(at("10.0.1.1").dev(3)); }), kDuplicate);
}

TEST_F(FakeKernelTest, IPv6IsComparedAsSixteenBytes)
{
    add(at("2001:DB8:0:0:0:0:0:2"));
    EXPECT_EQ(refusal([&] { pm_.addAddr(at("2001:db8:0::2")); }), kDuplicate);
    EXPECT_THAT(listed(), ElementsAre("1 2001:db8::2 -"));
}

TEST_F(FakeKernelTest, AMappedAddressEqualsThePlainIPv4OneBothWays)
{
    add(at("10.0.1.1"));
    EXPECT_EQ(refusal([&] { pm_.addAddr(at("::ffff:10.0.1.1")); }), kDuplicate);
    add(at("::ffff:10.0.1.3"));
    EXPECT_EQ(refusal([&] { pm_.addAddr(at("10.0.1.3")); }), kDuplicate);
}

TEST_F(FakeKernelTest, PortsTellSignalEndpointsApart)
{
    add(at("10.0.0.1").flags(kSignal));
    add(at("10.0.0.1").flags(kSignal).port(10100));
    add(at("10.0.0.1").flags(kSignal).port(10200));
    // A port-less subflow entry clashes with the port-less signal entry.
    EXPECT_EQ(refusal([&] { pm_.addAddr(at("10.0.0.1").flags(kSubflow)); }), kDuplicate);
    EXPECT_THAT(listed(),
                ElementsAre("1 10.0.0.1 signal", "2 10.0.0.1 port 10100 signal", "3 10.0.0.1 port 10200 signal"));
}

// ================================================================ ports and listeners (§3)

TEST_F(FakeKernelTest, APortNeedsASignalEndpointWithoutSubflow)
{
    EXPECT_EQ(refusal([&] { pm_.addAddr(at("10.0.0.1").port(80)); }), kPortFlags);
    EXPECT_EQ(refusal([&] { pm_.addAddr(at("10.0.0.1").flags(kSubflow).port(80)); }), kPortFlags);
    EXPECT_EQ(refusal([&] { pm_.addAddr(at("10.0.0.1").flags(kSignal | kSubflow).port(80)); }), kPortFlags);
    EXPECT_EQ(add(at("10.0.0.1").flags(kSignal | kBackup).port(80)), 1);
}

TEST_F(FakeKernelTest, APortNeedsALocalAddress)
{
    EXPECT_EQ(refusal([&] { pm_.addAddr(at("10.0.0.9").flags(kSignal).port(80)); }), kNotLocal);
    kernel_.addLocalAddress(ip("10.0.0.9"));
    EXPECT_EQ(add(at("10.0.0.9").flags(kSignal).port(80)), 1);
    // The mapped form binds the same local address; a wildcard binds anywhere.
    EXPECT_EQ(add(at("::ffff:10.0.0.2").flags(kSignal).port(81)), 2);
    EXPECT_EQ(add(at("0.0.0.0").flags(kSignal).port(82)), 3);
}

TEST_F(FakeKernelTest, TheSameAddressAndPortTwiceIsInUseNotADuplicate)
{
    add(at("10.0.0.1").flags(kSignal).port(80));
    EXPECT_EQ(refusal([&] { pm_.addAddr(at("10.0.0.1").flags(kSignal).port(80)); }), kPortInUse);
    EXPECT_EQ(refusal([&] { pm_.addAddr(at("::ffff:10.0.0.1").flags(kSignal).port(80)); }), kPortInUse);
    add(at("0.0.0.0").flags(kSignal).port(90));
    EXPECT_EQ(refusal([&] { pm_.addAddr(at("10.0.0.2").flags(kSignal).port(90)); }), kPortInUse);
    EXPECT_EQ(add(at("2001:db8::1").flags(kSignal).port(90)), 3);  // 0.0.0.0 covers IPv4 only
}

TEST_F(FakeKernelTest, DeletingOrFlushingAPortEndpointClosesItsListener)
{
    add(at("10.0.0.1").flags(kSignal).port(80));
    pm_.delAddr(byId(1));
    EXPECT_EQ(add(at("10.0.0.1").flags(kSignal).port(80)), 1);  // id 1 is at the cursor: reused
    pm_.flushAddrs();
    EXPECT_EQ(add(at("10.0.0.1").flags(kSignal).port(80)), 1);
}

// ================================================================ flags (§3)

TEST_F(FakeKernelTest, SignalWithFullmeshIsRefused)
{
    EXPECT_EQ(refusal([&] { pm_.addAddr(at("10.0.1.1").flags(kSignal | kFullmesh)); }), kSignalFullmesh);
    EXPECT_EQ(refusal([&] { pm_.addAddr(at("10.0.1.1").flags(0xff)); }), kSignalFullmesh);
}

TEST_F(FakeKernelTest, ImplicitCannotBeAdded)
{
    EXPECT_EQ(refusal([&] { pm_.addAddr(at("10.0.1.1").flags(kImplicit)); }), kImplicitAdd);
}

TEST_F(FakeKernelTest, UnknownFlagBitsAreDroppedFirst)
{
    add(at("10.0.1.1").flags(0x80));
    add(at("10.0.1.2").flags(0xffffffc0));
    add(at("10.0.1.3").flags(0x40 | kSignal));
    add(at("10.0.1.4").flags(kLaminar));
    EXPECT_THAT(listed(), ElementsAre("1 10.0.1.1 -", "2 10.0.1.2 -", "3 10.0.1.3 signal", "4 10.0.1.4 laminar"));
}

TEST_F(FakeKernelTest, TheAllowedCombinationsAreStored)
{
    add(at("10.0.1.1").flags(kBackup));
    add(at("10.0.1.2").flags(kFullmesh));
    add(at("10.0.1.3").flags(kSignal | kSubflow | kBackup));
    add(at("10.0.1.4").flags(kSubflow | kBackup | kFullmesh));
    add(at("10.0.1.5").flags(kLaminar | kSubflow | kBackup | kFullmesh));
    EXPECT_THAT(listed(),
                ElementsAre("1 10.0.1.1 backup", "2 10.0.1.2 fullmesh", "3 10.0.1.3 signal,subflow,backup",
                            "4 10.0.1.4 subflow,backup,fullmesh", "5 10.0.1.5 subflow,backup,fullmesh,laminar"));
}

// ================================================================ storage (§3)

TEST_F(FakeKernelTest, AddressesAndDevicesAreStoredAsGivenAndNeverValidated)
{
    add(at("::ffff:10.0.1.3").dev(9999));
    for (const char* a : {"0.0.0.0", "::", "127.0.0.1", "::1", "224.0.0.1", "ff02::1", "255.255.255.255"}) {
        pm_.addAddr(at(a));
    }
    const Endpoint mapped = pm_.getAddr(1);
    EXPECT_EQ(mapped.address.family, AF_INET6);  // not turned into IPv4
    EXPECT_EQ(describe(mapped), "1 ::ffff:10.0.1.3 - dev 9999");
    EXPECT_EQ(kernel_.table().size(), 8u);
}

// ================================================================ get (§4)

TEST_F(FakeKernelTest, GetReturnsEveryFieldById)
{
    add(at("10.0.1.1"));
    add(at("10.0.0.2").flags(kSignal | kBackup).port(10100).dev(7));
    const Endpoint ep = pm_.getAddr(2);
    EXPECT_EQ(ep.id, 2);
    EXPECT_EQ(ep.address, ip("10.0.0.2"));
    EXPECT_EQ(ep.port, 10100);
    EXPECT_EQ(ep.flags, kSignal | kBackup);
    EXPECT_EQ(ep.ifindex, 7);
}

TEST_F(FakeKernelTest, GetOfAnUnknownIdOrIdZeroIsNotFound)
{
    add(at("10.0.1.1"));
    EXPECT_EQ(refusal([&] { pm_.getAddr(2); }), kNotFound);
    EXPECT_EQ(refusal([&] { pm_.getAddr(0); }), kNotFound);
}

// ================================================================ delete (§5)

TEST_F(FakeKernelTest, DeleteIsByIdAndASecondDeleteIsNotFound)
{
    add(at("10.0.1.1"));
    add(at("10.0.1.2"));
    pm_.delAddr(byId(1));
    EXPECT_THAT(listed(), ElementsAre("2 10.0.1.2 -"));
    EXPECT_EQ(refusal([&] { pm_.delAddr(byId(1)); }), kNotFound);
    EXPECT_EQ(refusal([&] { pm_.delAddr(byId(9)); }), kNotFound);
}

TEST_F(FakeKernelTest, DeleteByIdIgnoresTheAddress)
{
    add(at("10.0.1.1"));
    add(at("10.0.1.2"));
    pm_.delAddr(at("10.9.9.9").id(2));
    EXPECT_THAT(listed(), ElementsAre("1 10.0.1.1 -"));
}

TEST_F(FakeKernelTest, DeleteOfIdZeroAlwaysSucceedsAndNeverChangesTheTable)
{
    add(at("10.0.1.1"));
    pm_.delAddr(at("10.0.1.1").id(0));  // another endpoint's address: it stays
    pm_.delAddr(at("10.9.9.9").id(0));  // no connection uses it
    pm_.delAddr(byId(0));               // no address at all (raw netlink only)
    pm_.delAddr(at("10.0.1.1"));        // no id attribute is id 0 too
    EXPECT_THAT(listed(), ElementsAre("1 10.0.1.1 -"));
}

// ================================================================ change (§6)

TEST_F(FakeKernelTest, ChangeByAddressIgnoresTheId)
{
    add(at("10.0.1.1").flags(kSubflow | kBackup));
    add(at("10.0.1.2").flags(kSubflow | kBackup));
    pm_.setFlags(at("10.0.1.1").id(2));  // no flags: clears backup of 10.0.1.1
    EXPECT_THAT(listed(), ElementsAre("1 10.0.1.1 subflow", "2 10.0.1.2 subflow,backup"));
    EXPECT_EQ(refusal([&] { pm_.setFlags(at("10.9.9.9").id(1).flags(kBackup)); }), kNotFound);
}

TEST_F(FakeKernelTest, ChangeWithoutIdOrAddressIsNotSupported)
{
    add(at("10.0.1.1"));
    EXPECT_EQ(refusal([&] { pm_.setFlags(Spec().flags(kBackup)); }), kMissingId);
    EXPECT_EQ(refusal([&] { pm_.setFlags(byId(0).flags(kBackup)); }), kMissingId);
    EXPECT_EQ(refusal([&] { pm_.setFlags(byId(5).flags(kBackup)); }), kNotFound);
}

TEST_F(FakeKernelTest, ChangeSetsBackupAndFullmeshToExactlyWhatItCarries)
{
    add(at("10.0.1.1").flags(kSubflow | kBackup));
    pm_.setFlags(byId(1).flags(kFullmesh));
    EXPECT_THAT(listed(), ElementsAre("1 10.0.1.1 subflow,fullmesh"));  // backup cleared
    pm_.setFlags(byId(1).flags(0xff));
    EXPECT_THAT(listed(), ElementsAre("1 10.0.1.1 subflow,backup,fullmesh"));  // other bits ignored
    pm_.setFlags(byId(1).flags(kSignal | kSubflow));
    EXPECT_THAT(listed(), ElementsAre("1 10.0.1.1 subflow"));
    pm_.setFlags(byId(1).flags(kBackup));
    pm_.setFlags(byId(1));  // no flags attribute at all: both cleared
    EXPECT_THAT(listed(), ElementsAre("1 10.0.1.1 subflow"));
}

TEST_F(FakeKernelTest, ChangeCannotTouchSignalSubflowOrLaminar)
{
    add(at("10.0.1.1").flags(kSignal));
    pm_.setFlags(byId(1).flags(kSubflow | kLaminar | kBackup));
    EXPECT_THAT(listed(), ElementsAre("1 10.0.1.1 signal,backup"));
}

TEST_F(FakeKernelTest, FullmeshOnASignalOrImplicitEndpointIsInvalid)
{
    add(at("10.0.1.1").flags(kSignal));
    add(at("10.0.1.2").flags(kSignal | kSubflow));
    kernel_.addImplicitEndpoint(ip("10.0.1.3"));
    EXPECT_EQ(refusal([&] { pm_.setFlags(byId(1).flags(kFullmesh)); }), kInvalidFlags);
    EXPECT_EQ(refusal([&] { pm_.setFlags(byId(2).flags(kFullmesh | kBackup)); }), kInvalidFlags);
    EXPECT_EQ(refusal([&] { pm_.setFlags(byId(3).flags(kFullmesh)); }), kInvalidFlags);
    pm_.setFlags(byId(1).flags(kBackup));  // backup and "nofullmesh" are fine
    pm_.setFlags(byId(3).flags(kBackup));
    EXPECT_THAT(listed(),
                ElementsAre("1 10.0.1.1 signal,backup", "2 10.0.1.2 signal,subflow", "3 10.0.1.3 backup,implicit"));
}

TEST_F(FakeKernelTest, ChangeFindsMappedAndPlainIPv4BothWays)
{
    add(at("10.0.1.1"));
    add(at("::ffff:10.0.1.3"));
    pm_.setFlags(at("::ffff:10.0.1.1").flags(kBackup));
    pm_.setFlags(at("10.0.1.3").flags(kBackup));
    EXPECT_THAT(listed(), ElementsAre("1 10.0.1.1 backup", "2 ::ffff:10.0.1.3 backup"));
}

TEST_F(FakeKernelTest, ChangeWithAPortPrefersTheExactPortElseThePortlessEntry)
{
    add(at("10.0.0.1").flags(kSignal));              // 1
    add(at("10.0.0.1").flags(kSignal).port(10100));  // 2
    pm_.setFlags(at("10.0.0.1").port(10100).flags(kBackup));
    EXPECT_THAT(listed(), ElementsAre("1 10.0.0.1 signal", "2 10.0.0.1 port 10100 signal,backup"));
    pm_.setFlags(at("10.0.0.1").port(10200).flags(kBackup));  // no such port: the port-less entry
    EXPECT_THAT(listed(), ElementsAre("1 10.0.0.1 signal,backup", "2 10.0.0.1 port 10100 signal,backup"));
    pm_.setFlags(at("10.0.0.1"));  // no port: never the ported entry
    EXPECT_THAT(listed(), ElementsAre("1 10.0.0.1 signal", "2 10.0.0.1 port 10100 signal,backup"));
}

TEST_F(FakeKernelTest, ChangeByIdIgnoresAPort)
{
    add(at("10.0.1.1").flags(kSubflow));
    pm_.setFlags(byId(1).port(555).flags(kBackup));
    EXPECT_THAT(listed(), ElementsAre("1 10.0.1.1 subflow,backup"));
}

// ================================================================ implicit endpoints (§3)

TEST_F(FakeKernelTest, AnAddWithoutIdReplacesAnImplicitEntryAndKeepsItsId)
{
    EXPECT_EQ(kernel_.addImplicitEndpoint(ip("10.0.1.5")), 1);
    EXPECT_EQ(kernel_.addImplicitEndpoint(ip("10.0.1.5")), 1);  // reused, not added twice
    add(at("10.0.1.9"));
    pm_.addAddr(at("10.0.1.5").flags(kSubflow));
    EXPECT_THAT(listed(), ElementsAre("1 10.0.1.5 subflow", "2 10.0.1.9 -"));
}

TEST_F(FakeKernelTest, AnAddWithAnIdCannotReplaceAnImplicitEntry)
{
    kernel_.addImplicitEndpoint(ip("10.0.1.5"));
    EXPECT_EQ(refusal([&] { pm_.addAddr(at("10.0.1.5").id(9)); }),
              Refusal(EINVAL, "too many addresses or duplicate one: -22"));
}

// ================================================================ flush (§7)

TEST_F(FakeKernelTest, FlushEmptiesTheTableResetsTheCursorAndKeepsTheLimits)
{
    pm_.setLimits(4, 3);
    add(at("10.0.1.1").id(40));
    add(at("10.0.1.2"));
    pm_.flushAddrs();
    EXPECT_THAT(listed(), IsEmpty());
    EXPECT_EQ(kernel_.nextId(), 1);
    EXPECT_EQ(add(at("10.0.1.3")), 1);
    EXPECT_EQ(pm_.getLimits(), (Limits{.subflows = 4, .addAddrAccepted = 3}));
}

TEST_F(FakeKernelTest, FlushingAnEmptyTableSucceedsEveryTime)
{
    pm_.flushAddrs();
    pm_.flushAddrs();
    EXPECT_THAT(listed(), IsEmpty());
}

// ================================================================ limits (§8)

TEST_F(FakeKernelTest, TheLimitsStartAtTheKernelDefaults)
{
    EXPECT_EQ(pm_.getLimits(), (Limits{.subflows = 2, .addAddrAccepted = 0}));
}

TEST_F(FakeKernelTest, EachLimitIsOptional)
{
    pm_.setLimits(5, std::nullopt);
    EXPECT_EQ(pm_.getLimits(), (Limits{.subflows = 5, .addAddrAccepted = 0}));
    pm_.setLimits(std::nullopt, 8);
    EXPECT_EQ(pm_.getLimits(), (Limits{.subflows = 5, .addAddrAccepted = 8}));
    pm_.setLimits(std::nullopt, std::nullopt);  // a successful no-op
    EXPECT_EQ(kernel_.limits(), (Limits{.subflows = 5, .addAddrAccepted = 8}));
}

TEST_F(FakeKernelTest, ReplacingTheLimitsReadsThemInTheSameDatagram)
{
    pm_.setLimits(4, 1);
    const std::size_t sent = kernel_.sentRequests().size();
    EXPECT_EQ(pm_.replaceLimits(6, std::nullopt), (Limits{.subflows = 4, .addAddrAccepted = 1}));
    EXPECT_EQ(kernel_.sentRequests().size(), sent + 1);
    EXPECT_EQ(kernel_.limits(), (Limits{.subflows = 6, .addAddrAccepted = 1}));
    EXPECT_EQ(kernel_.pendingReplies(), 0u);
}

TEST_F(FakeKernelTest, ReplacingTheLimitsWritesThemWhenTheirReadFails)
{
    kernel_.overrideNextReply([](std::span<const std::uint8_t> request, std::vector<Datagram> replies) {
        replies.front() = FakeKernel::errorReply(request, ENOMEM);  // the read's answer
        return replies;
    });
    EXPECT_EQ(pm_.replaceLimits(6, 3), std::nullopt);
    EXPECT_EQ(kernel_.limits(), (Limits{.subflows = 6, .addAddrAccepted = 3}));
    EXPECT_EQ(kernel_.pendingReplies(), 0u);
    // A refused write is refused all the same, with the kernel's words.
    EXPECT_EQ(refusal([&] { pm_.replaceLimits(9, std::nullopt); }), Refusal(EINVAL, "limit greater than maximum (8)"));
    EXPECT_EQ(kernel_.limits(), (Limits{.subflows = 6, .addAddrAccepted = 3}));
}

TEST_F(FakeKernelTest, BothLimitsAreCheckedBeforeEitherIsWritten)
{
    EXPECT_EQ(refusal([&] { pm_.setLimits(9, 3); }), kLimitTooHigh);
    EXPECT_EQ(refusal([&] { pm_.setLimits(3, 9); }), kLimitTooHigh);
    EXPECT_EQ(refusal([&] { pm_.setLimits(4294967295u, std::nullopt); }), kLimitTooHigh);
    EXPECT_EQ(pm_.getLimits(), (Limits{.subflows = 2, .addAddrAccepted = 0}));
}

TEST_F(FakeKernelTest, EndpointsNeverChangeTheLimits)
{
    for (int i = 1; i <= 8; ++i) {
        pm_.addAddr(at(("10.0.1." + std::to_string(i)).c_str()).flags(kSubflow));
    }
    EXPECT_EQ(pm_.getLimits(), (Limits{.subflows = 2, .addAddrAccepted = 0}));
}

// ================================================================ dump (§1)

TEST_F(FakeKernelTest, DumpListsAscendingIdsWhateverTheAddOrder)
{
    add(at("10.0.1.1").id(30));
    add(at("10.0.1.2").id(5));
    add(at("10.0.0.1").flags(kSignal).port(80).id(17));  // ported: first in the kernel's list
    add(at("10.0.1.4"));                                 // 31
    EXPECT_THAT(listed(), ElementsAre("5 10.0.1.2 -", "17 10.0.0.1 port 80 signal", "30 10.0.1.1 -", "31 10.0.1.4 -"));
}

TEST_F(FakeKernelTest, DumpOfAnEmptyTableIsEmpty)
{
    EXPECT_THAT(pm_.dumpAddrs(), IsEmpty());
}

// ================================================================ privileges

TEST_F(FakeKernelTest, WritesNeedCapNetAdminReadsDoNot)
{
    add(at("10.0.1.1"));
    kernel_.setCapNetAdmin(false);
    const Refusal kDenied{EPERM, ""};
    EXPECT_EQ(refusal([&] { pm_.addAddr(at("10.0.1.2")); }), kDenied);
    EXPECT_EQ(refusal([&] { pm_.delAddr(byId(1)); }), kDenied);
    EXPECT_EQ(refusal([&] { pm_.setFlags(byId(1).flags(kBackup)); }), kDenied);
    EXPECT_EQ(refusal([&] { pm_.flushAddrs(); }), kDenied);
    EXPECT_EQ(refusal([&] { pm_.setLimits(3, 3); }), kDenied);
    EXPECT_THAT(listed(), ElementsAre("1 10.0.1.1 -"));
    EXPECT_EQ(pm_.getAddr(1).address, ip("10.0.1.1"));
    EXPECT_EQ(pm_.getLimits().subflows, 2u);
}

// ================================================================ test hooks

TEST_F(FakeKernelTest, RequestsAreRecordedAndCountedPerCommand)
{
    pm_.addAddr(at("10.0.1.1"));
    pm_.addAddr(at("10.0.1.2"));
    pm_.getLimits();
    EXPECT_EQ(kernel_.requestCount(proto::CMD_ADD_ADDR), 2u);
    EXPECT_EQ(kernel_.requestCount(proto::CMD_GET_LIMITS), 1u);
    EXPECT_EQ(kernel_.requestCount(proto::CMD_DEL_ADDR), 0u);
    EXPECT_EQ(kernel_.sentRequests().size(), 4u);  // with the controller's
    EXPECT_EQ(kernel_.pendingReplies(), 0u);
}

TEST_F(FakeKernelTest, AnInjectedErrorReachesTheClientWithItsText)
{
    kernel_.overrideNextReply([](std::span<const std::uint8_t> request, std::vector<Datagram>) {
        return std::vector<Datagram>{FakeKernel::errorReply(request, ENOMEM, "can't allocate addr")};
    });
    EXPECT_EQ(refusal([&] { pm_.addAddr(at("10.0.1.1")); }), Refusal(ENOMEM, "can't allocate addr"));
    // The hook is for one request only, and the request was still handled.
    EXPECT_THAT(listed(), ElementsAre("1 10.0.1.1 -"));
}

TEST_F(FakeKernelTest, TheClientSkipsRepliesToOtherRequestsOrSockets)
{
    kernel_.overrideNextReply([](std::span<const std::uint8_t> request, std::vector<Datagram> replies) {
        Datagram stale = FakeKernel::errorReply(request, EEXIST, "stale");
        nlmsghdr h;
        std::memcpy(&h, stale.data(), sizeof h);
        h.nlmsg_seq -= 1;  // the answer to an earlier request that timed out
        std::memcpy(stale.data(), &h, sizeof h);
        Datagram foreign = FakeKernel::errorReply(request, EPERM, "not yours");
        std::memcpy(&h, foreign.data(), sizeof h);
        h.nlmsg_pid = FakeKernel::kPortId + 1;
        std::memcpy(foreign.data(), &h, sizeof h);
        replies.insert(replies.begin(), {stale, foreign});
        return replies;
    });
    EXPECT_EQ(refusal([&] { pm_.addAddr(at("10.0.1.1")); }), Refusal(0, "accepted"));
}

TEST_F(FakeKernelTest, ASilentKernelIsATimeout)
{
    kernel_.overrideNextReply(
        [](std::span<const std::uint8_t>, std::vector<Datagram>) { return std::vector<Datagram>{}; });
    const PmError e = pmError([&] { pm_.flushAddrs(); });
    EXPECT_EQ(e.kind(), ErrorKind::Failed);
    EXPECT_EQ(e.error(), ETIMEDOUT);
}

TEST_F(FakeKernelTest, ATruncatedOrLyingReplyIsMalformed)
{
    kernel_.overrideNextReply([](std::span<const std::uint8_t>, std::vector<Datagram> replies) {
        replies.front().resize(10);
        return replies;
    });
    EXPECT_EQ(pmError([&] { pm_.flushAddrs(); }).error(), EPROTO);

    kernel_.overrideNextReply([](std::span<const std::uint8_t>, std::vector<Datagram> replies) {
        const std::uint32_t tooLong = 4096;
        std::memcpy(replies.front().data(), &tooLong, sizeof tooLong);  // nlmsg_len
        return replies;
    });
    EXPECT_EQ(pmError([&] { pm_.flushAddrs(); }).error(), EPROTO);

    // A length with the top bit set passes libmnl's signed check; the
    // client must still refuse it rather than take it for an ACK.
    kernel_.overrideNextReply([](std::span<const std::uint8_t>, std::vector<Datagram> replies) {
        const std::uint32_t negative = 0x80000024u;
        std::memcpy(replies.front().data(), &negative, sizeof negative);
        return replies;
    });
    EXPECT_EQ(pmError([&] { pm_.flushAddrs(); }).error(), EPROTO);
}

TEST(FakeKernelTransport, ReceiveHandsOutQueuedDatagramsInOrder)
{
    FakeKernel kernel;
    kernel.queueRaw({1, 2, 3});
    kernel.queueRaw({4, 5, 6, 7, 8});
    std::array<std::uint8_t, 4> small{};
    EXPECT_EQ(kernel.receive(small), 3u);
    EXPECT_EQ(small[2], 3);
    EXPECT_EQ(pmError([&] { kernel.receive(small); }).error(), EMSGSIZE);  // consumed, like MSG_TRUNC
    EXPECT_EQ(pmError([&] { kernel.receive(small); }).error(), ETIMEDOUT);
}

// ================================================================ the wire

// A request built by hand, for what the client never sends.
Datagram rawRequest(std::uint16_t type, std::uint8_t cmd, std::uint16_t flags,
                    const std::function<void(nlmsghdr*)>& fill = nullptr)
{
    alignas(4) std::array<std::uint8_t, 512> buf{};
    nlmsghdr* nlh = mnl_nlmsg_put_header(buf.data());
    nlh->nlmsg_type = type;
    nlh->nlmsg_flags = static_cast<std::uint16_t>(NLM_F_REQUEST | flags);
    nlh->nlmsg_seq = 77;
    auto* g = static_cast<genlmsghdr*>(mnl_nlmsg_put_extra_header(nlh, sizeof(genlmsghdr)));
    g->cmd = cmd;
    g->version = 1;
    if (fill) {
        fill(nlh);
    }
    return Datagram(buf.begin(), buf.begin() + nlh->nlmsg_len);
}

// An address nest with the given attributes, for rawRequest.
std::function<void(nlmsghdr*)> addrNest(const std::function<void(nlmsghdr*)>& inner)
{
    return [inner](nlmsghdr* nlh) {
        nlattr* nest = mnl_attr_nest_start(nlh, proto::ATTR_ADDR | NLA_F_NESTED);
        inner(nlh);
        mnl_attr_nest_end(nlh, nest);
    };
}

std::vector<Datagram> roundTrip(FakeKernel& kernel, const Datagram& request)
{
    kernel.send(request);
    std::vector<Datagram> replies;
    while (kernel.pendingReplies() > 0) {
        alignas(4) std::array<std::uint8_t, 8192> buf{};
        replies.emplace_back(buf.begin(), buf.begin() + kernel.receive(buf));
    }
    return replies;
}

// A reply message read without the fake's code: header, then payload.
struct Message {
    nlmsghdr header{};
    std::vector<std::uint8_t> payload;
};

std::vector<Message> messagesOf(const Datagram& d)
{
    std::vector<Message> out;
    std::size_t offset = 0;
    while (offset + sizeof(nlmsghdr) <= d.size()) {
        Message m;
        std::memcpy(&m.header, d.data() + offset, sizeof m.header);
        if (m.header.nlmsg_len < sizeof(nlmsghdr) || offset + m.header.nlmsg_len > d.size()) {
            ADD_FAILURE() << "bad message length " << m.header.nlmsg_len;
            break;
        }
        m.payload.assign(d.begin() + static_cast<std::ptrdiff_t>(offset + sizeof(nlmsghdr)),
                         d.begin() + static_cast<std::ptrdiff_t>(offset + m.header.nlmsg_len));
        out.push_back(std::move(m));
        offset += MNL_ALIGN(m.header.nlmsg_len);
    }
    EXPECT_EQ(offset, d.size());
    return out;
}

struct Attr {
    std::uint16_t type;
    std::vector<std::uint8_t> data;
    std::uint32_t u32() const
    {
        std::uint32_t v = 0;
        std::memcpy(&v, data.data(), std::min(data.size(), sizeof v));
        return v;
    }
};

std::vector<Attr> attrsOf(const std::vector<std::uint8_t>& bytes, std::size_t offset)
{
    std::vector<Attr> out;
    while (offset + 4 <= bytes.size()) {
        std::uint16_t len, type;
        std::memcpy(&len, bytes.data() + offset, 2);
        std::memcpy(&type, bytes.data() + offset + 2, 2);
        if (len < 4 || offset + len > bytes.size()) {
            ADD_FAILURE() << "bad attribute length " << len;
            break;
        }
        out.push_back({static_cast<std::uint16_t>(type & NLA_TYPE_MASK),
                       std::vector<std::uint8_t>(bytes.begin() + static_cast<std::ptrdiff_t>(offset + 4),
                                                 bytes.begin() + static_cast<std::ptrdiff_t>(offset + len))});
        offset += MNL_ALIGN(len);
    }
    return out;
}

std::vector<std::uint16_t> typesOf(const std::vector<Attr>& attrs)
{
    std::vector<std::uint16_t> types;
    for (const Attr& a : attrs) {
        types.push_back(a.type);
    }
    return types;
}

// The status of an NLMSG_ERROR: errno (negative, as on the wire), the echoed
// request header, and the TLVs after it.
struct Status {
    int error = 0;
    nlmsghdr echoed{};
    std::vector<Attr> tlvs;
};

Status statusOf(const Message& m)
{
    Status s;
    EXPECT_EQ(m.header.nlmsg_type, NLMSG_ERROR);
    EXPECT_GE(m.payload.size(), sizeof(nlmsgerr));
    if (m.payload.size() >= sizeof(nlmsgerr)) {
        std::memcpy(&s.error, m.payload.data(), sizeof s.error);
        std::memcpy(&s.echoed, m.payload.data() + sizeof(int), sizeof s.echoed);
        s.tlvs = attrsOf(m.payload, sizeof(nlmsgerr));
    }
    return s;
}

std::string stringOf(const Attr& a)
{
    return a.data.empty() ? std::string() : std::string(reinterpret_cast<const char*>(a.data.data()));
}

TEST(FakeKernelWire, AnAckIsCappedAndEchoesTheRequest)
{
    FakeKernel kernel;
    const Datagram request = rawRequest(FakeKernel::kFamilyId, proto::CMD_FLUSH_ADDRS, NLM_F_ACK);
    const auto replies = roundTrip(kernel, request);
    ASSERT_EQ(replies.size(), 1u);
    const auto msgs = messagesOf(replies[0]);
    ASSERT_EQ(msgs.size(), 1u);
    EXPECT_EQ(msgs[0].header.nlmsg_flags, NLM_F_CAPPED);
    EXPECT_EQ(msgs[0].header.nlmsg_seq, 77u);
    EXPECT_EQ(msgs[0].header.nlmsg_pid, FakeKernel::kPortId);
    EXPECT_EQ(msgs[0].header.nlmsg_len, 36u);
    const Status s = statusOf(msgs[0]);
    EXPECT_EQ(s.error, 0);
    EXPECT_EQ(std::memcmp(&s.echoed, request.data(), sizeof s.echoed), 0);
    EXPECT_THAT(s.tlvs, IsEmpty());
}

TEST(FakeKernelWire, AnErrorCarriesTheTextAndTheOffsetOfTheAttributeAtFault)
{
    FakeKernel kernel;
    const auto replies = roundTrip(kernel, rawRequest(FakeKernel::kFamilyId, proto::CMD_GET_ADDR, NLM_F_ACK,
                                                      addrNest([](nlmsghdr* n) { mnl_attr_put_u8(n, 2, 9); })));
    ASSERT_EQ(replies.size(), 1u);
    const Message m = messagesOf(replies[0]).at(0);
    EXPECT_EQ(m.header.nlmsg_flags, NLM_F_CAPPED | NLM_F_ACK_TLVS);
    const Status s = statusOf(m);
    EXPECT_EQ(s.error, -EINVAL);
    ASSERT_THAT(typesOf(s.tlvs), ElementsAre(NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS));
    EXPECT_EQ(stringOf(s.tlvs[0]), "address not found");
    EXPECT_EQ(s.tlvs[1].u32(), 20u);  // the nest, right after nlmsghdr + genlmsghdr
}

TEST(FakeKernelWire, ALimitErrorPointsAtTheLimit)
{
    FakeKernel kernel;
    const auto replies =
        roundTrip(kernel, rawRequest(FakeKernel::kFamilyId, proto::CMD_SET_LIMITS, NLM_F_ACK, [](nlmsghdr* n) {
                      mnl_attr_put_u32(n, proto::ATTR_RCV_ADD_ADDRS, 3);
                      mnl_attr_put_u32(n, proto::ATTR_SUBFLOWS, 9);
                  }));
    const Status s = statusOf(messagesOf(replies.at(0)).at(0));
    ASSERT_THAT(typesOf(s.tlvs), ElementsAre(NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS));
    EXPECT_EQ(s.tlvs[1].u32(), 28u);
    EXPECT_EQ(kernel.limits(), (Limits{.subflows = 2, .addAddrAccepted = 0}));
}

TEST(FakeKernelWire, AMissingAddressNestIsNamedWithoutText)
{
    FakeKernel kernel;
    for (std::uint8_t cmd : {proto::CMD_ADD_ADDR, proto::CMD_DEL_ADDR, proto::CMD_GET_ADDR, proto::CMD_SET_FLAGS}) {
        const Status s =
            statusOf(messagesOf(roundTrip(kernel, rawRequest(FakeKernel::kFamilyId, cmd, NLM_F_ACK)).at(0)).at(0));
        EXPECT_EQ(s.error, -EINVAL);
        ASSERT_THAT(typesOf(s.tlvs), ElementsAre(NLMSGERR_ATTR_MISS_TYPE));
        EXPECT_EQ(s.tlvs[0].u32(), proto::ATTR_ADDR);
    }
}

TEST(FakeKernelWire, TheAddressParserChecksFamilyAndData)
{
    FakeKernel kernel;
    const auto textOf = [&](const std::function<void(nlmsghdr*)>& inner) {
        const auto replies =
            roundTrip(kernel, rawRequest(FakeKernel::kFamilyId, proto::CMD_ADD_ADDR, NLM_F_ACK, addrNest(inner)));
        const Status s = statusOf(messagesOf(replies.at(0)).at(0));
        return std::make_pair(-s.error, s.tlvs.empty() ? std::string() : stringOf(s.tlvs[0]));
    };
    EXPECT_EQ(textOf([](nlmsghdr* n) { mnl_attr_put_u32(n, proto::ADDR_ATTR_FLAGS, 1); }),
              Refusal(EINVAL, "missing family"));
    EXPECT_EQ(textOf([](nlmsghdr* n) { mnl_attr_put_u16(n, proto::ADDR_ATTR_FAMILY, 99); }),
              Refusal(EINVAL, "unknown address family"));
    EXPECT_EQ(textOf([](nlmsghdr* n) {
                  mnl_attr_put_u16(n, proto::ADDR_ATTR_FAMILY, AF_INET6);
                  mnl_attr_put_u32(n, proto::ADDR_ATTR_ADDR4, 0x0100000a);
              }),
              Refusal(EINVAL, "missing address data"));
    EXPECT_EQ(textOf([](nlmsghdr* n) {
                  const std::uint8_t shortAddr[15] = {};
                  mnl_attr_put_u16(n, proto::ADDR_ATTR_FAMILY, AF_INET6);
                  mnl_attr_put(n, proto::ADDR_ATTR_ADDR6, sizeof shortAddr, shortAddr);
              }),
              Refusal(ERANGE, "binary attribute size out of range"));
    EXPECT_EQ(textOf([](nlmsghdr* n) {
                  mnl_attr_put_u16(n, proto::ADDR_ATTR_FAMILY, AF_INET);
                  mnl_attr_put_u32(n, proto::ADDR_ATTR_ADDR4, 0x0100000a);
                  mnl_attr_put_u16(n, proto::ADDR_ATTR_FLAGS, 1);  // a u32 in two bytes
              }),
              Refusal(ERANGE, "Attribute failed policy validation"));
    EXPECT_THAT(kernel.table(), IsEmpty());
}

TEST(FakeKernelWire, PortZeroIsNoPort)
{
    FakeKernel kernel;
    roundTrip(kernel, rawRequest(FakeKernel::kFamilyId, proto::CMD_ADD_ADDR, NLM_F_ACK, addrNest([](nlmsghdr* n) {
                                     mnl_attr_put_u16(n, proto::ADDR_ATTR_FAMILY, AF_INET);
                                     mnl_attr_put_u32(n, proto::ADDR_ATTR_ADDR4, 0x0100000a);
                                     mnl_attr_put_u16(n, proto::ADDR_ATTR_PORT, 0);
                                 })));
    ASSERT_EQ(kernel.table().size(), 1u);
    EXPECT_EQ(kernel.table()[0].port, 0);
}

TEST(FakeKernelWire, EndpointRepliesUseTheKernelsLayout)
{
    FakeKernel kernel;
    kernel.addLocalAddress(ip("10.0.0.1"));
    PmClient pm(kernel);
    pm.addAddr(at("10.0.0.1").flags(kSignal).port(80).dev(3));
    pm.addAddr(at("2001:db8::2"));

    auto replies = roundTrip(kernel, rawRequest(FakeKernel::kFamilyId, proto::CMD_GET_ADDR, NLM_F_ACK,
                                                addrNest([](nlmsghdr* n) { mnl_attr_put_u8(n, 2, 1); })));
    ASSERT_EQ(replies.size(), 2u);  // the data, then the ACK in a datagram of its own
    const Message single = messagesOf(replies[0]).at(0);
    EXPECT_EQ(single.header.nlmsg_type, FakeKernel::kFamilyId);
    EXPECT_EQ(single.header.nlmsg_flags, 0);
    EXPECT_EQ(single.payload.at(0), proto::CMD_GET_ADDR);
    const auto top = attrsOf(single.payload, GENL_HDRLEN);
    ASSERT_THAT(typesOf(top), ElementsAre(proto::ATTR_ADDR));
    const auto nest = attrsOf(top[0].data, 0);
    EXPECT_THAT(typesOf(nest), ElementsAre(proto::ADDR_ATTR_FAMILY, proto::ADDR_ATTR_PORT, proto::ADDR_ATTR_ID,
                                           proto::ADDR_ATTR_FLAGS, proto::ADDR_ATTR_IF_IDX, proto::ADDR_ATTR_ADDR4));
    EXPECT_EQ(nest[1].data, (std::vector<std::uint8_t>{80, 0}));  // host order
    EXPECT_EQ(statusOf(messagesOf(replies[1]).at(0)).error, 0);

    replies = roundTrip(kernel, rawRequest(FakeKernel::kFamilyId, proto::CMD_GET_ADDR, NLM_F_DUMP));
    ASSERT_EQ(replies.size(), 2u);  // every endpoint in one datagram, then NLMSG_DONE
    const auto dumped = messagesOf(replies[0]);
    ASSERT_EQ(dumped.size(), 2u);
    EXPECT_EQ(dumped[1].header.nlmsg_flags, NLM_F_MULTI);
    EXPECT_THAT(typesOf(attrsOf(attrsOf(dumped[1].payload, GENL_HDRLEN).at(0).data, 0)),
                ElementsAre(proto::ADDR_ATTR_FAMILY, proto::ADDR_ATTR_PORT, proto::ADDR_ATTR_ID, proto::ADDR_ATTR_FLAGS,
                            proto::ADDR_ATTR_ADDR6));
    const Message done = messagesOf(replies[1]).at(0);
    EXPECT_EQ(done.header.nlmsg_type, NLMSG_DONE);
    EXPECT_EQ(done.header.nlmsg_flags, NLM_F_MULTI);
    EXPECT_EQ(done.payload, (std::vector<std::uint8_t>{0, 0, 0, 0}));
}

TEST(FakeKernelWire, TheControllerAnswersOnlyForMptcpPm)
{
    FakeKernel kernel;
    const auto byName = [](const char* name) {
        return rawRequest(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_ACK,
                          [name](nlmsghdr* n) { mnl_attr_put_strz(n, CTRL_ATTR_FAMILY_NAME, name); });
    };
    auto replies = roundTrip(kernel, byName("mptcp_pm"));
    ASSERT_EQ(replies.size(), 2u);
    const Message family = messagesOf(replies[0]).at(0);
    EXPECT_EQ(family.header.nlmsg_type, GENL_ID_CTRL);
    EXPECT_EQ(family.payload.at(0), CTRL_CMD_NEWFAMILY);
    EXPECT_THAT(typesOf(attrsOf(family.payload, GENL_HDRLEN)),
                ElementsAre(CTRL_ATTR_FAMILY_NAME, CTRL_ATTR_FAMILY_ID, CTRL_ATTR_VERSION, CTRL_ATTR_HDRSIZE,
                            CTRL_ATTR_MAXATTR, CTRL_ATTR_MCAST_GROUPS));

    replies = roundTrip(kernel, byName("nlctrl2"));
    ASSERT_EQ(replies.size(), 1u);
    const Message unknown = messagesOf(replies[0]).at(0);
    EXPECT_EQ(unknown.header.nlmsg_flags, NLM_F_CAPPED);  // no text, so no TLVs
    EXPECT_EQ(statusOf(unknown).error, -ENOENT);

    kernel.setMptcpAvailable(false);
    EXPECT_EQ(statusOf(messagesOf(roundTrip(kernel, byName("mptcp_pm")).at(0)).at(0)).error, -ENOENT);
    EXPECT_EQ(
        statusOf(messagesOf(roundTrip(kernel, rawRequest(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_ACK)).at(0)).at(0))
            .error,
        -EINVAL);  // neither id nor name
}

TEST(FakeKernelWire, GenericNetlinkErrorsComeBeforeTheCommand)
{
    FakeKernel kernel;
    const auto errorOf = [&](const Datagram& request) {
        return statusOf(messagesOf(roundTrip(kernel, request).at(0)).at(0)).error;
    };
    EXPECT_EQ(errorOf(rawRequest(0x99, proto::CMD_GET_LIMITS, NLM_F_ACK)), -ENOENT);  // unknown family
    EXPECT_EQ(errorOf(rawRequest(FakeKernel::kFamilyId, 99, NLM_F_ACK)), -EOPNOTSUPP);
    EXPECT_EQ(errorOf(rawRequest(FakeKernel::kFamilyId, proto::CMD_ADD_ADDR, NLM_F_DUMP)), -EOPNOTSUPP);
    Datagram shortGenl = rawRequest(FakeKernel::kFamilyId, proto::CMD_GET_LIMITS, NLM_F_ACK);
    const std::uint32_t len = 18;  // a genl header cut in half
    std::memcpy(shortGenl.data(), &len, sizeof len);
    shortGenl.resize(len);
    EXPECT_EQ(errorOf(shortGenl), -EINVAL);
}

TEST(FakeKernelWire, SuccessIsAnsweredOnlyWhenAskedErrorsAlways)
{
    FakeKernel kernel;
    const auto add = [](std::uint32_t address) {
        return rawRequest(FakeKernel::kFamilyId, proto::CMD_ADD_ADDR, 0, addrNest([address](nlmsghdr* n) {
                              mnl_attr_put_u16(n, proto::ADDR_ATTR_FAMILY, AF_INET);
                              mnl_attr_put_u32(n, proto::ADDR_ATTR_ADDR4, address);
                          }));
    };
    EXPECT_THAT(roundTrip(kernel, add(0x0100000a)), IsEmpty());
    EXPECT_EQ(kernel.table().size(), 1u);
    EXPECT_EQ(roundTrip(kernel, add(0x0100000a)).size(), 1u);  // EEXIST
}

TEST(FakeKernelWire, MalformedRequestsAreNeverReadOutOfBounds)
{
    // Every truncation of a valid request, and every single-byte corruption
    // of its length fields: nothing may crash (run under ASan to mean it).
    FakeKernel kernel;
    kernel.addLocalAddress(ip("10.0.0.1"));
    const Datagram valid = rawRequest(FakeKernel::kFamilyId, proto::CMD_ADD_ADDR, NLM_F_ACK, addrNest([](nlmsghdr* n) {
                                          mnl_attr_put_u16(n, proto::ADDR_ATTR_FAMILY, AF_INET);
                                          mnl_attr_put_u32(n, proto::ADDR_ATTR_ADDR4, 0x0100000a);
                                          mnl_attr_put_u16(n, proto::ADDR_ATTR_PORT, 80);
                                          mnl_attr_put_u32(n, proto::ADDR_ATTR_FLAGS, kSignal);
                                      }));
    for (std::size_t n = 0; n < valid.size(); ++n) {
        kernel.send(std::span(valid.data(), n));  // nlmsg_len now lies: dropped
    }
    EXPECT_EQ(kernel.pendingReplies(), 0u);
    for (std::size_t i = 0; i < valid.size(); ++i) {
        for (std::uint8_t v :
             {std::uint8_t{0}, std::uint8_t{1}, std::uint8_t{3}, std::uint8_t{0x7f}, std::uint8_t{0xff}}) {
            Datagram bad = valid;
            bad[i] = v;
            kernel.send(bad);
            kernel.send(rawRequest(FakeKernel::kFamilyId, proto::CMD_FLUSH_ADDRS, 0));
        }
    }
    EXPECT_LE(kernel.table().size(), 8u);
}

}  // namespace
}  // namespace mptcp
