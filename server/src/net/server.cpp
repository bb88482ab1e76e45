#include "aplc/net/server.hpp"

#include "app_handoff.hpp"
#include "bulk_lane.hpp"

#include "aplc/app/event_database.hpp"
#include "aplc/export/export_writer.hpp"
#include "aplc/export/pdf_export.hpp"
#include "aplc/live/displays.hpp"
#include "aplc/live/hub.hpp"
#include "aplc/live/inbound.hpp"
#include "aplc/store/log_store.hpp"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <nlohmann/json.hpp>

#include <array>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <thread>
#include <unistd.h>
#include <unordered_map>

namespace aplc::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using nlohmann::json;
using clock = std::chrono::steady_clock;

namespace {

// ----- metrics ---------------------------------------------------------------------------------

// A latency histogram, Prometheus style: counts by upper bound (seconds), fine around the
// durable ack's 5 ms target. Observed from any thread.
class latency_histogram {
public:
    static constexpr std::array<double, 19> bounds{
        0.0001, 0.00025, 0.0005, 0.00075, 0.001, 0.00125, 0.0015, 0.002, 0.0025, 0.003,
        0.004,  0.005,   0.0075, 0.01,    0.02,  0.05,    0.1,    0.25,  1.0};

    void observe(std::chrono::nanoseconds d) {
        const double s = std::chrono::duration<double>(d).count();
        count_.fetch_add(1, std::memory_order_relaxed);
        micros_.fetch_add(static_cast<std::uint64_t>(s * 1e6), std::memory_order_relaxed);
        for (std::size_t i = 0; i < bounds.size(); ++i)
            if (s <= bounds[i]) buckets_[i].fetch_add(1, std::memory_order_relaxed);
    }

    // The sample lines of metric `name`; `labels` ("" or `phase="commit",`) go before `le`.
    void write(std::ostream& o, std::string_view name, std::string_view labels = {}) const {
        for (std::size_t i = 0; i < bounds.size(); ++i)
            o << name << "_bucket{" << labels << "le=\"" << bounds[i] << "\"} "
              << buckets_[i].load() << "\n";
        o << name << "_bucket{" << labels << "le=\"+Inf\"} " << count_.load() << "\n";
        const std::string_view bare = labels.empty() ? labels : labels.substr(0, labels.size() - 1);
        const std::string braces = bare.empty() ? "" : "{" + std::string{bare} + "}";
        o << name << "_sum" << braces << " " << static_cast<double>(micros_.load()) / 1e6 << "\n"
          << name << "_count" << braces << " " << count_.load() << "\n";
    }

    [[nodiscard]] std::uint64_t count() const { return count_.load(); }

private:
    std::atomic<std::uint64_t> count_{0};
    std::atomic<std::uint64_t> micros_{0};
    std::array<std::atomic<std::uint64_t>, bounds.size()> buckets_{};
};

struct metrics {
    // network thread
    std::uint64_t messages_in = 0;
    std::uint64_t messages_out = 0;
    std::uint64_t closed_slow = 0;
    std::map<std::string, std::uint64_t> errors;
    std::map<live::role, std::int64_t> connections;
    std::int64_t http_requests = 0;
    // app thread, read by the network thread
    // A stored entry's ack: from its frame read until the ack is handed to the socket, whole
    // and in its three phases (DESIGN.md, durable ack).
    latency_histogram ack;
    latency_histogram ack_queued; // frame read -> parsed, checked -> the app thread takes it
    latency_histogram ack_commit; // the app thread's check and commit
    latency_histogram ack_reply;  // ack posted -> handed to the socket
    std::atomic<std::uint64_t> board_changes{0};
    std::atomic<std::int64_t> seq{0};

    std::string text(std::size_t subscriptions) const {
        std::ostringstream o;
        o << "# HELP aplc_connections Open WebSocket connections by role.\n"
             "# TYPE aplc_connections gauge\n";
        for (auto r : {live::role::public_viewer, live::role::display, live::role::judge,
                       live::role::head_judge, live::role::organiser}) {
            auto it = connections.find(r);
            o << "aplc_connections{role=\"" << live::role_name(r) << "\"} "
              << (it == connections.end() ? 0 : it->second) << "\n";
        }
        o << "# HELP aplc_subscriptions Board subscriptions.\n# TYPE aplc_subscriptions gauge\n"
          << "aplc_subscriptions " << subscriptions << "\n"
          << "# HELP aplc_messages_in_total WebSocket messages received.\n"
             "# TYPE aplc_messages_in_total counter\n"
          << "aplc_messages_in_total " << messages_in << "\n"
          << "# HELP aplc_messages_out_total WebSocket messages sent.\n"
             "# TYPE aplc_messages_out_total counter\n"
          << "aplc_messages_out_total " << messages_out << "\n"
          << "# HELP aplc_errors_total Refused requests by error code.\n"
             "# TYPE aplc_errors_total counter\n";
        for (const auto& [code, n] : errors)
            o << "aplc_errors_total{code=\"" << code << "\"} " << n << "\n";
        o << "# HELP aplc_slow_closed_total Connections closed with 1013 for falling behind.\n"
             "# TYPE aplc_slow_closed_total counter\n"
          << "aplc_slow_closed_total " << closed_slow << "\n"
          << "# HELP aplc_http_requests_total HTTP requests served.\n"
             "# TYPE aplc_http_requests_total counter\n"
          << "aplc_http_requests_total " << http_requests << "\n"
          << "# HELP aplc_board_changes_total Board snapshots published.\n"
             "# TYPE aplc_board_changes_total counter\n"
          << "aplc_board_changes_total " << board_changes.load() << "\n"
          << "# HELP aplc_log_seq Sequence number of the newest log entry.\n"
             "# TYPE aplc_log_seq gauge\n"
          << "aplc_log_seq " << seq.load() << "\n"
          << "# HELP aplc_commit_seconds Time to check and durably commit an entry.\n"
             "# TYPE aplc_commit_seconds histogram\n";
        ack_commit.write(o, "aplc_commit_seconds"); // the same samples as phase="commit"
        o << "# HELP aplc_ack_seconds A stored entry's ack: from reading its frame until the "
             "ack is handed to the socket.\n# TYPE aplc_ack_seconds histogram\n";
        ack.write(o, "aplc_ack_seconds");
        o << "# HELP aplc_ack_phase_seconds The ack's phases: queued (parse, schema check and "
             "waiting until the app thread takes the message), commit (check and durable "
             "commit), reply (until the ack is handed to the socket).\n"
             "# TYPE aplc_ack_phase_seconds histogram\n";
        ack_queued.write(o, "aplc_ack_phase_seconds", "phase=\"queued\",");
        ack_commit.write(o, "aplc_ack_phase_seconds", "phase=\"commit\",");
        ack_reply.write(o, "aplc_ack_phase_seconds", "phase=\"reply\",");
        return o.str();
    }
};

// ----- the shared state of the server ----------------------------------------------------------

class session_base;

// The bulk lane's batches: short enough that a judge's frame or an ack waits for little, long
// enough that rescheduling (a handler, a clock read) stays a small share of the fan-out's time.
constexpr std::chrono::microseconds bulk_batch{150};
// Subscribers a hub slice reaches: about one batch of the lane (a board write costs ~10 us).
constexpr std::size_t hub_slice = 16;

struct server_state {
    asio::io_context& net;
    bulk_lane& bulk; // the network thread's low-priority work
    asio::io_context& app_ctx;
    asio::thread_pool& auth_pool;
    asio::thread_pool& export_pool;
    live::service& app;
    live::auth& codes;
    const server_options& options;
    live::hub hub;
    metrics stats;
    app_handoff handoff;
    std::unordered_map<const session_base*, std::weak_ptr<session_base>> sessions;
    bool stopping = false;
    std::string origin; // "http://127.0.0.1:8080"
    // The displays' settings as the app thread made them last, and display name -> connections.
    live::display_settings_ptr displays;
    std::map<std::string, int, std::less<>> displays_connected;

    server_state(asio::io_context& n, bulk_lane& b, asio::io_context& a, asio::thread_pool& p,
                 asio::thread_pool& x, live::service& s, live::auth& c, const server_options& o)
        : net{n}, bulk{b}, app_ctx{a}, auth_pool{p}, export_pool{x}, app{s}, codes{c}, options{o},
          hub{[&b](std::function<void()> f) { b.add(std::move(f)); }, hub_slice} {}

    // Codes issued so far, and the count when each subject's was issued (network thread).
    std::uint64_t reissues = 0;
    std::map<std::string, std::uint64_t, std::less<>> reissued_at;

    // A new code for `subject` is stored: the sessions signed in with the old one end.
    void reissued(const std::string& subject);
    [[nodiscard]] bool reissued_since(std::string_view subject, std::uint64_t count) const {
        auto it = reissued_at.find(subject);
        return it != reissued_at.end() && it->second > count;
    }

    // Publishes snapshots made on the app thread (called on the network thread).
    void publish(const std::vector<live::snapshot_ptr>& boards) {
        for (const auto& b : boards) hub.publish(b);
    }
};

// A connection as the sweep and the shutdown see it.
class session_base {
public:
    virtual ~session_base() = default;
    virtual void sweep(clock::time_point now) = 0;
    virtual void shutdown() = 0;
    // server_state::displays has changed: a display sends the setting it follows if that did.
    virtual void displays_changed() = 0;
    // A new code was issued for `subject`: a session signed in as it ends.
    virtual void code_reissued(std::string_view subject) = 0;
};

// The connections still open (the map holds weak references: a closing one may be gone).
std::vector<std::shared_ptr<session_base>> open_sessions(server_state& s) {
    std::vector<std::shared_ptr<session_base>> open;
    open.reserve(s.sessions.size());
    for (auto& [p, w] : s.sessions)
        if (auto sp = w.lock()) open.push_back(std::move(sp));
    return open;
}

void server_state::reissued(const std::string& subject) {
    reissued_at[subject] = ++reissues;
    for (auto& sp : open_sessions(*this)) sp->code_reissued(subject);
}

// On the network thread: the displays' settings after a display.control commit.
void install_displays(server_state& s, live::display_settings_ptr settings) {
    s.displays = std::move(settings);
    for (auto& sp : open_sessions(s)) sp->displays_changed();
}

std::string_view mime_type(const std::filesystem::path& p) {
    static const std::map<std::string, std::string_view, std::less<>> types{
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".webmanifest", "application/manifest+json"},
        {".txt", "text/plain; charset=utf-8"}};
    auto it = types.find(p.extension().string());
    return it == types.end() ? "application/octet-stream" : it->second;
}

bool allowed_origin(const server_state& s, std::string_view origin, std::string_view host) {
    if (origin.empty()) return true; // not a browser: nothing to forge
    const std::string own_http = "http://" + std::string{host};
    const std::string own_https = "https://" + std::string{host};
    if (origin == own_http || origin == own_https) return true;
    return std::find(s.options.allowed_origins.begin(), s.options.allowed_origins.end(), origin) !=
           s.options.allowed_origins.end();
}

// ----- official exports ------------------------------------------------------------------------

// The directory of this process's exports under TMPDIR (mode 0700: a backup holds the sign-in
// tables' hashes), made at the first export and removed with what is left in it when the
// process exits normally (a SIGKILL leaves it, empty unless an export was being made).
struct export_dir {
    std::optional<std::filesystem::path> path;
    export_dir() {
        std::error_code ec;
        auto base = std::filesystem::temp_directory_path(ec);
        if (ec) return;
        std::string pattern = (base / "aplc-export-XXXXXX").string();
        if (::mkdtemp(pattern.data()) != nullptr) path = pattern;
    }
    ~export_dir() {
        std::error_code ignored;
        if (path) std::filesystem::remove_all(*path, ignored);
    }
    export_dir(const export_dir&) = delete;
    export_dir& operator=(const export_dir&) = delete;
};

// A temporary file for one export, in the process's export directory, or nullopt when that
// directory cannot be made.
std::optional<std::filesystem::path> temp_export_path(std::string_view extension) {
    static const export_dir dir;
    static std::atomic<int> counter{0};
    if (!dir.path) return std::nullopt;
    return *dir.path / (std::to_string(counter++) + std::string{extension});
}

const exports::export_error no_temp_dir{
    "io_error", "no private temporary directory can be made for the export: check the disk and "
                "TMPDIR"};

// The bytes of a finished export; the file is removed. nullopt when it cannot be read.
std::optional<std::string> take_file(const std::filesystem::path& path) {
    std::optional<std::string> body;
    {
        std::ifstream in{path, std::ios::binary};
        std::ostringstream bytes;
        if (in && (bytes << in.rdbuf())) body = bytes.str();
    }
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    return body;
}

exports::export_error store_export_error(const store::store_error& e) {
    return {std::string{store::code_name(e.code)}, e.message};
}

// log-check.json: what `aplc verify` checks (the hash chain, the checkpoint), as JSON.
exports::outcome<std::string> log_check_json(const store::log_store& log) {
    auto check = app::check_log(log);
    if (!check) return store_export_error(check.error());
    const auto& chain = check->chain;
    json out{{"ok", check->ok()},
             {"checked_at", app::now_utc()},
             {"entries", chain.entries},
             {"last_hash", store::to_hex(chain.last_hash)},
             {"first_bad", chain.first_bad ? json(*chain.first_bad) : json(nullptr)},
             {"problem", chain.problem},
             {"checkpoint", check->checkpoint_seq ? json{{"seq", *check->checkpoint_seq},
                                                         {"matches", check->checkpoint_matches}}
                                                  : json(nullptr)}};
    return out.dump();
}

// backup.sqlite: a consistent copy of the whole database (SQLite's online backup), taken while
// the app thread goes on writing.
exports::outcome<std::string> backup_copy(const store::log_store& log) {
    const auto path = temp_export_path(".sqlite");
    if (!path) return no_temp_dir;
    if (auto copied = log.backup_to(path->string()); !copied) {
        std::error_code ignored;
        std::filesystem::remove(*path, ignored);
        return store_export_error(copied.error());
    }
    auto body = take_file(*path);
    if (!body) return exports::export_error{"io_error", "the backup copy could not be read back"};
    return std::move(*body);
}

// history/<scenario>/<entrant>.json: every entry about one run, for the organiser's review.
exports::outcome<std::string> history_json(const store::log_store& log, std::string_view run) {
    const auto slash = run.find('/');
    if (slash == std::string_view::npos || run.find('/', slash + 1) != std::string_view::npos)
        return exports::export_error{"not_found", "a history is history/<scenario>/<entrant>.json"};
    const auto scenario = run.substr(0, slash);
    const auto entrant = run.substr(slash + 1);
    auto state = app::replay(log);
    if (!state) return store_export_error(state.error());
    const auto& ev = state->definition;
    if (std::none_of(ev.scenarios.begin(), ev.scenarios.end(),
                     [&](const scoring::scenario& s) { return s.id.value == scenario; }))
        return exports::export_error{"not_found", "no scenario '" + std::string{scenario} + "'"};
    if (std::none_of(ev.teams.begin(), ev.teams.end(), [&](const scoring::team& t) {
            return t.id.value == entrant ||
                   std::any_of(t.members.begin(), t.members.end(),
                               [&](const scoring::member& m) { return m.id.value == entrant; });
        }))
        return exports::export_error{"not_found",
                                     "no team or member '" + std::string{entrant} + "'"};
    auto entries = app::run_history(log, scenario, entrant);
    if (!entries) return store_export_error(entries.error());
    return json{{"scenario", scenario}, {"entrant", entrant}, {"entries", std::move(*entries)}}
        .dump();
}

// Makes one export (`name`: results.json, results.xlsx, results.pdf, letters/<team>.pdf,
// log-check.json, backup.sqlite, history/<scenario>/<entrant>.json) from the log at `db`, in
// memory. Errors: not_found for another name or team, else the export's.
exports::outcome<std::string> make_export(const std::string& db, const std::string& name) {
    using exports::export_error;
    static const std::map<std::string, exports::export_format, std::less<>> documents{
        {"results.json", exports::export_format::json},
        {"results.xlsx", exports::export_format::xlsx},
        {"results.pdf", exports::export_format::pdf}};
    const bool letter = name.starts_with("letters/") && name.ends_with(".pdf");
    const bool history = name.starts_with("history/") && name.ends_with(".json");
    const bool upkeep = name == "log-check.json" || name == "backup.sqlite" || history;
    auto doc = documents.find(name);
    if (doc == documents.end() && !letter && !upkeep)
        return export_error{"not_found", "no export '" + name + "'"};
    auto log = store::log_store::open(db, store::open_mode::read_only);
    if (!log) return store_export_error(log.error());
    if (name == "log-check.json") return log_check_json(**log);
    if (name == "backup.sqlite") return backup_copy(**log);
    if (history) return history_json(**log, std::string_view{name}.substr(8, name.size() - 13));
    auto r = exports::load_results(**log, app::now_utc());
    if (!r) return r.error();
    std::string team;
    if (letter) {
        team = name.substr(8, name.size() - 12);
        const auto& teams = r->rules->source().teams;
        if (std::none_of(teams.begin(), teams.end(),
                         [&](const scoring::team& t) { return t.id.value == team; }))
            return export_error{"not_found", "no team '" + team + "'"};
    }
    const auto path = temp_export_path(std::filesystem::path{name}.extension().string());
    if (!path) return no_temp_dir;
    auto failed = letter ? exports::write_team_letter(*r, team, path->string())
                         : exports::write_export(*r, doc->second, path->string());
    auto body = take_file(*path);
    if (failed) return *failed;
    if (!body) return exports::export_error{"io_error", "the export could not be read back"};
    return std::move(*body);
}

// ----- WebSocket sessions ----------------------------------------------------------------------

template <class Stream>
class ws_session : public live::subscriber,
                   public session_base,
                   public std::enable_shared_from_this<ws_session<Stream>> {
public:
    ws_session(server_state& s, Stream&& stream, std::string address)
        : s_{s}, ws_{std::move(stream)}, address_{std::move(address)} {}

    ~ws_session() override {
        --s_.stats.connections[who_.who];
        count_display(-1);
    }

    template <class Request> void start(Request req) {
        ++s_.stats.connections[who_.who];
        s_.sessions.emplace(this, this->weak_from_this());
        beast::get_lowest_layer(ws_).expires_never();
        ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
        ws_.read_message_max(64ULL * 1024 * 1024);
        ws_.auto_fragment(false); // a board goes out as one frame, straight from its buffer
        ws_.set_option(websocket::stream_base::decorator(
            [](websocket::response_type& res) { res.set(http::field::server, "aplc"); }));
        ws_.async_accept(req, [self = this->shared_from_this()](beast::error_code ec) {
            if (ec) return self->closed();
            self->read();
        });
    }

    // live::subscriber: a newer snapshot of a topic replaces a queued older one.
    void deliver(const live::snapshot_ptr& snap) override {
        if (closing_) return;
        auto& sent = versions_[snap->topic];
        if (snap->version <= sent) return;
        for (std::size_t i = writing_ ? 1 : 0; i < queue_.size(); ++i)
            if (queue_[i].board && queue_[i].board->topic == snap->topic) {
                queue_[i].board = snap;
                return;
            }
        queue_.push_back({nullptr, snap});
        write_next();
    }

    void sweep(clock::time_point now) override {
        if (closing_) {
            if (now - close_started_ > std::chrono::seconds{2}) force_close();
            return;
        }
        if (writing_ && now - write_started_ > s_.options.slow_client) close_slow();
        expire_if_due();
    }

    // A signed-in session past its expiry ends: the connection is public again.
    void expire_if_due() {
        if (!who_.subject.empty() && std::chrono::system_clock::now() >= expires_)
            end_session("token_expired", "your session has expired: sign in again");
    }

    void shutdown() override {
        if (closing_) return;
        begin_close(websocket::close_code::going_away, "the server is stopping");
    }

    void displays_changed() override { push_display_config(); }

    void code_reissued(std::string_view subject) override {
        if (who_.subject != subject) return;
        end_session("code_reissued", "a new code was issued for " + std::string{subject} +
                                         ": sign in with the new code");
    }

private:
    struct outgoing {
        std::shared_ptr<const std::string> text; // a reply
        live::snapshot_ptr board;                // or a board
        [[nodiscard]] const std::string& bytes() const { return text ? *text : board->frame; }
    };

    // ----- reading -----
    // Small reads keep an idle connection's buffer small; a long message reads in larger pieces.
    void read() {
        const std::size_t chunk = buffer_.size() > 1024 ? 64 * 1024 : 1536;
        ws_.async_read_some(buffer_, chunk,
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                                self->on_read(ec);
                            });
    }

    [[nodiscard]] std::size_t limit() const {
        return who_.who == live::role::organiser ? s_.options.max_organiser_message
                                                 : s_.options.max_message;
    }

    void on_read(beast::error_code ec) {
        if (ec) return closed();
        if (buffer_.size() > limit()) {
            oversized_ += buffer_.size();
            buffer_.consume(buffer_.size());
        }
        if (!ws_.is_message_done()) return read();
        ++s_.stats.messages_in;
        if (oversized_ > 0) {
            buffer_.consume(buffer_.size()); // the message's last piece
            reply_error(nullptr, "message_too_large",
                        "the message is larger than " + std::to_string(limit() / 1024) +
                            " KiB; nothing was read");
            oversized_ = 0;
        } else if (ws_.got_binary()) {
            buffer_.consume(buffer_.size());
            reply_error(nullptr, "binary_frame", "send JSON in text frames; binary is not read");
        } else {
            const auto read_at = clock::now();
            std::string text = beast::buffers_to_string(buffer_.data());
            buffer_.consume(buffer_.size());
            handle(text, read_at);
        }
        if (buffer_.capacity() > 4096) buffer_.shrink_to_fit();
        if (!closing_) read();
    }

    void handle(const std::string& text, clock::time_point read_at) {
        auto inbound = live::read_inbound(text);
        if (auto* r = std::get_if<live::inbound_refusal>(&inbound))
            return reply_error(r->re, r->code, r->message, r->path);
        auto& [msg, type, re] = std::get<live::inbound_message>(inbound);
        expire_if_due();
        if (!live::service::allowed(who_.who, type))
            return who_.who == live::role::public_viewer
                       ? reply_error(re, "not_signed_in", "sign in first to send " + type)
                       : reply_error(re, "forbidden",
                                     std::string{"a "} + std::string{live::role_name(who_.who)} +
                                         " may not send " + type);
        if (type == "auth.sign_in" || type == "auth.resume") return sign_in(type, msg);
        if (type == "auth.sign_out") return sign_out(re);
        if (type == "board.subscribe") return subscribe(msg);
        if (type == "board.unsubscribe") return unsubscribe(msg);
        if (type == "display.list") return list_displays(re);
        to_app(std::move(msg), read_at);
    }

    // On the app thread; an entry stored is acknowledged once committed (`read_at`: when its
    // frame was read, for the ack's metrics).
    void to_app(json msg, clock::time_point read_at) {
        live::client from{who_, "ws:" + address_};
        s_.handoff.queued();
        asio::post(s_.app_ctx, [self = this->shared_from_this(), from = std::move(from),
                                msg = std::move(msg), read_at]() mutable {
            auto& st = self->s_;
            struct finished {
                app_handoff& h;
                ~finished() { h.finished(); }
            } at_end{st.handoff};
            const auto began = clock::now();
            const auto displays_before = st.app.displays();
            live::handled out = st.app.handle(from, msg);
            if (out.issue) return issue_code(std::move(self), std::move(*out.issue), msg.at("id"));
            const auto committed_at = clock::now();
            if (out.committed) {
                st.stats.ack_queued.observe(began - read_at);
                st.stats.ack_commit.observe(committed_at - began);
                st.stats.seq.store(st.app.seq(), std::memory_order_relaxed);
            }
            // The ack leaves before the boards are recomputed (app_handoff.hpp). The session's
            // reference goes with it: a session must end on the network thread (its destructor
            // updates that thread's counters).
            const auto ticket = st.handoff.ack_posted();
            asio::post(st.net,
                       [self = std::move(self), reply = std::move(out.reply), code = out.error_code,
                        ticket, committed = out.committed, read_at, committed_at] {
                           if (!code.empty()) ++self->s_.stats.errors[code];
                           self->send(std::make_shared<const std::string>(reply));
                           // Stamped before the app thread is woken: it may take the core at
                           // once and keep it for the boards.
                           const auto sent_at = clock::now();
                           self->s_.handoff.ack_sent(ticket);
                           if (committed) {
                               self->s_.stats.ack_reply.observe(sent_at - committed_at);
                               self->s_.stats.ack.observe(sent_at - read_at);
                           }
                       });
            if (!out.committed) return;
            if (auto displays = st.app.displays(); displays != displays_before)
                asio::post(st.net, [&st, displays = std::move(displays)] {
                    install_displays(st, displays);
                });
            st.handoff.wait_ack_sent(ticket, std::chrono::milliseconds{2});
            auto boards = st.app.refresh();
            st.stats.board_changes.fetch_add(boards.size(), std::memory_order_relaxed);
            if (!boards.empty())
                asio::post(st.net, [&st, boards = std::move(boards)] { st.publish(boards); });
        });
    }

    // auth.issue, checked by the app thread: the code is made and stored on the auth thread,
    // after the sign-ins already under way there; the sessions of the old code end before the
    // organiser sees the new one.
    static void issue_code(std::shared_ptr<ws_session> self, live::handled::code_request issue,
                           json re) {
        auto& st = self->s_;
        asio::post(st.auth_pool, [self = std::move(self), issue = std::move(issue),
                                  re = std::move(re)]() mutable {
            auto& state = self->s_; // before `self` moves into the handler
            auto code = state.codes.issue(issue.who, issue.subject);
            asio::post(state.net, [self = std::move(self), issue = std::move(issue),
                                   code = std::move(code), re = std::move(re)] {
                if (!code)
                    return self->reply_error(re, code.error().code, code.error().message,
                                             "subject");
                self->s_.reissued(issue.subject);
                self->send(std::make_shared<const std::string>(json{
                    {"type", "ok"},
                    {"re", re},
                    {"subject", issue.subject},
                    {"role", live::role_name(issue.who)},
                    {"secret", *code}}.dump()));
            });
        });
    }

    // ----- sign-in (on the auth thread: Argon2id is slow on purpose) -----
    void sign_in(const std::string& type, const json& msg) {
        // A code reissued while this sign-in runs ends it (it may have checked the old code).
        const std::uint64_t started = s_.reissues;
        asio::post(s_.auth_pool, [self = this->shared_from_this(), type, msg, started]() mutable {
            auto& st = self->s_;
            const auto now = std::chrono::system_clock::now();
            auto result =
                type == "auth.resume"
                    ? st.codes.resume(msg.at("token").get<std::string>(), now)
                    : st.codes.sign_in(msg.at("subject").get<std::string>(),
                                       msg.at("secret").get<std::string>(), self->address_, now);
            // As in to_app(): the session's reference goes back to the network thread.
            asio::post(st.net, [self = std::move(self), result = std::move(result),
                                re = msg.at("id"), started] {
                if (!result)
                    return self->reply_error(re, result.error().code, result.error().message);
                if (self->s_.reissued_since(result->who.subject, started))
                    return self->reply_error(re, "token_invalid",
                                             "a new code was issued for " + result->who.subject +
                                                 " meanwhile: sign in with the new code");
                self->become(result->who, result->token, result->expires);
                self->send(std::make_shared<const std::string>(json{
                    {"type", "ok"},
                    {"re", re},
                    {"role", live::role_name(result->who.who)},
                    {"subject", result->who.subject},
                    {"token", result->token},
                    {"expires_at", result->expires_at}}.dump()));
                self->push_display_config();
            });
        });
    }

    void sign_out(const json& re) {
        if (!token_.empty())
            asio::post(s_.auth_pool,
                       [&codes = s_.codes, token = token_] { codes.sign_out(token); });
        become({}, {}, {});
        send(std::make_shared<const std::string>(json{{"type", "ok"}, {"re", re}}.dump()));
    }

    void end_session(std::string_view code, const std::string& message) {
        become({}, {}, {});
        send(std::make_shared<const std::string>(
            json{{"type", "session.ended"}, {"code", code}, {"message", message}}.dump()));
    }

    [[nodiscard]] live::board_view view() const {
        return who_.who == live::role::organiser || who_.who == live::role::head_judge
                   ? live::board_view::live
                   : live::board_view::public_view;
    }

    // A new role: the subscriptions move to the view the role sees.
    void become(live::principal who, std::string token, std::chrono::system_clock::time_point exp) {
        const auto before = view();
        --s_.stats.connections[who_.who];
        count_display(-1);
        who_ = std::move(who);
        ++s_.stats.connections[who_.who];
        count_display(+1);
        config_sent_.reset();
        token_ = std::move(token);
        expires_ = exp;
        if (view() == before) return;
        for (const auto& topic : topics_) {
            s_.hub.unsubscribe(this, topic, before);
            s_.hub.subscribe(this->shared_from_this(), topic, view());
            versions_[topic] = 0;
            if (auto snap = s_.hub.current(topic, view())) deliver(snap);
        }
    }

    // ----- displays (live/displays.hpp) -----
    // Counts this connection under its display name, for display.list.
    void count_display(int change) {
        if (who_.who != live::role::display) return;
        auto it =
            s_.displays_connected.try_emplace(std::string{live::display_name_of(who_.subject)}, 0)
                .first;
        if ((it->second += change) <= 0) s_.displays_connected.erase(it);
    }

    // A display is sent the setting it follows when it signs in and each time that changes.
    void push_display_config() {
        if (who_.who != live::role::display || !s_.displays) return;
        auto push = s_.displays->push_for(live::display_name_of(who_.subject));
        if (!push || (config_sent_ && *config_sent_ == *push)) return;
        config_sent_ = push;
        send(std::move(push));
    }

    // The codes issued come from the auth thread (SQLite); who is connected and what each
    // display follows are the network thread's.
    void list_displays(const json& re) {
        asio::post(s_.auth_pool, [self = this->shared_from_this(), re] {
            auto issued = self->s_.codes.subjects(live::role::display);
            auto& net = self->s_.net;
            asio::post(net, [self = std::move(self), re, issued = std::move(issued)] {
                if (!issued)
                    return self->reply_error(re, issued.error().code, issued.error().message);
                json reply = self->s_.displays->list(*issued, self->s_.displays_connected);
                reply["type"] = "ok";
                reply["re"] = re;
                self->send(std::make_shared<const std::string>(reply.dump()));
            });
        });
    }

    // ----- boards -----
    void subscribe(const json& msg) {
        const std::string topic = msg.at("topic").get<std::string>();
        auto snap = s_.hub.current(topic, view());
        if (!snap)
            return reply_error(msg.at("id"), "unknown_topic", "there is no board '" + topic + "'",
                               "topic");
        const std::int64_t since = msg.value("since", std::int64_t{0});
        topics_.insert(topic);
        s_.hub.subscribe(this->shared_from_this(), topic, view());
        auto& sent = versions_[topic];
        sent = std::max(sent, since);
        send(std::make_shared<const std::string>(
            json{{"type", "ok"}, {"re", msg.at("id")}, {"topic", topic}, {"version", snap->version}}
                .dump()));
        deliver(snap);
    }

    void unsubscribe(const json& msg) {
        const std::string topic = msg.at("topic").get<std::string>();
        s_.hub.unsubscribe(this, topic, view());
        topics_.erase(topic);
        versions_.erase(topic);
        send(
            std::make_shared<const std::string>(json{{"type", "ok"}, {"re", msg.at("id")}}.dump()));
    }

    // ----- writing -----
    void reply_error(const json& re, std::string_view code, std::string_view message,
                     std::string_view path = {}) {
        ++s_.stats.errors[std::string{code}];
        send(std::make_shared<const std::string>(live::error_reply(re, code, message, path)));
    }

    // Replies are never dropped: a connection that lets too many pile up is closed instead
    // (a judge's tablet resends with the same submission id and gets the original ack).
    void send(std::shared_ptr<const std::string> text) {
        if (closing_) return;
        if (++queued_replies_ > s_.options.max_queued_replies) return close_slow();
        queue_.push_back({std::move(text), nullptr});
        write_next();
    }

    void write_next() {
        if (writing_ || queue_.empty() || closing_) return;
        writing_ = true;
        write_started_ = clock::now();
        ws_.text(true);
        auto done = [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
            self->on_write(ec);
        };
        // Boards to displays and the public complete in the bulk lane; replies, and everything
        // to judges, head judges and organisers, on the network thread's own queue.
        if (queue_.front().board &&
            (who_.who == live::role::display || who_.who == live::role::public_viewer))
            ws_.async_write(asio::buffer(queue_.front().bytes()),
                            asio::bind_executor(s_.bulk.get_executor(), std::move(done)));
        else
            ws_.async_write(asio::buffer(queue_.front().bytes()), std::move(done));
    }

    void on_write(beast::error_code ec) {
        writing_ = false;
        if (ec) return closed();
        ++s_.stats.messages_out;
        auto& done = queue_.front();
        if (done.board)
            versions_[done.board->topic] =
                std::max(versions_[done.board->topic], done.board->version);
        else
            --queued_replies_;
        queue_.erase(queue_.begin());
        write_next();
    }

    void close_slow() {
        if (closing_) return;
        ++s_.stats.closed_slow;
        begin_close(websocket::close_code::try_again_later, "the connection fell behind");
    }

    void begin_close(websocket::close_code code, const char* reason) {
        closing_ = true;
        close_started_ = clock::now();
        ws_.async_close(websocket::close_reason{code, reason},
                        [self = this->shared_from_this()](beast::error_code) { self->closed(); });
    }

    void force_close() {
        beast::error_code ignored;
        beast::get_lowest_layer(ws_).socket().close(ignored);
    }

    void closed() {
        if (gone_) return;
        gone_ = true;
        closing_ = true;
        s_.hub.drop(this);
        s_.sessions.erase(this);
        force_close();
    }

    server_state& s_;
    websocket::stream<Stream> ws_;
    std::string address_;
    beast::flat_buffer buffer_;
    std::size_t oversized_ = 0;
    live::principal who_;
    std::string token_;
    std::chrono::system_clock::time_point expires_{};
    std::set<std::string> topics_;
    std::map<std::string, std::int64_t, std::less<>> versions_; // newest version sent per topic
    std::shared_ptr<const std::string> config_sent_;            // the display.config sent last
    std::vector<outgoing> queue_; // a few entries at most: one per topic, plus replies
    std::size_t queued_replies_ = 0;
    bool writing_ = false;
    bool closing_ = false;
    bool gone_ = false;
    clock::time_point write_started_{};
    clock::time_point close_started_{};
};

// ----- HTTP sessions ---------------------------------------------------------------------------

template <class Stream>
class http_session : public std::enable_shared_from_this<http_session<Stream>> {
public:
    http_session(server_state& s, Stream&& stream, std::string address)
        : s_{s}, stream_{std::move(stream)}, address_{std::move(address)} {}

    void start() { read(); }

private:
    using response = http::response<http::string_body>;

    void read() {
        parser_.emplace();
        parser_->header_limit(8 * 1024);
        parser_->body_limit(s_.options.max_body);
        beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds{30});
        http::async_read(stream_, buffer_, *parser_,
                         [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                             self->on_read(ec);
                         });
    }

    void on_read(beast::error_code ec) {
        if (ec == http::error::end_of_stream) return shut();
        if (ec == http::error::body_limit || ec == http::error::header_limit) {
            response res{http::status::payload_too_large, 11};
            res.set(http::field::content_type, "application/json");
            res.body() = R"({"code":"message_too_large","message":"the request is too large"})";
            res.keep_alive(false);
            return write(std::move(res));
        }
        if (ec) return;
        ++s_.stats.http_requests;
        auto req = parser_->release();
        if (websocket::is_upgrade(req)) return upgrade(std::move(req));
        route(std::move(req));
    }

    void upgrade(http::request<http::string_body> req) {
        if (req.target() != "/ws")
            return write(plain(req, http::status::not_found, "no such path"));
        if (!allowed_origin(s_, req[http::field::origin], req[http::field::host]))
            return write(plain(req, http::status::forbidden,
                               "WebSocket connections from this origin are refused"));
        beast::get_lowest_layer(stream_).expires_never();
        std::make_shared<ws_session<Stream>>(s_, std::move(stream_), address_)
            ->start(std::move(req));
    }

    static response plain(const http::request<http::string_body>& req, http::status status,
                          std::string text) {
        response res{status, req.version()};
        res.set(http::field::content_type, "text/plain; charset=utf-8");
        res.keep_alive(req.keep_alive());
        res.body() = std::move(text) + "\n";
        return res;
    }

    static response json_response(const http::request<http::string_body>& req, std::string body,
                                  http::status status = http::status::ok) {
        response res{status, req.version()};
        res.set(http::field::content_type, "application/json");
        res.set(http::field::cache_control, "no-cache");
        res.keep_alive(req.keep_alive());
        res.body() = std::move(body);
        return res;
    }

    void route(http::request<http::string_body> req) {
        if (req.method() != http::verb::get && req.method() != http::verb::head)
            return write(plain(req, http::status::method_not_allowed, "only GET is served"));
        std::string target{req.target()};
        if (auto q = target.find('?'); q != std::string::npos) target.resize(q);
        if (target == "/healthz")
            return write(
                json_response(req, json{{"status", "ok"}, {"seq", s_.stats.seq.load()}}.dump()));
        if (target == "/metrics") {
            auto res = plain(req, http::status::ok, "");
            res.set(http::field::content_type, "text/plain; version=0.0.4");
            res.body() = s_.stats.text(s_.hub.subscriptions());
            return write(std::move(res));
        }
        if (target.starts_with("/api/boards/")) return board(req, target.substr(12));
        if (target.starts_with("/api/export/"))
            return export_file(std::move(req), target.substr(12));
        if (target.starts_with("/api/"))
            return write(plain(req, http::status::not_found, "no such endpoint"));
        file(req, target);
    }

    void board(const http::request<http::string_body>& req, const std::string& topic) {
        auto snap = s_.hub.current(topic, live::board_view::public_view);
        if (!snap) return write(plain(req, http::status::not_found, "no such board"));
        const std::string etag = "\"" + std::to_string(snap->version) + "\"";
        if (req[http::field::if_none_match] == etag) {
            response res{http::status::not_modified, req.version()};
            res.set(http::field::etag, etag);
            res.keep_alive(req.keep_alive());
            return write(std::move(res));
        }
        auto res = json_response(req, snap->frame);
        res.set(http::field::etag, etag);
        write(std::move(res));
    }

    // /api/export/standings.json (the live standings, from the app thread), and what
    // make_export() makes from the log by a thread of its own on a read-only connection (a
    // results book takes a while; judges' acks must not wait for it): the official documents,
    // a run's history, the log check, the backup. Organisers and head judges; the backup
    // organisers only.
    void export_file(http::request<http::string_body> req, std::string name) {
        std::string auth{req[http::field::authorization]};
        if (!auth.starts_with("Bearer "))
            return write(json_response(
                req, R"({"code":"not_signed_in","message":"send Authorization: Bearer <token>"})",
                http::status::unauthorized));
        asio::post(s_.auth_pool, [self = this->shared_from_this(), req = std::move(req),
                                  name = std::move(name), token = auth.substr(7)]() mutable {
            auto& st = self->s_;
            auto who = st.codes.resume(token, std::chrono::system_clock::now());
            // The backup holds the sign-in tables (hashes): organisers only.
            const bool organisers_only = name == "backup.sqlite";
            if (!who || (who->who.who != live::role::organiser &&
                         (organisers_only || who->who.who != live::role::head_judge))) {
                std::string code = who ? "forbidden" : who.error().code;
                return asio::post(st.net, [self, req = std::move(req), code, organisers_only] {
                    self->write(json_response(
                        req,
                        json{{"code", code},
                             {"message", organisers_only ? "organisers only"
                                                         : "organisers and head judges only"}}
                            .dump(),
                        code == "forbidden" ? http::status::forbidden
                                            : http::status::unauthorized));
                });
            }
            if (name == "standings.json")
                return asio::post(st.app_ctx, [self, req = std::move(req)]() mutable {
                    auto body = self->s_.app.standings_json();
                    if (!body)
                        return asio::post(self->s_.net, [self, req = std::move(req)] {
                            self->write(json_response(
                                req,
                                json{{"code", "no_event"}, {"message", live::no_event_message}}
                                    .dump(),
                                http::status::not_found));
                        });
                    self->send_file(std::move(req), std::move(*body), "standings.json");
                });
            asio::post(st.export_pool, [self, req = std::move(req), name]() mutable {
                auto made = make_export(self->s_.options.db_path, name);
                if (!made)
                    return asio::post(self->s_.net, [self, req = std::move(req), e = made.error()] {
                        self->write(json_response(
                            // The message may repeat the request's path, which
                            // need not be UTF-8.
                            req,
                            json{{"code", e.code}, {"message", e.message}}.dump(
                                -1, ' ', false, json::error_handler_t::replace),
                            e.code == "not_found" || e.code == "no_event"
                                ? http::status::not_found
                                : http::status::internal_server_error));
                    });
                self->send_file(std::move(req), std::move(made.value()), name);
            });
        });
    }

    // On any thread: hands a finished export to the network thread.
    void send_file(http::request<http::string_body> req, std::string body, std::string name) {
        asio::post(s_.net, [self = this->shared_from_this(), req = std::move(req),
                            body = std::move(body), name = std::move(name)] {
            auto res = json_response(req, body);
            res.set(http::field::cache_control, "no-store"); // results, a database copy
            const auto ext = std::filesystem::path{name}.extension().string();
            res.set(http::field::content_type,
                    ext == ".pdf"      ? "application/pdf"
                    : ext == ".xlsx"   ? "application/vnd.openxmlformats-officedocument."
                                         "spreadsheetml.sheet"
                    : ext == ".sqlite" ? "application/vnd.sqlite3"
                                       : "application/json");
            res.set(http::field::content_disposition,
                    "attachment; filename=\"" + std::filesystem::path{name}.filename().string() +
                        "\"");
            self->write(std::move(res));
        });
    }

    void file(const http::request<http::string_body>& req, std::string target) {
        // Only paths below the web root: no "..", no "//" (an absolute path would replace the
        // root when joined), no backslashes.
        if (s_.options.web_root.empty() || target.find("..") != std::string::npos ||
            target.find("//") != std::string::npos || target.find('\\') != std::string::npos)
            return write(plain(req, http::status::not_found, "not found"));
        if (target.ends_with("/")) target += "index.html";
        std::filesystem::path path = std::filesystem::path{s_.options.web_root} / target.substr(1);
        std::error_code ec;
        if (std::filesystem::is_directory(path, ec)) path /= "index.html";
        std::ifstream in{path, std::ios::binary};
        if (!in) return write(plain(req, http::status::not_found, "not found"));
        std::ostringstream body;
        body << in.rdbuf();
        response res{http::status::ok, req.version()};
        res.set(http::field::content_type, mime_type(path));
        res.set(http::field::cache_control, "no-cache");
        res.keep_alive(req.keep_alive());
        res.body() = body.str();
        if (req.method() == http::verb::head) res.body().clear();
        write(std::move(res));
    }

    void write(response res) {
        res.set(http::field::server, "aplc");
        res.set("X-Content-Type-Options", "nosniff");
        res.prepare_payload();
        auto sp = std::make_shared<response>(std::move(res));
        http::async_write(stream_, *sp,
                          [self = this->shared_from_this(), sp](beast::error_code ec, std::size_t) {
                              if (ec) return;
                              if (sp->need_eof()) return self->shut();
                              self->read();
                          });
    }

    void shut() {
        beast::error_code ignored;
        beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_send, ignored);
    }

    server_state& s_;
    Stream stream_;
    std::string address_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
};

// ----- listening ---------------------------------------------------------------------------

class listener : public std::enable_shared_from_this<listener> {
public:
    listener(server_state& s, tcp::acceptor acceptor, ssl::context* tls)
        : s_{s}, acceptor_{std::move(acceptor)}, tls_{tls} {}

    void accept() {
        acceptor_.async_accept(
            s_.net, [self = shared_from_this()](beast::error_code ec, tcp::socket sock) {
                if (ec) {
                    if (ec != asio::error::operation_aborted && !self->s_.stopping) self->accept();
                    return;
                }
                self->on_accept(std::move(sock));
                self->accept();
            });
    }

    void stop() {
        beast::error_code ignored;
        acceptor_.close(ignored);
    }

private:
    void on_accept(tcp::socket sock) {
        beast::error_code ec;
        sock.set_option(tcp::no_delay{true}, ec);
        auto ep = sock.remote_endpoint(ec);
        std::string address = ec ? "?" : ep.address().to_string();
        if (!tls_) {
            std::make_shared<http_session<beast::tcp_stream>>(
                s_, beast::tcp_stream{std::move(sock)}, address)
                ->start();
            return;
        }
        auto stream = std::make_shared<beast::ssl_stream<beast::tcp_stream>>(
            beast::tcp_stream{std::move(sock)}, *tls_);
        beast::get_lowest_layer(*stream).expires_after(std::chrono::seconds{30});
        stream->async_handshake(
            ssl::stream_base::server, [&s = s_, stream, address](beast::error_code hec) {
                if (hec) return;
                std::make_shared<http_session<beast::ssl_stream<beast::tcp_stream>>>(
                    s, std::move(*stream), address)
                    ->start();
            });
    }

    server_state& s_;
    tcp::acceptor acceptor_;
    ssl::context* tls_;
};

// Connections one sweep slice visits: about one bulk-lane batch.
constexpr std::size_t sweep_slice = 256;

// Visits `list` from `from` on, a slice per bulk-lane batch: with 10,000 connections a whole
// sweep takes about a millisecond, which a judge's frame must not wait behind.
void sweep_from(server_state& s, std::shared_ptr<std::vector<std::weak_ptr<session_base>>> list,
                std::size_t from) {
    const auto now = clock::now();
    const std::size_t end = std::min(list->size(), from + sweep_slice);
    for (std::size_t i = from; i < end && !s.stopping; ++i)
        if (auto sp = (*list)[i].lock()) sp->sweep(now);
    if (end < list->size() && !s.stopping)
        s.bulk.add(
            [&s, list = std::move(list), end]() mutable { sweep_from(s, std::move(list), end); });
}

// Every 250 ms: slow writers and overdue closes are closed, expired sessions end.
void schedule_sweep(server_state& s, asio::steady_timer& timer) {
    timer.expires_after(std::chrono::milliseconds{250});
    timer.async_wait([&s, &timer](beast::error_code ec) {
        if (ec || s.stopping) return;
        auto list = std::make_shared<std::vector<std::weak_ptr<session_base>>>();
        list->reserve(s.sessions.size());
        for (const auto& entry : s.sessions) list->push_back(entry.second);
        s.bulk.add([&s, list = std::move(list)]() mutable { sweep_from(s, std::move(list), 0); });
        schedule_sweep(s, timer);
    });
}

} // namespace

int serve(live::service& app, live::auth& codes, const server_options& options, std::ostream& out,
          std::ostream& err) {
    // Destroyed in reverse order: the contexts first, and with `net` the connections its
    // unrun handlers still hold, while the state they point into and the TLS context of their
    // streams still exist.
    std::optional<ssl::context> tls;
    std::optional<server_state> state;
    asio::io_context net{1};
    // Between two batches of fan-out, the network thread lets a busy app thread have the core.
    // Declared after `net`: the connections its unrun work holds go while `net` still exists.
    app_handoff* handoff = nullptr;
    bulk_lane bulk{net, bulk_batch, SIZE_MAX, [&handoff] {
                       if (handoff && handoff->app_busy()) std::this_thread::yield();
                   }};
    asio::io_context app_ctx{1};
    asio::thread_pool auth_pool{1};
    asio::thread_pool export_pool{1};
    server_state& s =
        state.emplace(net, bulk, app_ctx, auth_pool, export_pool, app, codes, options);
    handoff = &s.handoff;
    for (const auto& b : app.all_boards()) s.hub.publish(b);
    s.displays = app.displays();
    s.stats.seq = app.seq();

    if (!options.tls_cert.empty()) {
        tls.emplace(ssl::context::tls_server);
        beast::error_code ec;
        tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                         ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                         ssl::context::no_tlsv1_1);
        tls->use_certificate_chain_file(options.tls_cert, ec);
        if (!ec) tls->use_private_key_file(options.tls_key, ssl::context::pem, ec);
        if (ec) {
            err << "aplc: cannot use the TLS certificate or key: " << ec.message() << "\n";
            return 1;
        }
    }

    beast::error_code ec;
    auto address = asio::ip::make_address(options.bind, ec);
    if (ec) {
        err << "aplc: '" << options.bind << "' is not an IP address\n";
        return 1;
    }
    tcp::acceptor acceptor{net};
    tcp::endpoint endpoint{address, options.port};
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        err << "aplc: cannot listen on " << options.bind << ":" << options.port << ": "
            << ec.message() << "\n";
        return 1;
    }
    const auto port = acceptor.local_endpoint().port();
    auto l = std::make_shared<listener>(s, std::move(acceptor), tls ? &*tls : nullptr);
    l->accept();

    asio::steady_timer sweeper{net};
    schedule_sweep(s, sweeper);

    auto app_work = asio::make_work_guard(app_ctx);
    std::thread app_thread{[&app_ctx] {
        prefer_short_slice(std::chrono::microseconds{100}); // app_handoff.hpp; best effort
        app_ctx.run();
    }};

    asio::signal_set signals{net, SIGINT, SIGTERM};
    asio::steady_timer grace{net};
    signals.async_wait([&](beast::error_code, int) {
        s.stopping = true;
        l->stop();
        sweeper.cancel();
        for (auto& sp : open_sessions(s)) sp->shutdown();
        grace.expires_after(std::chrono::milliseconds{500});
        grace.async_wait([&](beast::error_code) { net.stop(); });
    });

    const std::string base =
        std::string{tls ? "https" : "http"} + "://" + options.bind + ":" + std::to_string(port);
    for (const char* app_name : {"judge", "display", "organiser"})
        if (!options.web_root.empty() &&
            std::filesystem::exists(std::filesystem::path{options.web_root} / app_name /
                                    "index.html"))
            out << "  " << app_name << " app: " << base << "/" << app_name << "/\n";
    out << "  boards: " << base << "/api/boards/overall, WebSocket: " << (tls ? "wss" : "ws")
        << "://" << options.bind << ":" << port << "/ws\n";
    out << "listening on " << base << std::endl;
    net.run();

    // Everything acknowledged is already committed; the checkpoint only makes the next start
    // faster.
    app_work.reset();
    asio::post(app_ctx, [&app, &err] {
        if (auto saved = app.checkpoint(); !saved)
            err << "aplc: the checkpoint was not saved (" << saved.error().message
                << "); the next start replays the log\n";
    });
    app_thread.join();
    auth_pool.join();
    export_pool.join();
    // The hub's references go now; the connections held by unrun handlers go with `net`.
    s.hub.drop_all();
    bulk.clear();
    out << "stopped" << std::endl;
    return 0;
}

} // namespace aplc::net
