// Sign-in and sessions over SQLite (SQLiteCpp) and libsodium. SQLite exceptions are caught here
// and only here, and turned into storage_failed. Nothing secret is compared with ==: codes and
// passwords are checked by crypto_pwhash_str_verify, and a token is found by its BLAKE2b hash.
#include "aplc/live/auth.hpp"

#include "sign_in_throttle.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <mutex>

namespace aplc::live {

std::string_view role_name(role r) {
    switch (r) {
    case role::public_viewer: return "public";
    case role::display: return "display";
    case role::judge: return "judge";
    case role::head_judge: return "head_judge";
    case role::organiser: return "organiser";
    }
    return "public";
}

std::optional<role> parse_role(std::string_view text) {
    for (role r :
         {role::public_viewer, role::display, role::judge, role::head_judge, role::organiser})
        if (role_name(r) == text) return r;
    return std::nullopt;
}

namespace {

using clock = auth::clock;
using std::chrono::seconds;

constexpr int busy_timeout_ms = 3000; // the event log commits on another connection
constexpr std::size_t token_bytes = 32;
constexpr std::size_t judge_code_digits = 8;
constexpr std::size_t display_code_digits = 10;
constexpr std::size_t max_subject_length = 64;
constexpr std::string_view organiser_subject = "organiser";
constexpr std::string_view display_prefix = "display:";
// An expired session is kept a day, so that a late resume hears token_expired, not token_invalid.
constexpr seconds expired_kept = std::chrono::hours{24};

// Tables of their own next to the log's; the journal mode stays whatever the log set (WAL).
constexpr const char* create_tables =
    "CREATE TABLE IF NOT EXISTS auth_credentials ("
    "  subject TEXT PRIMARY KEY, role TEXT NOT NULL, hash TEXT NOT NULL,"
    "  issued_at TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS auth_sessions ("
    "  token_hash TEXT PRIMARY KEY, subject TEXT NOT NULL, role TEXT NOT NULL,"
    "  expires_at INTEGER NOT NULL);";

struct hash_cost {
    unsigned long long ops;
    std::size_t mem;
};

hash_cost cost_of(const auth_options& options) {
    if (options.fast_hashing) return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
    return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

bool sodium_ready() {
    static std::once_flag once;
    static int status = -1;
    std::call_once(once, [] { status = sodium_init(); });
    return status >= 0; // 1 means another library initialised it first
}

// An Argon2id string ("$argon2id$v=19$..."); nullopt when libsodium cannot get the memory.
std::optional<std::string> hash_secret(std::string_view secret, hash_cost cost) {
    std::array<char, crypto_pwhash_STRBYTES> out{};
    if (crypto_pwhash_str(out.data(), secret.data(), secret.size(), cost.ops, cost.mem) != 0)
        return std::nullopt;
    return std::string{out.data()};
}

bool verify_secret(const std::string& stored, std::string_view secret) {
    std::array<char, crypto_pwhash_STRBYTES> str{}; // the size libsodium's signature promises
    if (stored.size() >= str.size()) return false;
    std::copy(stored.begin(), stored.end(), str.begin());
    return crypto_pwhash_str_verify(str.data(), secret.data(), secret.size()) == 0;
}

std::string random_digits(std::size_t count) {
    std::string digits(count, '0');
    for (char& c : digits) c = static_cast<char>('0' + randombytes_uniform(10));
    return digits;
}

std::string to_hex(const unsigned char* bytes, std::size_t size) {
    std::string hex(2 * size + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), bytes, size);
    hex.pop_back();
    return hex;
}

std::string new_token() {
    std::array<unsigned char, token_bytes> raw{};
    randombytes_buf(raw.data(), raw.size());
    std::string token = to_hex(raw.data(), raw.size());
    sodium_memzero(raw.data(), raw.size());
    return token;
}

bool is_token(std::string_view text) {
    return text.size() == 2 * token_bytes && std::all_of(text.begin(), text.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

// Tokens are 256 random bits already: one BLAKE2b pass hides them without slowing resume.
std::string token_hash(std::string_view token) {
    std::array<unsigned char, crypto_generichash_BYTES> h{};
    crypto_generichash(h.data(), h.size(), reinterpret_cast<const unsigned char*>(token.data()),
                       token.size(), nullptr, 0);
    return to_hex(h.data(), h.size());
}

std::int64_t unix_seconds(clock::time_point t) {
    return std::chrono::floor<seconds>(t).time_since_epoch().count();
}

// "2026-11-24T09:15:02Z"
std::string iso_utc(std::chrono::sys_seconds t) {
    auto day = std::chrono::floor<std::chrono::days>(t);
    std::chrono::year_month_day date{day};
    std::chrono::hh_mm_ss time{t - day};
    std::array<char, 64> text{};
    std::snprintf(text.data(), text.size(), "%04d-%02u-%02uT%02d:%02d:%02dZ",
                  static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                  static_cast<unsigned>(date.day()), static_cast<int>(time.hours().count()),
                  static_cast<int>(time.minutes().count()),
                  static_cast<int>(time.seconds().count()));
    return text.data();
}

auth_error bad_subject(std::string message) { return {"bad_subject", std::move(message)}; }

bool is_plain_name(std::string_view name) {
    return !name.empty() && name.size() <= max_subject_length &&
           std::none_of(name.begin(), name.end(), [](char c) {
               auto u = static_cast<unsigned char>(c);
               return u <= ' ' || u == 0x7f;
           });
}

// Whether `subject` may hold a code for role `r` (DESIGN.md, "Roles and security").
std::optional<auth_error> check_subject(role r, std::string_view subject) {
    switch (r) {
    case role::judge:
    case role::head_judge:
        if (!is_plain_name(subject))
            return bad_subject("a judge id must be 1 to 64 characters without spaces");
        if (subject == organiser_subject || subject.starts_with(display_prefix))
            return bad_subject("'" + std::string{subject} +
                               "' is reserved for the organiser or a display, not a judge");
        return std::nullopt;
    case role::display:
        if (!subject.starts_with(display_prefix) ||
            !is_plain_name(subject.substr(display_prefix.size())))
            return bad_subject("a display is named 'display:<name>', the name without spaces");
        return std::nullopt;
    case role::organiser:
        return bad_subject("the organiser signs in with a password, not an issued code");
    case role::public_viewer: return bad_subject("the public needs no code");
    }
    return bad_subject("unknown role");
}

const auth_error wrong_secret{"bad_credentials", "unknown name or wrong code"};

struct stored_credential {
    role who = role::public_viewer;
    std::string hash; // empty: no such subject
};

class sqlite_auth final : public auth {
public:
    sqlite_auth(std::string path, std::unique_ptr<SQLite::Database> db, const auth_options& options,
                std::string dummy_hash)
        : path_{std::move(path)}, options_{options}, cost_{cost_of(options)},
          dummy_hash_{std::move(dummy_hash)}, db_{std::move(db)}, throttle_{options.max_failures,
                                                                            options.failure_window,
                                                                            options.throttle_for} {}

    [[nodiscard]] bool has_organiser() const override {
        std::lock_guard lock{mutex_};
        try {
            return read_credential(organiser_subject).who == role::organiser;
        } catch (const SQLite::Exception&) {
            return false;
        }
    }

    auth_result<bool> set_organiser_password(std::string_view password) override {
        if (password.empty()) return bad_subject("the organiser's password must not be empty");
        auto stored = store_credential(role::organiser, organiser_subject, password);
        if (!stored) return stored.error();
        return true;
    }

    auth_result<std::string> issue(role r, std::string_view subject) override {
        if (auto refused = check_subject(r, subject)) return *refused;
        std::string code =
            random_digits(r == role::display ? display_code_digits : judge_code_digits);
        auto stored = store_credential(r, subject, code);
        if (!stored) return stored.error();
        return code;
    }

    auth_result<signed_in> sign_in(std::string_view subject, std::string_view secret,
                                   std::string_view address, clock::time_point now) override {
        auto credential = begin_attempt(subject, address, now);
        if (!credential) return credential.error();
        // Outside the lock: Argon2id is slow on purpose. An unknown subject costs as much.
        bool match =
            verify_secret(credential->hash.empty() ? dummy_hash_ : credential->hash, secret);
        return finish_attempt(subject, address, now, *credential, match);
    }

    auth_result<signed_in> resume(std::string_view token, clock::time_point now) override {
        if (!is_token(token)) return invalid_token();
        std::lock_guard lock{mutex_};
        try {
            SQLite::Statement q{*db_, "SELECT subject, role, expires_at FROM auth_sessions "
                                      "WHERE token_hash = ?"};
            q.bind(1, token_hash(token));
            if (!q.executeStep()) return invalid_token();
            auto who = parse_role(q.getColumn(1).getString());
            if (!who) return invalid_token();
            std::chrono::sys_seconds expires{seconds{q.getColumn(2).getInt64()}};
            if (now >= expires)
                return auth_error{"token_expired",
                                  "the session expired at " + iso_utc(expires) + "; sign in again"};
            return signed_in{
                {*who, q.getColumn(0).getString()}, std::string{token}, iso_utc(expires), expires};
        } catch (const SQLite::Exception& e) {
            return storage_failed(e);
        }
    }

    void sign_out(std::string_view token) override {
        if (!is_token(token)) return;
        std::lock_guard lock{mutex_};
        try {
            SQLite::Statement q{*db_, "DELETE FROM auth_sessions WHERE token_hash = ?"};
            q.bind(1, token_hash(token));
            q.exec();
        } catch (const SQLite::Exception&) { // NOLINT(bugprone-empty-catch): nothing to report to
        }
    }

    auth_result<std::vector<std::string>> subjects(role r) override {
        std::lock_guard lock{mutex_};
        try {
            SQLite::Statement q{*db_, "SELECT subject FROM auth_credentials WHERE role = ? "
                                      "ORDER BY subject"};
            q.bind(1, std::string{role_name(r)});
            std::vector<std::string> out;
            while (q.executeStep()) out.push_back(q.getColumn(0).getString());
            return out;
        } catch (const SQLite::Exception& e) {
            return storage_failed(e);
        }
    }

private:
    static auth_error invalid_token() {
        return {"token_invalid", "this session is not known (signed out, or never issued); "
                                 "sign in again"};
    }

    [[nodiscard]] auth_error storage_failed(const SQLite::Exception& e) const {
        return {"storage_failed", "the sign-in tables in '" + path_ +
                                      "' cannot be read or written (" + e.what() +
                                      "); check the disk, then retry"};
    }

    // Hashes outside the lock, then stores the hash in place of any earlier one and ends the
    // sessions signed in with that one, in one transaction.
    auth_result<bool> store_credential(role r, std::string_view subject, std::string_view secret) {
        auto hash = hash_secret(secret, cost_);
        if (!hash)
            return auth_error{"storage_failed",
                              "not enough memory to hash the secret; retry, or free memory"};
        std::lock_guard lock{mutex_};
        try {
            SQLite::Statement q{*db_, "INSERT OR REPLACE INTO auth_credentials "
                                      "(subject, role, hash, issued_at) VALUES (?, ?, ?, ?)"};
            q.bind(1, std::string{subject});
            q.bind(2, std::string{role_name(r)});
            q.bind(3, *hash);
            q.bind(4, iso_utc(std::chrono::floor<seconds>(clock::now())));
            // The old secret's sessions end with it (a lost tablet, a leaked code).
            SQLite::Statement end{*db_, "DELETE FROM auth_sessions WHERE subject = ?"};
            end.bind(1, std::string{subject});
            SQLite::Transaction both{*db_};
            q.exec();
            end.exec();
            both.commit();
            return true;
        } catch (const SQLite::Exception& e) {
            return storage_failed(e);
        }
    }

    // Requires mutex_. Throws SQLite::Exception.
    [[nodiscard]] stored_credential read_credential(std::string_view subject) const {
        SQLite::Statement q{*db_, "SELECT role, hash FROM auth_credentials WHERE subject = ?"};
        q.bind(1, std::string{subject});
        if (!q.executeStep()) return {};
        auto who = parse_role(q.getColumn(0).getString());
        if (!who) return {};
        return {*who, q.getColumn(1).getString()};
    }

    // Refuses a throttled subject or address without looking at the secret; otherwise counts the
    // attempt as a failure until it succeeds, so that parallel attempts are throttled too.
    auth_result<stored_credential> begin_attempt(std::string_view subject, std::string_view address,
                                                 clock::time_point now) {
        std::lock_guard lock{mutex_};
        std::string subject_key{subject};
        std::string address_key{address};
        auto wait = std::max(throttle_.subjects.throttled(subject_key, now),
                             throttle_.addresses.throttled(address_key, now));
        if (wait > seconds{0})
            return auth_error{"throttled", "too many failed sign-ins for this name or from this "
                                           "device; try again in " +
                                               std::to_string(wait.count()) + " seconds"};
        throttle_.subjects.add(subject_key, now);
        throttle_.addresses.add(address_key, now);
        try {
            return read_credential(subject);
        } catch (const SQLite::Exception& e) {
            throttle_.withdraw(subject_key, address_key, now);
            return storage_failed(e);
        }
    }

    auth_result<signed_in> finish_attempt(std::string_view subject, std::string_view address,
                                          clock::time_point now,
                                          const stored_credential& credential, bool match) {
        if (!match || credential.hash.empty()) return wrong_secret;
        std::lock_guard lock{mutex_};
        try {
            // The code may have been reissued while Argon2id ran: the old one no longer counts.
            if (!credential_unchanged(subject, credential)) return wrong_secret;
            signed_in session = open_session({credential.who, std::string{subject}}, now);
            throttle_.succeeded(std::string{subject}, std::string{address}, now);
            return session;
        } catch (const SQLite::Exception& e) {
            throttle_.withdraw(std::string{subject}, std::string{address}, now);
            return storage_failed(e);
        }
    }

    // Requires mutex_. Throws SQLite::Exception. The query's statement is finished before the
    // caller writes: a statement left open keeps a read transaction, and upgrading that to a
    // write after the log's connection committed fails at once with "database is locked" (WAL
    // gives SQLITE_BUSY_SNAPSHOT, which no busy timeout waits out).
    [[nodiscard]] bool credential_unchanged(std::string_view subject,
                                            const stored_credential& credential) const {
        SQLite::Statement same{*db_, "SELECT 1 FROM auth_credentials "
                                     "WHERE subject = ? AND role = ? AND hash = ?"};
        same.bind(1, std::string{subject});
        same.bind(2, std::string{role_name(credential.who)});
        same.bind(3, credential.hash);
        return same.executeStep();
    }

    // Requires mutex_. Throws SQLite::Exception.
    signed_in open_session(principal who, clock::time_point now) {
        std::chrono::sys_seconds expires =
            std::chrono::floor<seconds>(now + options_.session_lifetime);
        std::string token = new_token();
        SQLite::Statement put{*db_, "INSERT INTO auth_sessions (token_hash, subject, role, "
                                    "expires_at) VALUES (?, ?, ?, ?)"};
        put.bind(1, token_hash(token));
        put.bind(2, who.subject);
        put.bind(3, std::string{role_name(who.who)});
        put.bind(4, expires.time_since_epoch().count());
        put.exec();
        SQLite::Statement prune{*db_, "DELETE FROM auth_sessions WHERE expires_at < ?"};
        prune.bind(1, unix_seconds(now - expired_kept));
        prune.exec();
        return {std::move(who), std::move(token), iso_utc(expires), expires};
    }

    std::string path_;
    auth_options options_;
    hash_cost cost_;
    std::string dummy_hash_; // verified against for an unknown subject: same cost, no answer
    mutable std::mutex mutex_;
    std::unique_ptr<SQLite::Database> db_; // guarded by mutex_
    sign_in_throttle throttle_;            // guarded by mutex_
};

} // namespace

auth_result<std::unique_ptr<auth>> auth::open(const std::string& path,
                                              const auth_options& options) {
    if (!sodium_ready())
        return auth_error{"storage_failed", "libsodium cannot start (no source of randomness?)"};
    std::array<unsigned char, 16> noise{};
    randombytes_buf(noise.data(), noise.size());
    auto dummy = hash_secret(to_hex(noise.data(), noise.size()), cost_of(options));
    if (!dummy) return auth_error{"storage_failed", "not enough memory to hash secrets"};
    try {
        auto db =
            std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        db->setBusyTimeout(busy_timeout_ms);
        SQLite::Transaction tx{*db, SQLite::TransactionBehavior::IMMEDIATE};
        db->exec(create_tables);
        tx.commit();
        return std::unique_ptr<auth>{
            std::make_unique<sqlite_auth>(path, std::move(db), options, std::move(*dummy))};
    } catch (const SQLite::Exception& e) {
        return auth_error{"storage_failed", "cannot open the sign-in tables in '" + path + "' (" +
                                                e.what() +
                                                "): check that the directory exists and is "
                                                "writable and the file is an APLC event"};
    }
}

} // namespace aplc::live
