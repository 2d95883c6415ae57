// The authorization decision (docs/dbus-api.md, "Who may do what") with
// the bus and polkit replaced by a fake whose answers the test gives when it
// likes: who gets through, what a refused caller is told, that nothing
// waits (other callers are decided while one check is held), that a
// caller's requests keep their order, that a caller who leaves gets nothing
// done and its check cancelled, and that the bus is asked for a caller's
// uid once per connection.
#include "polkit_authorizer.hpp"
#include "bus_authority.hpp"
#include "caller_uid_cache.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mptcp::dbus {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using V = PolkitAnswer::Verdict;

// Records every question; the test answers them in any order, or never.
class FakeQueries : public AuthorityQueries {
public:
    struct Check {
        Caller caller;
        std::string actionId;
        std::string cancellationId;
        PolkitReply reply;
    };

    void askUnixUser(const std::string& uniqueName, UidAnswer answer) override
    {
        uidQuestions.push_back(uniqueName);
        uidAnswers.emplace_back(uniqueName, std::move(answer));
    }
    void checkAuthorization(const Caller& caller, const char* actionId, const std::string& cancellationId,
                            PolkitReply reply) override
    {
        checks.push_back({caller, actionId, cancellationId, std::move(reply)});
    }
    void cancelCheck(const std::string& cancellationId) override { cancelled.push_back(cancellationId); }

    // Answers the oldest open uid question.
    void answerUid(std::optional<uid_t> uid, const std::string& error = "")
    {
        ASSERT_FALSE(uidAnswers.empty()) << "nobody asked for a uid";
        auto [name, answer] = std::move(uidAnswers.front());
        uidAnswers.pop_front();
        answer(uid, error);
    }
    // Answers the check with this index (in the order they were asked).
    void answerCheck(std::size_t index, PolkitAnswer answer)
    {
        ASSERT_LT(index, checks.size()) << "no such check";
        checks[index].reply(answer);
    }

    std::vector<std::string> uidQuestions;
    std::deque<std::pair<std::string, UidAnswer>> uidAnswers;
    std::vector<Check> checks;
    std::vector<std::string> cancelled;
};

class PolkitAuthorizerTest : public ::testing::Test {
protected:
    // Asks for a decision; the returned slot fills in when it comes.
    std::shared_ptr<std::optional<Decision>> ask(const std::string& name, bool interactive = false,
                                                 Action action = Action::Modify, const char* what = "AddEndpoint")
    {
        auto slot = std::make_shared<std::optional<Decision>>();
        authorizer_.authorize(action, what, Caller{name, interactive}, [slot](const Decision& d) {
            EXPECT_FALSE(slot->has_value()) << "decided twice";
            *slot = d;
        });
        return slot;
    }

    // A caller of this uid whose uid the authorizer already knows (a first
    // request of root, answered).
    void knownCaller(const std::string& name, uid_t uid)
    {
        auto first = ask(name);
        queries_.answerUid(uid);
        if (uid != 0) {
            queries_.answerCheck(queries_.checks.size() - 1, {V::Authorized, "", {}});
        }
        ASSERT_TRUE(first->has_value());
    }

    // The refusal a non-root caller gets for this polkit answer.
    Decision refusalFor(PolkitAnswer answer, bool interactive = false, Action action = Action::Modify)
    {
        auto d = ask(":1.50", interactive, action);
        queries_.answerUid(1000);
        queries_.answerCheck(0, std::move(answer));
        EXPECT_TRUE(d->has_value());
        EXPECT_FALSE(d->value_or(Decision{true, "", ""}).allowed);
        return d->value_or(Decision{});
    }

    FakeQueries queries_;
    std::vector<std::string> log_;
    PolkitAuthorizer authorizer_{queries_, [this](const std::string& line) { log_.push_back(line); }};
};

TEST_F(PolkitAuthorizerTest, RootIsAllowedOnceTheBusToldItsUidWithoutAskingPolkit)
{
    auto d = ask(":1.7");
    EXPECT_FALSE(d->has_value()) << "decided before the bus said who calls";
    EXPECT_THAT(queries_.uidQuestions, ElementsAre(":1.7"));
    queries_.answerUid(0);
    ASSERT_TRUE(d->has_value());
    EXPECT_TRUE((*d)->allowed);
    EXPECT_TRUE(queries_.checks.empty());
}

TEST_F(PolkitAuthorizerTest, AKnownRootCallerIsDecidedAtOnce)
{
    knownCaller(":1.7", 0);
    auto d = ask(":1.7");
    ASSERT_TRUE(d->has_value());
    EXPECT_TRUE((*d)->allowed);
    EXPECT_EQ(queries_.uidQuestions.size(), 1u);
}

TEST_F(PolkitAuthorizerTest, OtherUsersNeedPolkitsYesForTheirBusNameAndTheAction)
{
    auto d = ask(":1.8", true, Action::ControlConnections);
    queries_.answerUid(1000);
    ASSERT_EQ(queries_.checks.size(), 1u);
    EXPECT_EQ(queries_.checks[0].caller.uniqueName, ":1.8");
    EXPECT_TRUE(queries_.checks[0].caller.allowInteractive);
    EXPECT_EQ(queries_.checks[0].actionId, "org.mptcp.PathManager.control-connections");
    EXPECT_FALSE(queries_.checks[0].cancellationId.empty());
    EXPECT_FALSE(d->has_value()) << "decided before polkit answered";
    queries_.answerCheck(0, {V::Authorized, "", {}});
    ASSERT_TRUE(d->has_value());
    EXPECT_TRUE((*d)->allowed);
}

TEST_F(PolkitAuthorizerTest, TheInteractiveFlagIsPassedOnAsTheCallerSetIt)
{
    ask(":1.9", false);
    queries_.answerUid(1000);
    ASSERT_EQ(queries_.checks.size(), 1u);
    EXPECT_FALSE(queries_.checks[0].caller.allowInteractive);
    EXPECT_EQ(queries_.checks[0].actionId, "org.mptcp.PathManager.modify");
}

TEST_F(PolkitAuthorizerTest, PolkitsNoIsAccessDeniedNamingTheActionAndTheUser)
{
    const Decision d = refusalFor({V::NotAuthorized, "", {}});
    EXPECT_EQ(d.errorName, "org.freedesktop.DBus.Error.AccessDenied");
    EXPECT_THAT(d.message, AllOf(HasSubstr("AddEndpoint: not authorized"), HasSubstr("org.mptcp.PathManager.modify"),
                                 HasSubstr("uid 1000")));
}

TEST_F(PolkitAuthorizerTest, AChallengeWithoutInteractionIsInteractiveAuthorizationRequired)
{
    const Decision d = refusalFor({V::NeedsAuthentication, "", {}}, false);
    EXPECT_EQ(d.errorName, "org.freedesktop.DBus.Error.InteractiveAuthorizationRequired");
    EXPECT_THAT(d.message, AllOf(HasSubstr("authentication is required"), HasSubstr("interactive authorization")));
}

TEST_F(PolkitAuthorizerTest, AChallengeDespiteInteractionIsAccessDeniedSuggestingAnAgent)
{
    const Decision d = refusalFor({V::NeedsAuthentication, "", {}}, true);
    EXPECT_EQ(d.errorName, "org.freedesktop.DBus.Error.AccessDenied");
    EXPECT_THAT(d.message, HasSubstr("polkit agent"));
}

TEST_F(PolkitAuthorizerTest, ADismissedDialogIsSaidSo)
{
    EXPECT_THAT(refusalFor({V::Dismissed, "", {}}, true).message, HasSubstr("authentication was dismissed"));
}

TEST_F(PolkitAuthorizerTest, WithoutPolkitOnlyRootMayChange)
{
    const Decision d = refusalFor({V::Unreachable, "org.freedesktop.DBus.Error.ServiceUnknown: no polkit", {}});
    EXPECT_EQ(d.errorName, "org.freedesktop.DBus.Error.AccessDenied");
    EXPECT_THAT(d.message, AllOf(HasSubstr("polkit is not reachable"), HasSubstr("ServiceUnknown"),
                                 HasSubstr("only root may go on")));
}

TEST_F(PolkitAuthorizerTest, ACheckThatRunsOutOfTimeIsCancelledAndRefusedSayingSo)
{
    const Decision d =
        refusalFor({V::TimedOut, "org.freedesktop.DBus.Error.NoReply: timed out", std::chrono::milliseconds(1500)});
    EXPECT_EQ(d.errorName, "org.freedesktop.DBus.Error.AccessDenied");
    EXPECT_THAT(d.message, AllOf(HasSubstr("polkit did not answer within 1500 ms"), HasSubstr("cancelled")));
    EXPECT_THAT(queries_.cancelled, ElementsAre(queries_.checks[0].cancellationId));
    ASSERT_EQ(log_.size(), 1u);
    EXPECT_THAT(log_[0], HasSubstr(":1.50"));
}

TEST_F(PolkitAuthorizerTest, APolkitErrorIsARefusalThatSaysWhat)
{
    const Decision d = refusalFor({V::Failed, "org.freedesktop.PolicyKit1.Error.Failed: Action is not registered", {}});
    EXPECT_THAT(d.message, AllOf(HasSubstr("polkit could not decide"), HasSubstr("Action is not registered")));
}

TEST_F(PolkitAuthorizerTest, HostileErrorTextIsQuotedPrintableAndBounded)
{
    const std::string hostile = "boom\n\x1b[31m" + std::string(10000, 'x');
    const std::string message = refusalFor({V::Failed, hostile, {}}).message;
    EXPECT_LT(message.size(), 600u);
    EXPECT_TRUE(std::none_of(message.begin(), message.end(), [](char c) { return c < 0x20; })) << message;
}

TEST_F(PolkitAuthorizerTest, AnUnknownCallerIsRefusedWithoutAskingPolkit)
{
    auto d = ask(":1.16");
    queries_.answerUid(std::nullopt, "org.freedesktop.DBus.Error.NameHasNoOwner: gone");
    ASSERT_TRUE(d->has_value());
    EXPECT_FALSE((*d)->allowed);
    EXPECT_EQ((*d)->errorName, "org.freedesktop.DBus.Error.AccessDenied");
    EXPECT_THAT((*d)->message, AllOf(HasSubstr("cannot tell which user"), HasSubstr("NameHasNoOwner")));
    EXPECT_TRUE(queries_.checks.empty());
}

TEST_F(PolkitAuthorizerTest, TheBusIsAskedForAUidOncePerConnection)
{
    knownCaller(":1.17", 1000);
    for (int i = 0; i < 3; ++i) {
        auto d = ask(":1.17");
        queries_.answerCheck(queries_.checks.size() - 1, {V::Authorized, "", {}});
        EXPECT_TRUE(d->has_value());
    }
    EXPECT_EQ(queries_.uidQuestions.size(), 1u);
    EXPECT_EQ(queries_.checks.size(), 4u);
    EXPECT_EQ(authorizer_.cachedCallers(), 1u);
}

TEST_F(PolkitAuthorizerTest, OtherCallersAreDecidedWhileOneCheckIsHeld)
{
    auto held = ask(":1.20", true);
    queries_.answerUid(1000);
    ASSERT_EQ(queries_.checks.size(), 1u);  // polkit holds this one (a password dialog)
    knownCaller(":1.21", 0);
    auto root = ask(":1.21");
    ASSERT_TRUE(root->has_value());
    EXPECT_TRUE((*root)->allowed);
    auto other = ask(":1.22");
    queries_.answerUid(1000);
    ASSERT_EQ(queries_.checks.size(), 2u);
    queries_.answerCheck(1, {V::NotAuthorized, "", {}});
    EXPECT_TRUE(other->has_value());
    EXPECT_FALSE(held->has_value());
    EXPECT_EQ(authorizer_.pendingRequests(), 1u);
}

TEST_F(PolkitAuthorizerTest, ACallersRequestsAreDecidedInTheOrderItSentThem)
{
    std::vector<std::string> order;
    for (const char* what : {"AddEndpoint", "DeleteEndpoint", "SetLimits"}) {
        authorizer_.authorize(Action::Modify, what, Caller{":1.30", false},
                              [&order, what](const Decision&) { order.emplace_back(what); });
    }
    queries_.answerUid(1000);
    // One check at a time: the second is asked only when the first is decided.
    ASSERT_EQ(queries_.checks.size(), 1u);
    queries_.answerCheck(0, {V::Authorized, "", {}});
    ASSERT_EQ(queries_.checks.size(), 2u);
    queries_.answerCheck(1, {V::NotAuthorized, "", {}});
    queries_.answerCheck(2, {V::Authorized, "", {}});
    EXPECT_THAT(order, ElementsAre("AddEndpoint", "DeleteEndpoint", "SetLimits"));
    EXPECT_EQ(authorizer_.pendingRequests(), 0u);
}

TEST_F(PolkitAuthorizerTest, ACallerThatLeavesGetsNothingAndItsCheckIsCancelled)
{
    auto d = ask(":1.40", true);
    auto queued = ask(":1.40", true);
    queries_.answerUid(1000);
    ASSERT_EQ(queries_.checks.size(), 1u);
    const std::string id = queries_.checks[0].cancellationId;
    authorizer_.callerVanished(":1.40");
    EXPECT_THAT(queries_.cancelled, ElementsAre(id));
    // polkit's late yes changes nothing.
    queries_.answerCheck(0, {V::Authorized, "", {}});
    EXPECT_FALSE(d->has_value());
    EXPECT_FALSE(queued->has_value());
    EXPECT_EQ(queries_.checks.size(), 1u);
    EXPECT_EQ(authorizer_.pendingRequests(), 0u);
    EXPECT_EQ(authorizer_.cachedCallers(), 0u);
    ASSERT_EQ(log_.size(), 1u);
    EXPECT_THAT(log_[0], AllOf(HasSubstr(":1.40"), HasSubstr("nothing done"), HasSubstr(id)));
}

TEST_F(PolkitAuthorizerTest, ACallerThatLeavesBeforeItsUidIsKnownGetsNothing)
{
    auto d = ask(":1.41");
    authorizer_.callerVanished(":1.41");
    queries_.answerUid(0);
    EXPECT_FALSE(d->has_value());
    EXPECT_TRUE(queries_.cancelled.empty());
    EXPECT_EQ(authorizer_.cachedCallers(), 0u);
}

TEST_F(PolkitAuthorizerTest, ACallerWithTooManyChangesWaitingIsRefusedAtOnce)
{
    std::size_t decided = 0;
    std::string last;
    for (std::size_t i = 0; i <= PolkitAuthorizer::kMaxWaitingPerCaller; ++i) {
        authorizer_.authorize(Action::Modify, "AddEndpoint", Caller{":1.80", false}, [&](const Decision& d) {
            ++decided;
            last = d.message;
            EXPECT_FALSE(d.allowed);
        });
    }
    EXPECT_EQ(decided, 1u);
    EXPECT_THAT(last, HasSubstr("already wait for authorization"));
    EXPECT_EQ(authorizer_.pendingRequests(), PolkitAuthorizer::kMaxWaitingPerCaller);
    // Another caller is not affected.
    auto other = ask(":1.81");
    EXPECT_EQ(queries_.uidQuestions.size(), 2u);
}

TEST_F(PolkitAuthorizerTest, EveryCheckHasItsOwnCancellationId)
{
    ask(":1.60");
    ask(":1.61");
    queries_.answerUid(1000);
    queries_.answerUid(1001);
    ASSERT_EQ(queries_.checks.size(), 2u);
    EXPECT_NE(queries_.checks[0].cancellationId, queries_.checks[1].cancellationId);
}

TEST_F(PolkitAuthorizerTest, AnAnswerGivenAtOnceIsHandledToo)
{
    // A proxy that cannot even send answers within the call.
    class Immediate : public AuthorityQueries {
    public:
        void askUnixUser(const std::string&, UidAnswer answer) override { answer(1000, ""); }
        void checkAuthorization(const Caller&, const char*, const std::string&, PolkitReply reply) override
        {
            reply({V::Unreachable, "org.freedesktop.DBus.Error.Disconnected: gone", {}});
        }
        void cancelCheck(const std::string&) override {}
    } immediate;
    PolkitAuthorizer authorizer(immediate);
    int decided = 0;
    for (int i = 0; i < 3; ++i) {
        authorizer.authorize(Action::Modify, "AddEndpoint", Caller{":1.70", false}, [&](const Decision& d) {
            EXPECT_FALSE(d.allowed);
            ++decided;
        });
    }
    EXPECT_EQ(decided, 3);
    EXPECT_EQ(authorizer.pendingRequests(), 0u);
}

TEST(CallerUidCacheTest, StaysWithinItsCapacityAndNeverMixesCallersUp)
{
    CallerUidCache cache(2);
    for (int n = 1; n <= 5; ++n) {
        cache.remember(":1." + std::to_string(n), static_cast<uid_t>(n));
        EXPECT_LE(cache.size(), 2u);
    }
    for (int n = 1; n <= 5; ++n) {
        const auto uid = cache.find(":1." + std::to_string(n));
        if (uid) {
            EXPECT_EQ(*uid, static_cast<uid_t>(n));  // forgotten or right, never wrong
        }
    }
    EXPECT_EQ(cache.find(":1.5"), std::optional<uid_t>(5));
    cache.forget(":1.5");
    EXPECT_EQ(cache.find(":1.5"), std::nullopt);
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
