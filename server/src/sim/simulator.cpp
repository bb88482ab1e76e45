#include "aplc/sim/simulator.hpp"

#include "link.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <cmath>
#include <ostream>
#include <random>
#include <set>
#include <stdexcept>

namespace aplc::sim {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using nlohmann::json;
using steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds reply_timeout{15000};
constexpr milliseconds sign_in_timeout{60000}; // Argon2id is slow on purpose
constexpr int max_attempts = 60;

// Chances per sheet (or per display, per few seconds) with --faults.
constexpr double drop_after_send = 0.04; // the connection drops between sending and the ack
constexpr double go_offline = 0.03;      // the tablet loses the network for a while
constexpr double resend_acked = 0.04;    // the tablet sends an acknowledged sheet again

double ms_between(steady::time_point a, steady::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

task<void> sleep_until(steady::time_point t) {
    asio::steady_timer timer{co_await asio::this_coro::executor, t};
    beast::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

task<void> sleep_for(steady::duration d) { co_await sleep_until(steady::now() + d); }

// A signed-in client: its credentials, its token and its current connection.
struct actor {
    std::string subject;
    std::string secret;
    std::string token;
    std::shared_ptr<link> connection;
};

struct display_state {
    actor who;
    std::int64_t version = 0;
    std::vector<std::pair<std::int64_t, steady::time_point>> seen; // versions, as they came
};

// Everything one run shares. One io_context thread runs every coroutine, so nothing is locked.
struct run_state {
    run_state(asio::io_context& context, const simulate_options& options, const progress_fn& p)
        : ioc{context}, o{options}, rng{options.seed ^ 0x5eedULL}, progress{p} {}

    asio::io_context& ioc;
    const simulate_options& o;
    tcp::endpoint endpoint;
    std::string host;
    std::mt19937_64 rng;
    const progress_fn& progress;
    simulate_report report;
    steady::time_point start;
    std::vector<double> ack_ms;
    std::map<std::int64_t, steady::time_point> sent_at; // seq -> when its (first) request left
    std::vector<display_state> displays;
    std::size_t acked_sheets = 0, planned_sheets = 0;
    std::size_t judges_left = 0;
    bool rulings_done = false;
    bool finished = false; // displays stop watching

    bool chance(double p) { return o.faults && std::uniform_real_distribution<>{0, 1}(rng) < p; }
    steady::duration real(double event_seconds) const {
        return std::chrono::duration_cast<steady::duration>(
            std::chrono::duration<double>(event_seconds / o.speed));
    }
    std::shared_ptr<link> new_link() { return std::make_shared<link>(ioc, endpoint, host); }
};

// The messages the simulated clients send, built outside the coroutines (GCC 12 cannot compile
// braced JSON initialisers inside a co_await expression).
json message_of(std::initializer_list<std::pair<const char*, json>> members) {
    json m = json::object();
    for (const auto& [k, v] : members) m[k] = v;
    return m;
}

json sheet_message(const std::string& type, const std::string& id, const json& sheet) {
    return message_of({{"type", type}, {"submission_id", id}, {"sheet", sheet}});
}

json correction_message(const std::string& id, const json& supersedes, const json& sheet) {
    auto m = sheet_message("sheet.correct", id, sheet);
    m["supersedes"] = supersedes;
    m["reason"] = "Re-counted against the competitor's card (rehearsal).";
    return m;
}

std::string error_text(const json& reply) {
    return reply.value("code", "?") + ": " + reply.value("message", "");
}

bool is_ok(const std::optional<json>& reply) { return reply && reply->value("type", "") == "ok"; }

// Opens a connection for `a` and signs in (with its token when it has one); retries with
// back-off until the server answers or give_up_seconds pass. False (with a failure recorded)
// when the credentials are refused or the server stays away.
task<bool> ensure_signed_in(run_state& s, actor& a) {
    if (a.connection && a.connection->is_open()) co_return true;
    const auto give_up = steady::now() + std::chrono::duration_cast<steady::duration>(
                                             std::chrono::duration<double>(s.o.give_up_seconds));
    milliseconds backoff{50};
    while (steady::now() < give_up) {
        auto l = s.new_link();
        if (co_await l->open()) {
            if (!a.token.empty()) {
                const auto resume = message_of({{"type", "auth.resume"}, {"token", a.token}});
                auto r = co_await l->request(resume, reply_timeout);
                if (is_ok(r)) {
                    a.connection = l;
                    ++s.report.reconnects;
                    co_return true;
                }
                if (r) a.token.clear(); // expired or unknown: sign in again below
            }
            if (a.token.empty() && l->is_open()) {
                const auto sign_in = message_of(
                    {{"type", "auth.sign_in"}, {"subject", a.subject}, {"secret", a.secret}});
                auto r = co_await l->request(sign_in, sign_in_timeout);
                if (is_ok(r)) {
                    a.token = r->at("token").get<std::string>();
                    a.connection = l;
                    co_return true;
                }
                const auto code = r ? r->value("code", "") : std::string{};
                if (r && code != "throttled" && code != "storage_failed") { // those: retry
                    s.report.failures.push_back(a.subject +
                                                " could not sign in: " + error_text(*r));
                    l->drop();
                    co_return false;
                }
            }
        }
        l->drop();
        co_await sleep_for(backoff);
        backoff = std::min(backoff * 2, milliseconds{1000});
    }
    s.report.failures.push_back(a.subject + " could not reach the server for " +
                                std::to_string(static_cast<long>(s.o.give_up_seconds)) + " s");
    co_return false;
}

// Sends a change (anything with a submission_id) until it is acknowledged: a lost connection
// or a missing reply means "send it again on a new connection"; the server answers a repeat
// with the original ack. Returns the ack, or nullopt with a failure recorded.
task<std::optional<json>> submit(run_state& s, actor& a, const json& message) {
    const auto id = message.at("submission_id").get<std::string>();
    for (int attempt = 0; attempt < max_attempts; ++attempt) {
        if (!co_await ensure_signed_in(s, a)) co_return std::nullopt;
        if (attempt > 0) ++s.report.resends;
        if (s.chance(drop_after_send)) {
            co_await a.connection->send_only(message);
            a.connection->drop();
            ++s.report.dropped_connections;
            continue;
        }
        const auto sent = steady::now();
        auto reply = co_await a.connection->request(message, reply_timeout);
        if (!reply) {
            a.connection->drop();
            continue;
        }
        if (reply->value("type", "") == "ok") {
            const auto seq = reply->at("seq").get<std::int64_t>();
            const bool repeated = reply->value("repeated", false);
            if (repeated) {
                ++s.report.repeated_acks;
            } else {
                s.ack_ms.push_back(ms_between(sent, steady::now()));
                s.sent_at[seq] = sent;
            }
            s.report.acks.push_back(
                message_of({{"submission_id", id}, {"seq", seq}, {"repeated", repeated}}));
            co_return reply;
        }
        const auto code = reply->value("code", "");
        if (code == "storage_failed" || code == "not_signed_in" || code.starts_with("token_")) {
            if (code != "storage_failed") a.token.clear();
            a.connection->drop();
            co_await sleep_for(milliseconds{200});
            continue;
        }
        s.report.failures.push_back(message.value("type", "") + " " + id +
                                    " was refused: " + error_text(*reply));
        co_return std::nullopt;
    }
    s.report.failures.push_back(id + " was not acknowledged after " + std::to_string(max_attempts) +
                                " attempts");
    co_return std::nullopt;
}

// One sheet as the judge's tablet sends it: the mistaken version first when the plan has one,
// then the correction; with --faults, sometimes the acknowledged sheet once more.
task<void> send_sheet(run_state& s, actor& judge, const planned_sheet& p) {
    json message = sheet_message("sheet.submit", p.submission_id, p.sheet);
    if (p.mistaken) {
        const auto wrong =
            sheet_message("sheet.submit", p.submission_id + "-mistaken", *p.mistaken);
        auto first = co_await submit(s, judge, wrong);
        if (!first) co_return;
        message = correction_message(p.submission_id, first->at("seq"), p.sheet);
    }
    auto ack = co_await submit(s, judge, message);
    if (!ack) co_return;
    ++s.acked_sheets;
    if (s.progress) s.progress(s.acked_sheets, s.planned_sheets);
    if (s.chance(resend_acked)) {
        ++s.report.resends;
        auto again = co_await submit(s, judge, message);
        if (again && (!again->value("repeated", false) || again->at("seq") != ack->at("seq")))
            s.report.failures.push_back(p.submission_id + " sent again was stored again (seq " +
                                        again->at("seq").dump() + ")");
    }
}

task<void> play_judge(run_state& s, actor judge, std::vector<const planned_sheet*> sheets) {
    if (co_await ensure_signed_in(s, judge)) {
        const auto assignments = message_of({{"type", "judge.assignments"}});
        auto list = co_await judge.connection->request(assignments, reply_timeout);
        if (list && !is_ok(list))
            s.report.failures.push_back(judge.subject +
                                        ": judge.assignments: " + error_text(*list));
        for (const auto* p : sheets) {
            co_await sleep_until(s.start + s.real(p->at));
            if (s.chance(go_offline)) {
                ++s.report.offline_periods;
                if (judge.connection) judge.connection->drop();
                std::uniform_real_distribution<> minutes{2, 10};
                co_await sleep_for(
                    std::max(s.real(60 * minutes(s.rng)), steady::duration{milliseconds{300}}));
            }
            co_await send_sheet(s, judge, *p);
        }
    }
    if (judge.connection) judge.connection->drop();
    --s.judges_left;
}

task<void> play_rulings(run_state& s, actor& organiser, const std::vector<planned_ruling>& list) {
    for (const auto& r : list) {
        co_await sleep_until(s.start + s.real(r.at));
        if (co_await submit(s, organiser, r.message)) ++s.report.rulings;
    }
    s.rulings_done = true;
}

// A hall display watching `overall`: it resubscribes with the version it holds after every
// reconnect; with --faults its connection drops every few seconds.
task<void> play_display(run_state& s, std::size_t index) {
    auto& d = s.displays[index];
    while (!s.finished) {
        if (!co_await ensure_signed_in(s, d.who)) co_return;
        auto l = d.who.connection;
        l->on_board = [&s, index](const json& m) {
            auto& me = s.displays[index];
            if (m.value("topic", "") != "overall") return;
            const auto v = m.at("version").get<std::int64_t>();
            ++s.report.display_boards;
            if (v < me.version) ++s.report.stale_boards; // a screen must never go back
            if (v <= me.version) return;
            me.version = v;
            me.seen.emplace_back(v, steady::now());
        };
        const auto subscribe =
            message_of({{"type", "board.subscribe"}, {"topic", "overall"}, {"since", d.version}});
        auto r = co_await l->request(subscribe, reply_timeout);
        if (!is_ok(r)) {
            l->drop();
            continue;
        }
        std::uniform_real_distribution<> seconds{2, 10};
        const auto fault_at =
            s.o.faults ? steady::now() + std::chrono::duration_cast<steady::duration>(
                                             std::chrono::duration<double>(seconds(s.rng)))
                       : steady::time_point::max();
        while (!s.finished && l->is_open() && steady::now() < fault_at)
            co_await sleep_for(milliseconds{50});
        if (!s.finished && l->is_open()) ++s.report.dropped_connections;
        l->drop();
    }
}

// GET `target` with the organiser's token; the body of a 200 answer, else nullopt.
task<std::optional<std::string>> http_get(run_state& s, const std::string& target,
                                          const std::string& token) {
    beast::tcp_stream stream{s.ioc};
    stream.expires_after(std::chrono::seconds{120});
    beast::error_code ec;
    co_await stream.async_connect(s.endpoint, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return std::nullopt;
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, s.host);
    req.set(http::field::authorization, "Bearer " + token);
    co_await http::async_write(stream, req, asio::redirect_error(asio::use_awaitable, ec));
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(std::uint64_t{1} << 30);
    if (!ec)
        co_await http::async_read(stream, buffer, parser,
                                  asio::redirect_error(asio::use_awaitable, ec));
    if (ec || parser.get().result() != http::status::ok) co_return std::nullopt;
    co_return parser.release().body();
}

// A JSON Pointer into standings written for a person: array elements by their id or entrant
// ("/scenarios/3/entries/0/points" -> "scenarios[riot-control].entries[SGP].points").
std::string readable_path(const json& doc, const std::string& pointer) {
    std::string out;
    const json* at = &doc;
    std::size_t pos = 1;
    while (pos <= pointer.size() && !pointer.empty()) {
        auto next = pointer.find('/', pos);
        auto token = pointer.substr(pos, next == std::string::npos ? next : next - pos);
        pos = next == std::string::npos ? pointer.size() + 1 : next + 1;
        if (at && at->is_array() && !token.empty() &&
            token.find_first_not_of("0123456789") == std::string::npos &&
            std::stoul(token) < at->size()) {
            at = &(*at)[std::stoul(token)];
            auto name = at->is_object() ? at->value("id", at->value("entrant", token)) : token;
            out += "[" + name + "]";
            continue;
        }
        out += (out.empty() ? "" : ".") + token;
        at = at && at->is_object() && at->contains(token) ? &(*at)[token] : nullptr;
    }
    return out;
}

// Compares the server's standings with the offline computation of the played sheets.
task<void> compare_standings(run_state& s, const plan& p, const std::string& token) {
    auto body = co_await http_get(s, "/api/export/standings.json", token);
    if (!body) {
        s.report.differences.push_back("could not read /api/export/standings.json");
        co_return;
    }
    auto server = json::parse(*body, nullptr, false);
    auto offline = offline_standings(p.played);
    if (server == offline) co_return;
    for (const auto& op : json::diff(offline, server)) {
        if (s.report.differences.size() == 20) {
            s.report.differences.push_back("... (more differences)");
            break;
        }
        const auto path = op.value("path", "");
        const json ptr_value = offline.contains(json::json_pointer{path})
                                   ? offline.at(json::json_pointer{path})
                                   : json{};
        s.report.differences.push_back(readable_path(offline, path) + ": offline " +
                                       ptr_value.dump() + ", server " +
                                       op.value("value", json{}).dump());
    }
}

// The time from each change's request to the moment the last display showed a board with it,
// for the changes that made a new board (some display received exactly that version; a change
// that leaves the public board as it was makes none).
void display_latencies(run_state& s, std::vector<double>& out) {
    std::set<std::int64_t> boards;
    for (const auto& d : s.displays)
        for (const auto& [version, when] : d.seen) boards.insert(version);
    for (const auto& [seq, sent] : s.sent_at) {
        if (!boards.contains(seq)) continue;
        double last = -1;
        for (const auto& d : s.displays) {
            auto it = std::lower_bound(d.seen.begin(), d.seen.end(), seq,
                                       [](const auto& e, std::int64_t v) { return e.first < v; });
            if (it != d.seen.end()) last = std::max(last, ms_between(sent, it->second));
        }
        if (last >= 0) out.push_back(last);
    }
}

latency_summary summarise(std::vector<double> v) {
    latency_summary l;
    l.count = v.size();
    if (v.empty()) return l;
    std::sort(v.begin(), v.end());
    auto at = [&](double q) {
        auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
        return v[std::min(v.size() - 1, rank == 0 ? 0 : rank - 1)];
    };
    l.p50_ms = at(0.50);
    l.p99_ms = at(0.99);
    l.max_ms = v.back();
    return l;
}

// Issues a fresh code for `subject` as the organiser; throws when it is refused.
task<std::string> issue_code(run_state& s, actor& organiser, const std::string& subject,
                             const std::string& role) {
    for (int attempt = 0; attempt < max_attempts; ++attempt) {
        if (!co_await ensure_signed_in(s, organiser)) break;
        const auto issue =
            message_of({{"type", "auth.issue"}, {"subject", subject}, {"role", role}});
        auto r = co_await organiser.connection->request(issue, reply_timeout);
        if (is_ok(r)) co_return r->at("secret").get<std::string>();
        if (r)
            throw std::runtime_error("the organiser could not issue a code for " + subject + ": " +
                                     error_text(*r));
        organiser.connection->drop();
    }
    throw std::runtime_error("the organiser could not issue a code for " + subject);
}

// Waits until every display holds the board the server shows now (GET /api/boards/overall:
// a change that leaves the public board as it was makes no new version, so the last ack's seq
// is not the version to wait for).
task<void> wait_for_displays(run_state& s, const std::string& token) {
    const auto until = steady::now() + std::chrono::seconds{20};
    std::size_t behind = s.displays.size();
    while (steady::now() < until) {
        auto body = co_await http_get(s, "/api/boards/overall", token);
        auto board = body ? json::parse(*body, nullptr, false) : json{};
        if (board.is_object() && board.contains("version")) {
            const auto version = board.at("version").get<std::int64_t>();
            behind = static_cast<std::size_t>(
                std::count_if(s.displays.begin(), s.displays.end(),
                              [&](const display_state& d) { return d.version < version; }));
            if (behind == 0) break;
        }
        co_await sleep_for(milliseconds{100});
    }
    s.report.displays_behind = behind;
}

void spawn(run_state& s, task<void> t) {
    asio::co_spawn(s.ioc, std::move(t), [&s](const std::exception_ptr& e) {
        if (!e) return;
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& x) {
            s.report.failures.push_back(std::string{"simulator error: "} + x.what());
        }
    });
}

task<void> run_all(run_state& s, const plan& p) {
    actor organiser{"organiser", s.o.organiser_password, {}, {}};
    if (!co_await ensure_signed_in(s, organiser))
        throw std::runtime_error("the organiser could not sign in: " +
                                 (s.report.failures.empty() ? "" : s.report.failures.back()));
    std::map<std::string, std::vector<const planned_sheet*>> by_judge;
    for (const auto& sheet : p.sheets) by_judge[sheet.judge].push_back(&sheet);
    std::map<std::string, std::string> codes;
    // (Each co_await result goes to a local first: GCC 12 miscompiles a co_await inside an
    // aggregate initialiser.)
    for (const auto& [judge, list] : by_judge) {
        auto code = co_await issue_code(s, organiser, judge, "judge");
        codes[judge] = code;
    }
    auto display_code = co_await issue_code(s, organiser, "display:simulator", "display");
    actor screen{"display:simulator", display_code, {}, {}};
    if (!co_await ensure_signed_in(s, screen))
        throw std::runtime_error("the display could not sign in");
    screen.connection->drop();
    screen.connection.reset();

    s.planned_sheets = p.sheets.size();
    s.start = steady::now();
    s.displays.assign(s.o.displays, display_state{screen, 0, {}});
    for (std::size_t i = 0; i < s.displays.size(); ++i) spawn(s, play_display(s, i));
    s.judges_left = by_judge.size();
    for (const auto& [judge, list] : by_judge)
        spawn(s, play_judge(s, actor{judge, codes[judge], {}, {}}, list));
    spawn(s, play_rulings(s, organiser, p.rulings));
    while (s.judges_left > 0 || !s.rulings_done) co_await sleep_for(milliseconds{50});

    co_await wait_for_displays(s, organiser.token);
    s.finished = true;
    co_await compare_standings(s, p, organiser.token);
    if (organiser.connection) organiser.connection->drop();
    co_await sleep_for(milliseconds{120}); // the displays see `finished` and close
}

} // namespace

simulate_report simulate(const plan& p, const simulate_options& o, const progress_fn& progress) {
    asio::io_context ioc{1};
    run_state s{ioc, o, progress};
    tcp::resolver resolver{ioc};
    auto found = resolver.resolve(o.host, std::to_string(o.port));
    if (found.empty()) throw std::runtime_error("cannot resolve " + o.host);
    s.endpoint = found.begin()->endpoint();
    s.host = o.host + ":" + std::to_string(o.port);
    s.report.sheets = p.sheets.size();
    s.report.corrections = p.corrections;

    std::exception_ptr error;
    asio::co_spawn(ioc, run_all(s, p), [&](const std::exception_ptr& e) {
        error = e;
        ioc.stop();
    });
    ioc.run();
    if (error) std::rethrow_exception(error);

    s.report.acked = s.acked_sheets;
    s.report.ack = summarise(s.ack_ms);
    std::vector<double> shown;
    display_latencies(s, shown);
    s.report.last_display = summarise(std::move(shown));
    if (s.report.acked != s.report.sheets)
        s.report.failures.push_back(std::to_string(s.report.sheets - s.report.acked) +
                                    " sheets were not acknowledged");
    if (s.report.stale_boards > 0)
        s.report.failures.push_back(std::to_string(s.report.stale_boards) +
                                    " boards older than the one a display held");
    if (s.report.displays_behind > 0)
        s.report.failures.push_back(std::to_string(s.report.displays_behind) +
                                    " displays did not reach the final board");
    return std::move(s.report);
}

} // namespace aplc::sim
