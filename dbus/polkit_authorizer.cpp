#include "polkit_authorizer.hpp"

#include <utility>

namespace mptcp::dbus {
namespace {

// Text from the bus or polkit, made fit for a one-line message: printable
// ASCII only and bounded.
std::string printable(std::string_view text)
{
    constexpr std::size_t kMax = 200;
    std::string out;
    for (std::size_t i = 0; i < text.size() && i < kMax; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
    }
    if (text.size() > kMax) {
        out += "...";
    }
    return out;
}

std::string duration(std::chrono::milliseconds limit)
{
    if (limit.count() % 1000 == 0) {
        return std::to_string(limit.count() / 1000) + " s";
    }
    return std::to_string(limit.count()) + " ms";
}

// What the action allows, for the messages.
const char* purpose(Action action)
{
    switch (action) {
        case Action::ControlConnections:
            return "acting on live MPTCP connections";
        case Action::Modify:
            break;
    }
    return "changing the MPTCP configuration";
}

std::string needs(Action action, uid_t uid)
{
    return std::string(purpose(action)) + " needs root or the polkit action " + polkitActionId(action) +
           " (caller uid " + std::to_string(uid) + ")";
}

Decision allow()
{
    return {true, "", ""};
}

Decision deny(const std::string& what, const std::string& why, const char* errorName = kAccessDeniedError)
{
    return {false, errorName, what + ": " + why};
}

Decision decide(Action action, const std::string& what, bool allowInteractive, uid_t uid, const PolkitAnswer& answer)
{
    using V = PolkitAnswer::Verdict;
    switch (answer.verdict) {
        case V::Authorized:
            return allow();
        case V::NotAuthorized:
            return deny(what, "not authorized: " + needs(action, uid));
        case V::NeedsAuthentication:
            if (!allowInteractive) {
                // The standard error: the client may ask again, allowing
                // interaction, and polkit will ask its user.
                return deny(what,
                            "authentication is required: " + needs(action, uid) +
                                "; call again allowing interactive authorization (busctl and mptcpctl do on a "
                                "terminal) with a polkit agent running",
                            kInteractiveAuthorizationRequiredError);
            }
            return deny(what,
                        "authentication is required and polkit could not ask for it (no polkit agent for the "
                        "caller's session?): " +
                            needs(action, uid));
        case V::Dismissed:
            return deny(what, "authentication was dismissed: " + needs(action, uid));
        case V::Unreachable:
            return deny(what, "polkit is not reachable (" + printable(answer.detail) + "), so the polkit action " +
                                  polkitActionId(action) + " cannot be checked and only root may go on (caller uid " +
                                  std::to_string(uid) + ")");
        case V::TimedOut:
            return deny(what, "polkit did not answer within " + duration(answer.limit) +
                                  "; the check was cancelled: " + needs(action, uid));
        case V::Failed:
            break;
    }
    return deny(what, "polkit could not decide (" + printable(answer.detail) + "): " + needs(action, uid));
}

}  // namespace

const char* polkitActionId(Action action)
{
    switch (action) {
        case Action::ControlConnections:
            return "org.mptcp.PathManager.control-connections";
        case Action::Modify:
            break;
    }
    return "org.mptcp.PathManager.modify";
}

PolkitAuthorizer::PolkitAuthorizer(AuthorityQueries& queries, Log log) : queries_(queries), log_(std::move(log)) {}

void PolkitAuthorizer::authorize(Action action, std::string what, const Caller& caller, Done done)
{
    // The common case first, without a queue: root, already known, with
    // nothing of its own waiting.
    if (callers_.find(caller.uniqueName) == callers_.end()) {
        if (const auto uid = uids_.find(caller.uniqueName); uid && *uid == 0) {
            done(allow());
            return;
        }
    }
    CallerQueue& queue = callers_[caller.uniqueName];
    if (queue.requests.size() >= kMaxWaitingPerCaller) {
        done(deny(what, std::to_string(kMaxWaitingPerCaller) +
                            " changes of this caller already wait for authorization; try again when they are "
                            "decided"));
        return;
    }
    queue.requests.push_back({action, std::move(what), caller.allowInteractive, std::move(done)});
    pump(caller.uniqueName);
}

std::size_t PolkitAuthorizer::pendingRequests() const
{
    std::size_t n = 0;
    for (const auto& [name, queue] : callers_) {
        n += queue.requests.size();
    }
    return n;
}

void PolkitAuthorizer::pump(const std::string& name)
{
    for (;;) {
        const auto it = callers_.find(name);
        if (it == callers_.end()) {
            return;
        }
        CallerQueue& queue = it->second;
        if (queue.requests.empty()) {
            callers_.erase(it);
            return;
        }
        if (queue.waiting) {
            return;  // the head's answer comes later; the rest wait behind it
        }
        if (!queue.uid) {
            queue.uid = uids_.find(name);
        }
        const std::optional<uid_t> uid = queue.uid;
        if (!uid) {
            queue.waiting = true;
            queue.checkId.clear();
            // May answer at once: nothing of `queue` is used after this.
            queries_.askUnixUser(name, [this, name](std::optional<uid_t> answer, const std::string& error) {
                onUid(name, answer, error);
            });
            return;
        }
        if (*uid == 0) {
            finishHead(name, allow());
            continue;
        }
        const Request& head = queue.requests.front();
        const std::string checkId = "mptcp-pathmanagerd-" + std::to_string(nextCheck_++);
        queue.waiting = true;
        queue.checkId = checkId;
        queries_.checkAuthorization(
            Caller{name, head.allowInteractive}, polkitActionId(head.action), checkId,
            [this, name, checkId](const PolkitAnswer& answer) { onPolkit(name, checkId, answer); });
        return;
    }
}

void PolkitAuthorizer::onUid(const std::string& name, std::optional<uid_t> uid, const std::string& error)
{
    const auto it = callers_.find(name);
    if (it == callers_.end() || !it->second.waiting || !it->second.checkId.empty()) {
        return;  // the caller left meanwhile
    }
    it->second.waiting = false;
    if (!uid) {
        // Without knowing who asks, the answer can only be no. The next
        // request of this caller asks the bus again.
        finishHead(name, deny(it->second.requests.front().what,
                              "cannot tell which user the caller " + printable(name) + " is: " + printable(error)));
    } else {
        uids_.remember(name, *uid);
        it->second.uid = uid;
    }
    pump(name);
}

void PolkitAuthorizer::onPolkit(const std::string& name, const std::string& checkId, const PolkitAnswer& answer)
{
    const auto it = callers_.find(name);
    if (it == callers_.end() || it->second.checkId != checkId) {
        return;  // cancelled: the caller left; nothing is done for it
    }
    CallerQueue& queue = it->second;
    queue.waiting = false;
    queue.checkId.clear();
    if (answer.verdict == PolkitAnswer::Verdict::TimedOut) {
        queries_.cancelCheck(checkId);  // a dialog still open for it closes
    }
    const Request& head = queue.requests.front();
    const Decision decision = decide(head.action, head.what, head.allowInteractive, queue.uid.value_or(0), answer);
    if (answer.verdict == PolkitAnswer::Verdict::TimedOut && log_) {
        log_("caller " + name + ": " + decision.message);
    }
    finishHead(name, decision);
    pump(name);
}

void PolkitAuthorizer::finishHead(const std::string& name, const Decision& decision)
{
    const auto it = callers_.find(name);
    if (it == callers_.end() || it->second.requests.empty()) {
        return;
    }
    Request head = std::move(it->second.requests.front());
    it->second.requests.pop_front();
    // done may run the change; it must not find the queue half-updated.
    head.done(decision);
}

void PolkitAuthorizer::callerVanished(const std::string& uniqueName)
{
    uids_.forget(uniqueName);
    const auto it = callers_.find(uniqueName);
    if (it == callers_.end()) {
        return;
    }
    const std::string checkId = it->second.checkId;
    const std::size_t dropped = it->second.requests.size();
    callers_.erase(it);
    if (!checkId.empty()) {
        queries_.cancelCheck(checkId);
    }
    if (log_ && dropped > 0) {
        log_(uniqueName + " left the bus while " + std::to_string(dropped) +
             " of its requests waited for authorization: nothing done for it" +
             (checkId.empty() ? std::string() : ", polkit check " + checkId + " cancelled"));
    }
}

}  // namespace mptcp::dbus
