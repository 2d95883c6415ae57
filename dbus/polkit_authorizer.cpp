#include "polkit_authorizer.hpp"

#include "pm_error.hpp"

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

[[noreturn]] void deny(const char* what, const std::string& why)
{
    throw PmError(ErrorKind::AccessDenied, std::string(what) + ": " + why);
}

std::string needs(uid_t uid)
{
    return "changing the MPTCP configuration needs root or the polkit action " + std::string(kModifyAction) +
           " (caller uid " + std::to_string(uid) + ")";
}

}  // namespace

PolkitAuthorizer::PolkitAuthorizer(AuthorityQueries& queries)
    : queries_(queries), uids_([this](const std::string& name) { return queries_.unixUser(name); })
{
}

void PolkitAuthorizer::authorizeChange(const char* what)
{
    const std::optional<Caller> caller = queries_.currentCaller();
    if (!caller) {
        return;  // the service itself, not a bus caller
    }
    uid_t uid = 0;
    try {
        uid = uids_.uidOf(caller->uniqueName);
    } catch (const std::exception& e) {
        // Without knowing who asks, the answer can only be no.
        deny(what,
             "cannot tell which user the caller " + printable(caller->uniqueName) + " is: " + printable(e.what()));
    }
    if (uid == 0) {
        return;
    }
    const PolkitAnswer answer = queries_.checkModify(*caller);
    using V = PolkitAnswer::Verdict;
    switch (answer.verdict) {
        case V::Authorized:
            return;
        case V::NotAuthorized:
            deny(what, "not authorized: " + needs(uid));
        case V::NeedsAuthentication:
            deny(what, "authentication is required: " + needs(uid) +
                           "; call again allowing interactive authorization (busctl does by default) with a "
                           "polkit agent running");
        case V::Dismissed:
            deny(what, "authentication was dismissed: " + needs(uid));
        case V::Unreachable:
            deny(what, "polkit is not reachable (" + printable(answer.detail) + "), so the polkit action " +
                           kModifyAction +
                           " cannot be checked and only root may change the MPTCP configuration (caller uid " +
                           std::to_string(uid) + ")");
        case V::Failed:
            break;
    }
    deny(what, "polkit could not decide (" + printable(answer.detail) + "): " + needs(uid));
}

}  // namespace mptcp::dbus
