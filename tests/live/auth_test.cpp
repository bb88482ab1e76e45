// Sign-in, sessions and throttling on real SQLite files in the temporary directory, with
// Argon2id at its minimum cost (fast_hashing).
#include "aplc/live/auth.hpp"
#include "aplc/store/log_store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using namespace std::chrono_literals;
using aplc::live::auth;
using aplc::live::auth_options;
using aplc::live::role;
using aplc::live::signed_in;

// A unique file name under the temporary directory; the file and its WAL companions are
// removed when the test ends.
class temp_db {
public:
    temp_db() {
        static std::atomic<int> counter{0};
        std::random_device random;
        path_ = (std::filesystem::temp_directory_path() /
                 ("aplc-auth-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) +
                  "-" + std::to_string(random()) + ".aplc"))
                    .string();
    }
    temp_db(const temp_db&) = delete;
    temp_db& operator=(const temp_db&) = delete;
    ~temp_db() {
        std::error_code ignored;
        for (const char* suffix : {"", "-wal", "-shm", "-journal"})
            std::filesystem::remove(path_ + suffix, ignored);
    }
    [[nodiscard]] const std::string& path() const { return path_; }

private:
    std::string path_;
};

auth_options test_options() {
    auth_options options;
    options.fast_hashing = true;
    options.session_lifetime = 1h;
    options.max_failures = 5;
    options.failure_window = 300s;
    options.throttle_for = 60s;
    return options;
}

std::unique_ptr<auth> open_auth(const std::string& path,
                                const auth_options& options = test_options()) {
    auto opened = auth::open(path, options);
    if (!opened) FAIL("cannot open " << path << ": " << opened.error().message);
    return std::move(opened.value());
}

// 2026-11-24T09:15:02Z
const auth::clock::time_point t0 =
    std::chrono::sys_days{std::chrono::November / 24 / 2026} + 9h + 15min + 2s;

std::string issued(auth& a, role r, std::string_view subject) {
    auto code = a.issue(r, subject);
    if (!code) FAIL("cannot issue a code to " << subject << ": " << code.error().message);
    return *code;
}

signed_in signed_in_ok(auth& a, std::string_view subject, std::string_view secret,
                       auth::clock::time_point now = t0, std::string_view address = "10.0.0.1") {
    auto session = a.sign_in(subject, secret, address, now);
    if (!session) FAIL(subject << " cannot sign in: " << session.error().message);
    return *session;
}

template <class T> std::string code_of(const aplc::live::auth_result<T>& result) {
    return result ? "ok" : result.error().code;
}

// A code of the same length that is certainly not `code`.
std::string wrong(std::string code) {
    code[0] = code[0] == '0' ? '1' : '0';
    return code;
}

bool all_digits(const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_lower_hex(const std::string& s) {
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

} // namespace

TEST_CASE("role names round-trip and unknown names are refused", "[auth]") {
    for (role r :
         {role::public_viewer, role::display, role::judge, role::head_judge, role::organiser})
        CHECK(aplc::live::parse_role(aplc::live::role_name(r)) == r);
    CHECK(aplc::live::role_name(role::public_viewer) == "public");
    CHECK(aplc::live::role_name(role::head_judge) == "head_judge");
    CHECK_FALSE(aplc::live::parse_role("admin").has_value());
    CHECK_FALSE(aplc::live::parse_role("").has_value());
}

TEST_CASE("a judge signs in with the code issued to them", "[auth]") {
    temp_db db;
    auto a = open_auth(db.path());
    std::string code = issued(*a, role::judge, "J01");
    CHECK(code.size() == 8);
    CHECK(all_digits(code));

    signed_in s = signed_in_ok(*a, "J01", code);
    CHECK(s.who.who == role::judge);
    CHECK(s.who.subject == "J01");
    CHECK(s.token.size() == 64);
    CHECK(is_lower_hex(s.token));
    CHECK(s.expires == t0 + 1h);
    CHECK(s.expires_at == "2026-11-24T10:15:02Z");

    SECTION("a head judge and a display get their own roles; a display code has ten digits") {
        std::string head = issued(*a, role::head_judge, "J02");
        CHECK(head.size() == 8);
        CHECK(signed_in_ok(*a, "J02", head).who.who == role::head_judge);
        std::string screen = issued(*a, role::display, "display:hall-a");
        CHECK(screen.size() == 10);
        CHECK(all_digits(screen));
        signed_in d = signed_in_ok(*a, "display:hall-a", screen);
        CHECK(d.who.who == role::display);
        CHECK(d.who.subject == "display:hall-a");
    }
    SECTION("each sign-in opens a session with a token of its own") {
        CHECK(signed_in_ok(*a, "J01", code).token != s.token);
    }
}

TEST_CASE("a wrong code is refused as bad_credentials", "[auth]") {
    temp_db db;
    auto a = open_auth(db.path());
    std::string code = issued(*a, role::judge, "J01");
    auto refused = a->sign_in("J01", wrong(code), "10.0.0.1", t0);
    CHECK(code_of(refused) == "bad_credentials");
    CHECK(code_of(a->sign_in("J01", "", "10.0.0.1", t0)) == "bad_credentials");
    CHECK(code_of(a->sign_in("J02", code, "10.0.0.1", t0)) == "bad_credentials");
}

TEST_CASE("an unknown subject is refused exactly like a wrong code", "[auth]") {
    temp_db db;
    auto a = open_auth(db.path());
    std::string code = issued(*a, role::judge, "J01");
    auto wrong_code = a->sign_in("J01", wrong(code), "10.0.0.1", t0);
    auto unknown = a->sign_in("J99", code, "10.0.0.2", t0);
    REQUIRE_FALSE(wrong_code);
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().code == "bad_credentials");
    CHECK(unknown.error().message == wrong_code.error().message);
    CHECK_FALSE(unknown.error().message.empty());
}

TEST_CASE("issuing a new code makes the old one stop working", "[auth]") {
    temp_db db;
    auto a = open_auth(db.path());
    std::string old_code = issued(*a, role::judge, "J01");
    std::string new_code = issued(*a, role::judge, "J01");
    while (new_code == old_code) new_code = issued(*a, role::judge, "J01"); // one in a million
    CHECK(code_of(a->sign_in("J01", old_code, "10.0.0.1", t0)) == "bad_credentials");
    CHECK(signed_in_ok(*a, "J01", new_code).who.who == role::judge);

    SECTION("reissuing with another role changes the role") {
        std::string head = issued(*a, role::head_judge, "J01");
        CHECK(signed_in_ok(*a, "J01", head).who.who == role::head_judge);
    }
}

TEST_CASE("the subjects holding codes are listed by role, once each, in order", "[auth]") {
    temp_db db;
    auto a = open_auth(db.path());
    issued(*a, role::display, "display:lobby");
    issued(*a, role::display, "display:hall");
    issued(*a, role::display, "display:hall"); // a new code replaces the old one
    issued(*a, role::judge, "J01");
    issued(*a, role::head_judge, "J04");
    REQUIRE(a->set_organiser_password("pw"));
    CHECK(*a->subjects(role::display) == std::vector<std::string>{"display:hall", "display:lobby"});
    CHECK(*a->subjects(role::judge) == std::vector<std::string>{"J01"});
    CHECK(a->subjects(role::public_viewer)->empty());
}

TEST_CASE("the organiser signs in with the password once it is set", "[auth]") {
    temp_db db;
    auto a = open_auth(db.path());
    CHECK_FALSE(a->has_organiser());
    CHECK(code_of(a->sign_in("organiser", "", "10.0.0.1", t0)) == "bad_credentials");

    REQUIRE(a->set_organiser_password("correct horse battery staple"));
    CHECK(a->has_organiser());
    CHECK(code_of(a->sign_in("organiser", "Correct horse battery staple", "10.0.0.1", t0)) ==
          "bad_credentials");
    signed_in s = signed_in_ok(*a, "organiser", "correct horse battery staple");
    CHECK(s.who.who == role::organiser);
    CHECK(s.who.subject == "organiser");

    SECTION("a new password replaces the old one") {
        REQUIRE(a->set_organiser_password("tr0ub4dor&3"));
        CHECK(code_of(a->sign_in("organiser", "correct horse battery staple", "10.0.0.1", t0)) ==
              "bad_credentials");
        CHECK(signed_in_ok(*a, "organiser", "tr0ub4dor&3").who.who == role::organiser);
    }
    SECTION("an empty password is refused and the old one stays") {
        CHECK(code_of(a->set_organiser_password("")) == "bad_subject");
        CHECK(signed_in_ok(*a, "organiser", "correct horse battery staple").who.who ==
              role::organiser);
    }
}

TEST_CASE("five failed sign-ins for one subject throttle it until throttle_for has passed",
          "[auth]") {
    temp_db db;
    auto a = open_auth(db.path());
    std::string code = issued(*a, role::judge, "J01");
    std::string other = issued(*a, role::judge, "J02");
    for (int i = 0; i < 5; ++i) // from five addresses, so that no address is throttled
        REQUIRE(code_of(a->sign_in("J01", wrong(code), "10.0.0." + std::to_string(i),
                                   t0 + std::chrono::seconds{i})) == "bad_credentials");

    // The right code from a fresh address is refused without being checked.
    auto refused = a->sign_in("J01", code, "10.0.1.1", t0 + 10s);
    REQUIRE(code_of(refused) == "throttled");
    CHECK_THAT(refused.error().message, Catch::Contains("54 seconds"));
    CHECK(signed_in_ok(*a, "J02", other, t0 + 10s, "10.0.1.1").who.subject == "J02");
    // The last failure was at t0 + 4s: throttled until t0 + 64s.
    CHECK(code_of(a->sign_in("J01", code, "10.0.1.1", t0 + 63s)) == "throttled");
    CHECK(signed_in_ok(*a, "J01", code, t0 + 64s, "10.0.1.1").who.subject == "J01");
}

TEST_CASE("five failed sign-ins from one address throttle it until throttle_for has passed",
          "[auth]") {
    temp_db db;
    auto a = open_auth(db.path());
    std::string code = issued(*a, role::judge, "J01");
    for (int i = 0; i < 5; ++i) // five subjects, so that no subject is throttled
        REQUIRE(code_of(a->sign_in("X" + std::to_string(i), "123456", "10.0.0.9",
                                   t0 + std::chrono::seconds{i})) == "bad_credentials");

    CHECK(code_of(a->sign_in("J01", code, "10.0.0.9", t0 + 10s)) == "throttled");
    CHECK(signed_in_ok(*a, "J01", code, t0 + 10s, "10.0.0.10").who.subject == "J01");
    CHECK(code_of(a->sign_in("J01", code, "10.0.0.9", t0 + 63s)) == "throttled");
    CHECK(signed_in_ok(*a, "J01", code, t0 + 64s, "10.0.0.9").who.subject == "J01");
}

TEST_CASE("failures older than failure_window do not count towards throttling", "[auth]") {
    temp_db db;
    auto a = open_auth(db.path());
    std::string code = issued(*a, role::judge, "J01");
    for (int i = 0; i < 4; ++i)
        REQUIRE(code_of(a->sign_in("J01", wrong(code), "10.0.0.1", t0 + std::chrono::seconds{i})) ==
                "bad_credentials");
    // Five failures in all, but the first four are more than 300 s older than the fifth.
    REQUIRE(code_of(a->sign_in("J01", wrong(code), "10.0.0.1", t0 + 400s)) == "bad_credentials");
    CHECK(signed_in_ok(*a, "J01", code, t0 + 401s).who.subject == "J01");
}

TEST_CASE("a successful sign-in clears the subject's failures", "[auth]") {
    temp_db db;
    auto a = open_auth(db.path());
    std::string code = issued(*a, role::judge, "J01");
    auto fail_four_times = [&](auth::clock::time_point from) {
        for (int i = 0; i < 4; ++i)
            REQUIRE(code_of(a->sign_in("J01", wrong(code), "10.0.2." + std::to_string(i),
                                       from + std::chrono::seconds{i})) == "bad_credentials");
    };
    fail_four_times(t0);
    signed_in_ok(*a, "J01", code, t0 + 5s, "10.0.3.1");
    fail_four_times(t0 + 10s); // eight failures in the window, but only four since the success
    CHECK(signed_in_ok(*a, "J01", code, t0 + 20s, "10.0.3.2").who.subject == "J01");
}

TEST_CASE("a token resumes its session until it expires", "[auth]") {
    temp_db db;
    auto a = open_auth(db.path());
    std::string code = issued(*a, role::head_judge, "J07");
    signed_in s = signed_in_ok(*a, "J07", code);

    auto resumed = a->resume(s.token, t0 + 59min);
    REQUIRE(resumed);
    CHECK(resumed->who.who == role::head_judge);
    CHECK(resumed->who.subject == "J07");
    CHECK(resumed->token == s.token);
    CHECK(resumed->expires == s.expires);
    CHECK(resumed->expires_at == "2026-11-24T10:15:02Z");

    auto at_expiry = a->resume(s.token, s.expires);
    CHECK(code_of(at_expiry) == "token_expired");
    CHECK(code_of(a->resume(s.token, t0 + 5h)) == "token_expired");
    CHECK(code_of(a->resume(s.token, t0 + 1s)) == "ok"); // expiry did not delete the session
}

TEST_CASE("an unknown or malformed token is token_invalid", "[auth]") {
    temp_db db;
    auto a = open_auth(db.path());
    signed_in s = signed_in_ok(*a, "J01", issued(*a, role::judge, "J01"));
    std::string upper = s.token;
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](char c) { return c >= 'a' && c <= 'f' ? static_cast<char>(c - 32) : c; });

    CHECK(code_of(a->resume(std::string(64, '0'), t0)) == "token_invalid");
    CHECK(code_of(a->resume("", t0)) == "token_invalid");
    CHECK(code_of(a->resume("abc", t0)) == "token_invalid");
    CHECK(code_of(a->resume(s.token + "0", t0)) == "token_invalid");
    CHECK(code_of(a->resume(s.token.substr(1), t0)) == "token_invalid");
    CHECK(code_of(a->resume(upper, t0)) == "token_invalid");
    CHECK(code_of(a->resume(s.token, t0)) == "ok");
}

TEST_CASE("a new code ends the sessions signed in with the old one, and only those", "[auth]") {
    temp_db db;
    auto a = open_auth(db.path());
    signed_in j01 = signed_in_ok(*a, "J01", issued(*a, role::judge, "J01"));
    signed_in j02 = signed_in_ok(*a, "J02", issued(*a, role::judge, "J02"));
    CHECK(code_of(a->resume(j01.token, t0)) == "ok");

    std::string fresh = issued(*a, role::judge, "J01");
    CHECK(code_of(a->resume(j01.token, t0)) == "token_invalid");
    CHECK(code_of(a->resume(j02.token, t0)) == "ok");
    signed_in again = signed_in_ok(*a, "J01", fresh);
    CHECK(code_of(a->resume(again.token, t0)) == "ok");
}

TEST_CASE("a signed-out token no longer resumes; other sessions stay", "[auth]") {
    temp_db db;
    auto a = open_auth(db.path());
    std::string code = issued(*a, role::judge, "J01");
    signed_in first = signed_in_ok(*a, "J01", code);
    signed_in second = signed_in_ok(*a, "J01", code);

    a->sign_out(first.token);
    CHECK(code_of(a->resume(first.token, t0)) == "token_invalid");
    CHECK(code_of(a->resume(second.token, t0)) == "ok");

    a->sign_out(first.token); // twice, unknown and malformed: nothing happens
    a->sign_out(std::string(64, 'f'));
    a->sign_out("not a token");
    CHECK(code_of(a->resume(second.token, t0)) == "ok");
}

TEST_CASE("codes, passwords and sessions survive reopening the file", "[auth]") {
    temp_db db;
    std::string code;
    signed_in s;
    {
        auto a = open_auth(db.path());
        code = issued(*a, role::judge, "J01");
        REQUIRE(a->set_organiser_password("secret password"));
        s = signed_in_ok(*a, "J01", code);
    }
    auto reopened = open_auth(db.path());
    auto resumed = reopened->resume(s.token, t0 + 1min);
    REQUIRE(resumed);
    CHECK(resumed->who.subject == "J01");
    CHECK(resumed->expires == s.expires);
    CHECK(reopened->has_organiser());
    CHECK(signed_in_ok(*reopened, "J01", code).who.who == role::judge);
    CHECK(signed_in_ok(*reopened, "organiser", "secret password").who.who == role::organiser);
}

TEST_CASE("the tables hold no plain code, password or token", "[auth]") {
    temp_db db;
    auto a = open_auth(db.path());
    std::string judge_code = issued(*a, role::judge, "J01");
    std::string display_code = issued(*a, role::display, "display:hall-a");
    REQUIRE(a->set_organiser_password("plain-organiser-password"));
    signed_in s = signed_in_ok(*a, "J01", judge_code);

    SQLite::Database raw{db.path(), SQLite::OPEN_READONLY};
    std::string everything;
    int argon2_hashes = 0;
    SQLite::Statement credentials{raw, "SELECT subject, role, hash, issued_at "
                                       "FROM auth_credentials"};
    while (credentials.executeStep()) {
        std::string hash = credentials.getColumn(2).getString();
        argon2_hashes += hash.starts_with("$argon2id$") ? 1 : 0;
        for (int i = 0; i < 4; ++i) everything += credentials.getColumn(i).getString() + "|";
    }
    int sessions = 0;
    SQLite::Statement rows{raw, "SELECT token_hash, subject, role, expires_at FROM auth_sessions"};
    while (rows.executeStep()) {
        ++sessions;
        std::string hash = rows.getColumn(0).getString();
        CHECK(hash.size() == 64);
        CHECK(is_lower_hex(hash));
        for (int i = 0; i < 4; ++i) everything += rows.getColumn(i).getString() + "|";
    }
    CHECK(argon2_hashes == 3);
    CHECK(sessions == 1);
    CHECK_THAT(everything, Catch::Contains("J01") && Catch::Contains("display:hall-a"));
    CHECK(everything.find(judge_code) == std::string::npos);
    CHECK(everything.find(display_code) == std::string::npos);
    CHECK(everything.find("plain-organiser-password") == std::string::npos);
    CHECK(everything.find(s.token) == std::string::npos);
}

TEST_CASE("codes are issued only to judges and displays with well-formed names", "[auth]") {
    temp_db db;
    auto a = open_auth(db.path());
    CHECK(code_of(a->issue(role::judge, "")) == "bad_subject");
    CHECK(code_of(a->issue(role::judge, "J 01")) == "bad_subject");
    CHECK(code_of(a->issue(role::judge, "J01\n")) == "bad_subject");
    CHECK(code_of(a->issue(role::judge, "organiser")) == "bad_subject");
    CHECK(code_of(a->issue(role::head_judge, "display:hall-a")) == "bad_subject");
    CHECK(code_of(a->issue(role::display, "hall-a")) == "bad_subject");
    CHECK(code_of(a->issue(role::display, "display:")) == "bad_subject");
    CHECK(code_of(a->issue(role::display, "display:hall a")) == "bad_subject");
    CHECK(code_of(a->issue(role::organiser, "organiser")) == "bad_subject");
    CHECK(code_of(a->issue(role::public_viewer, "anyone")) == "bad_subject");
    CHECK_FALSE(a->has_organiser());

    auto refused = a->issue(role::judge, "J 01");
    REQUIRE_FALSE(refused);
    CHECK_FALSE(refused.error().message.empty());
    CHECK(code_of(a->issue(role::judge, "J01")) == "ok");
    CHECK(code_of(a->issue(role::display, "display:hall-a")) == "ok");
}

TEST_CASE("a file that cannot hold the tables is storage_failed", "[auth]") {
    temp_db db;
    SECTION("no such directory") {
        auto opened = auth::open(db.path() + "/no/such/dir/event.aplc", test_options());
        REQUIRE_FALSE(opened);
        CHECK(opened.error().code == "storage_failed");
    }
    SECTION("not a SQLite file") {
        std::ofstream{db.path()} << std::string(4096, 'x');
        auto opened = auth::open(db.path(), test_options());
        REQUIRE_FALSE(opened);
        CHECK(opened.error().code == "storage_failed");
        CHECK_THAT(opened.error().message, Catch::Contains(db.path()));
    }
}

TEST_CASE("the tables share the event log's file and leave it in WAL mode", "[auth]") {
    temp_db db;
    {
        auto log = aplc::store::log_store::open(db.path(), aplc::store::open_mode::read_write);
        REQUIRE(log);
        auto a = open_auth(db.path());
        signed_in s = signed_in_ok(*a, "J01", issued(*a, role::judge, "J01"));
        CHECK(code_of(a->resume(s.token, t0)) == "ok");
    }
    SQLite::Database raw{db.path(), SQLite::OPEN_READONLY};
    CHECK(raw.execAndGet("PRAGMA journal_mode").getString() == "wal");
    auto reopened = aplc::store::log_store::open(db.path(), aplc::store::open_mode::read_write);
    CHECK(reopened);
}

TEST_CASE("sign-ins from several threads each get a session of their own", "[auth]") {
    temp_db db;
    auto a = open_auth(db.path());
    std::vector<std::string> codes;
    for (int i = 0; i < 4; ++i) codes.push_back(issued(*a, role::judge, "J0" + std::to_string(i)));
    std::vector<std::string> tokens(codes.size());
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < codes.size(); ++i)
        threads.emplace_back([&, i] {
            auto s = a->sign_in("J0" + std::to_string(i), codes[i], "10.0.0.1", t0);
            if (s) tokens[i] = s->token;
        });
    for (auto& t : threads) t.join();
    std::set<std::string> distinct(tokens.begin(), tokens.end());
    CHECK(distinct.size() == codes.size());
    CHECK(distinct.count("") == 0);
    for (std::size_t i = 0; i < tokens.size(); ++i)
        CHECK(a->resume(tokens[i], t0)->who.subject == "J0" + std::to_string(i));
}
