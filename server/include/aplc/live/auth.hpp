#pragma once
// Who may do what (DESIGN.md, "Roles and security"): credentials and sessions, kept in tables of
// their own in the event's SQLite file (not in the log: they are secrets, not history). Codes,
// passwords and tokens are stored only as hashes: codes and passwords with Argon2id
// (libsodium's crypto_pwhash_str), tokens with BLAKE2b (they are 256 random bits already).
//
// Thread safety: every member may be called from any thread; one mutex guards the connection.
// Sign-in is slow on purpose (Argon2id): the server calls it off its network and app threads.
#include "aplc/scoring/rejection.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aplc::live {

enum class role { public_viewer, display, judge, head_judge, organiser };

// "public", "display", "judge", "head_judge", "organiser"
std::string_view role_name(role r);
std::optional<role> parse_role(std::string_view text);

struct principal {
    role who = role::public_viewer;
    std::string subject; // "J01", "organiser", "display:hall-a"; empty for the public
};

struct auth_error {
    std::string code; // bad_credentials, throttled, token_expired, token_invalid,
                      // storage_failed, bad_subject
    std::string message;
};

template <class T> using auth_result = scoring::outcome<T, auth_error>;

struct signed_in {
    principal who;
    std::string token;      // 64 hex characters
    std::string expires_at; // ISO 8601 UTC
    std::chrono::system_clock::time_point expires;
};

struct auth_options {
    std::chrono::seconds session_lifetime = std::chrono::hours{14};
    int max_failures = 5;                     // failed sign-ins per subject or address...
    std::chrono::seconds failure_window{300}; // ...within this window...
    std::chrono::seconds throttle_for{60};    // ...throttle it for this long
    bool fast_hashing = false;                // tests only: Argon2id at its minimum cost
};

class auth {
public:
    using clock = std::chrono::system_clock;

    // Opens the credential tables in the SQLite file at `path` (creating them when absent) on a
    // connection of its own. Errors: storage_failed.
    static auth_result<std::unique_ptr<auth>> open(const std::string& path,
                                                   const auth_options& options = {});
    virtual ~auth() = default;

    // Whether the organiser's password has been set.
    [[nodiscard]] virtual bool has_organiser() const = 0;
    // Sets (or replaces) the organiser's password. Errors: storage_failed, bad_subject (empty).
    virtual auth_result<bool> set_organiser_password(std::string_view password) = 0;

    // Issues a new code for a judge (`judge`, `head_judge`: subject is the judge id) or a display
    // (`display`: subject is "display:<name>"), replacing any earlier one, and returns it in
    // plain text (eight digits for judges, ten for displays). The subject's stored sessions end
    // (resume refuses their tokens). Errors: bad_subject, storage_failed.
    virtual auth_result<std::string> issue(role r, std::string_view subject) = 0;

    // Checks `secret` for `subject` and opens a session. `address` is the client's IP address,
    // for throttling. Errors: bad_credentials, throttled, storage_failed.
    virtual auth_result<signed_in> sign_in(std::string_view subject, std::string_view secret,
                                           std::string_view address, clock::time_point now) = 0;

    // The session of a token. Errors: token_invalid, token_expired.
    virtual auth_result<signed_in> resume(std::string_view token, clock::time_point now) = 0;

    // Ends the session of a token (nothing happens for an unknown token).
    virtual void sign_out(std::string_view token) = 0;

    // The subjects holding a code for role `r` (e.g. every "display:<name>" issued), in order.
    // Errors: storage_failed.
    virtual auth_result<std::vector<std::string>> subjects(role r) = 0;
};

} // namespace aplc::live
