// The authorization decision (docs/dbus-api.md, "Who may do what") with the bus
// and polkit mocked: who gets through, what a refused caller is told, and
// that the bus is asked for a caller's uid once per connection.
#include "polkit_authorizer.hpp"
#include "bus_authority.hpp"
#include "caller_uid_cache.hpp"
#include "pm_error.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace mptcp::dbus {
namespace {

using ::testing::_;
using ::testing::AllOf;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::Return;
using ::testing::StrictMock;
using ::testing::Throw;
using V = PolkitAnswer::Verdict;

class MockQueries : public AuthorityQueries {
public:
    MOCK_METHOD(std::optional<Caller>, currentCaller, (), (override));
    MOCK_METHOD(uid_t, unixUser, (const std::string& uniqueName), (override));
    MOCK_METHOD(PolkitAnswer, checkModify, (const Caller& caller), (override));
};

class PolkitAuthorizerTest : public ::testing::Test {
protected:
    void callerIs(const std::string& name, uid_t uid, bool interactive = false)
    {
        EXPECT_CALL(queries_, currentCaller()).WillRepeatedly(Return(Caller{name, interactive}));
        EXPECT_CALL(queries_, unixUser(name)).WillRepeatedly(Return(uid));
    }

    // The AccessDenied message of a refused change ("" when it went through
    // or failed otherwise, which the test then reports).
    std::string refusal(const char* what = "AddEndpoint")
    {
        try {
            authorizer_.authorizeChange(what);
        } catch (const PmError& e) {
            EXPECT_EQ(e.kind(), ErrorKind::AccessDenied) << e.what();
            return e.what();
        }
        ADD_FAILURE() << "the change was allowed";
        return "";
    }

    StrictMock<MockQueries> queries_;
    PolkitAuthorizer authorizer_{queries_};
};

TEST_F(PolkitAuthorizerTest, TheServiceItselfNeedsNoAuthorization)
{
    EXPECT_CALL(queries_, currentCaller()).WillOnce(Return(std::nullopt));
    EXPECT_NO_THROW(authorizer_.authorizeChange("ReleaseInterface"));
}

TEST_F(PolkitAuthorizerTest, RootIsAllowedWithoutAskingPolkit)
{
    callerIs(":1.7", 0);
    EXPECT_NO_THROW(authorizer_.authorizeChange("FlushEndpoints"));
}

TEST_F(PolkitAuthorizerTest, OtherUsersNeedPolkitsYesForTheirBusName)
{
    callerIs(":1.8", 1000, true);
    EXPECT_CALL(queries_,
                checkModify(AllOf(Field(&Caller::uniqueName, ":1.8"), Field(&Caller::allowInteractive, true))))
        .WillOnce(Return(PolkitAnswer{V::Authorized, ""}));
    EXPECT_NO_THROW(authorizer_.authorizeChange("SetLimits"));
}

TEST_F(PolkitAuthorizerTest, TheInteractiveFlagIsPassedOnAsTheCallerSetIt)
{
    callerIs(":1.9", 1000, false);
    EXPECT_CALL(queries_, checkModify(Field(&Caller::allowInteractive, false)))
        .WillOnce(Return(PolkitAnswer{V::Authorized, ""}));
    EXPECT_NO_THROW(authorizer_.authorizeChange("SetLimits"));
}

TEST_F(PolkitAuthorizerTest, PolkitsNoIsAccessDeniedNamingTheActionAndTheUser)
{
    callerIs(":1.10", 1000);
    EXPECT_CALL(queries_, checkModify(_)).WillOnce(Return(PolkitAnswer{V::NotAuthorized, ""}));
    EXPECT_THAT(refusal("AddEndpoint"), AllOf(HasSubstr("AddEndpoint: not authorized"),
                                              HasSubstr("org.mptcp.PathManager.modify"), HasSubstr("uid 1000")));
}

TEST_F(PolkitAuthorizerTest, AChallengeTellsTheCallerToAllowInteractiveAuthorization)
{
    callerIs(":1.11", 1000);
    EXPECT_CALL(queries_, checkModify(_)).WillOnce(Return(PolkitAnswer{V::NeedsAuthentication, ""}));
    EXPECT_THAT(refusal(), AllOf(HasSubstr("authentication is required"), HasSubstr("interactive authorization")));
}

TEST_F(PolkitAuthorizerTest, ADismissedDialogIsSaidSo)
{
    callerIs(":1.12", 1000, true);
    EXPECT_CALL(queries_, checkModify(_)).WillOnce(Return(PolkitAnswer{V::Dismissed, ""}));
    EXPECT_THAT(refusal(), HasSubstr("authentication was dismissed"));
}

TEST_F(PolkitAuthorizerTest, WithoutPolkitOnlyRootMayChange)
{
    callerIs(":1.13", 1000);
    EXPECT_CALL(queries_, checkModify(_))
        .WillOnce(Return(PolkitAnswer{V::Unreachable, "org.freedesktop.DBus.Error.ServiceUnknown: no polkit"}));
    EXPECT_THAT(refusal("Enabled"), AllOf(HasSubstr("Enabled: polkit is not reachable"), HasSubstr("ServiceUnknown"),
                                          HasSubstr("only root may change")));
}

TEST_F(PolkitAuthorizerTest, APolkitErrorIsARefusalThatSaysWhat)
{
    callerIs(":1.14", 1000);
    EXPECT_CALL(queries_, checkModify(_))
        .WillOnce(Return(PolkitAnswer{V::Failed, "org.freedesktop.PolicyKit1.Error.Failed: Action is not registered"}));
    EXPECT_THAT(refusal(), AllOf(HasSubstr("polkit could not decide"), HasSubstr("Action is not registered")));
}

TEST_F(PolkitAuthorizerTest, HostileErrorTextIsQuotedPrintableAndBounded)
{
    callerIs(":1.15", 1000);
    const std::string hostile = "boom\n\x1b[31m" + std::string(10000, 'x');
    EXPECT_CALL(queries_, checkModify(_)).WillOnce(Return(PolkitAnswer{V::Failed, hostile}));
    const std::string message = refusal();
    EXPECT_LT(message.size(), 600u);
    EXPECT_TRUE(std::none_of(message.begin(), message.end(), [](char c) { return c < 0x20; })) << message;
}

TEST_F(PolkitAuthorizerTest, AnUnknownCallerIsRefusedWithoutAskingPolkit)
{
    EXPECT_CALL(queries_, currentCaller()).WillOnce(Return(Caller{":1.16", false}));
    EXPECT_CALL(queries_, unixUser(":1.16"))
        .WillOnce(Throw(PmError(ErrorKind::AccessDenied, "org.freedesktop.DBus.Error.NameHasNoOwner: gone")));
    EXPECT_THAT(refusal(), AllOf(HasSubstr("cannot tell which user"), HasSubstr("NameHasNoOwner")));
}

TEST_F(PolkitAuthorizerTest, TheBusIsAskedForAUidOncePerConnection)
{
    EXPECT_CALL(queries_, currentCaller()).WillRepeatedly(Return(Caller{":1.17", false}));
    EXPECT_CALL(queries_, unixUser(":1.17")).Times(1).WillOnce(Return(1000));
    EXPECT_CALL(queries_, checkModify(_)).Times(3).WillRepeatedly(Return(PolkitAnswer{V::Authorized, ""}));
    for (int i = 0; i < 3; ++i) {
        EXPECT_NO_THROW(authorizer_.authorizeChange("AddEndpoint"));
    }
    EXPECT_EQ(authorizer_.cachedCallers(), 1u);
}

TEST_F(PolkitAuthorizerTest, AForgottenCallerIsAskedForAgain)
{
    EXPECT_CALL(queries_, currentCaller()).WillRepeatedly(Return(Caller{":1.18", false}));
    EXPECT_CALL(queries_, unixUser(":1.18")).Times(2).WillRepeatedly(Return(0));
    authorizer_.authorizeChange("AddEndpoint");
    authorizer_.forgetCaller(":1.18");
    EXPECT_EQ(authorizer_.cachedCallers(), 0u);
    authorizer_.authorizeChange("AddEndpoint");
}

TEST(CallerUidCacheTest, StaysWithinItsCapacityAndStillAnswersRight)
{
    int lookups = 0;
    CallerUidCache cache(
        [&](const std::string& name) {
            ++lookups;
            return static_cast<uid_t>(std::stoi(name.substr(3)));
        },
        2);
    for (int round = 0; round < 3; ++round) {
        for (int n = 1; n <= 5; ++n) {
            EXPECT_EQ(cache.uidOf(":1." + std::to_string(n)), static_cast<uid_t>(n));
            EXPECT_LE(cache.size(), 2u);
        }
    }
    EXPECT_GT(lookups, 5);  // evicted entries were asked again, never guessed
}

TEST(CallerUidCacheTest, AFailedLookupIsNotCached)
{
    int lookups = 0;
    CallerUidCache cache([&](const std::string&) -> uid_t {
        if (++lookups == 1) {
            throw PmError(ErrorKind::AccessDenied, "bus busy");
        }
        return 42;
    });
    EXPECT_THROW(cache.uidOf(":1.1"), PmError);
    EXPECT_EQ(cache.uidOf(":1.1"), 42u);
    EXPECT_EQ(lookups, 2);
}

TEST(PolkitErrorsTest, MissingOrSilentPolkitIsUnreachableOtherErrorsAreNot)
{
    EXPECT_TRUE(meansUnreachable("org.freedesktop.DBus.Error.ServiceUnknown"));
    EXPECT_TRUE(meansUnreachable("org.freedesktop.DBus.Error.NameHasNoOwner"));
    EXPECT_TRUE(meansUnreachable("org.freedesktop.DBus.Error.NoReply"));
    EXPECT_TRUE(meansUnreachable("org.freedesktop.DBus.Error.Timeout"));
    EXPECT_FALSE(meansUnreachable("org.freedesktop.PolicyKit1.Error.Failed"));
    EXPECT_FALSE(meansUnreachable("org.freedesktop.DBus.Error.AccessDenied"));
}

}  // namespace
}  // namespace mptcp::dbus
