// loadgen: the fan-out load generator of bench/fanout.sh (DESIGN.md, "Performance targets" and
// "For the load generator"). One thread, raw non-blocking sockets on epoll and a minimal
// WebSocket client (RFC 6455 framing, no extensions), so that its own cost per received board
// stays a few microseconds and is printed beside the server's.
//
// It opens N display connections subscribed to one board topic and M judge connections, then
// makes board changes, either R rounds one after the other (the next change starts when every
// display has the previous one) or at a fixed rate for a duration, and measures for each change:
//   - submit → ack: until the ack of the change (which carries its log sequence number `seq`);
//   - submit → last display: until every display has received a board with version >= seq.
// It also reports its own CPU per change (getrusage), the server's CPU per change
// (/proc/PID/stat utime+stime, and the threads' /proc/PID/task/*/schedstat in nanoseconds) and
// the server's memory per display connection (VmRSS before the displays connect vs after).
//
// The judges' (and the publisher's) connections sit on an epoll instance of their own, read
// before the displays' and again after every few display events: an ack is stamped when the
// server sent it, give or take a few microseconds, not after thousands of boards that arrived
// in the same wake-up. The displays' stamps are later by the same few microseconds at most.
//
// Modes:
//   aplc  the real server (docs/protocol.md): signs in as the organiser, issues codes for M
//         judges taken from the event file, signs them in, reads their assignments and submits
//         valid sheets (each slot once, then `sheet.correct` of the judge's current sheet).
//   ref   a reference broadcaster (bench/ref_beast_broadcaster.cpp, bench/node-ws/server.js):
//         one publisher sends {"type":"publish","seq":N}, the server fans a --board-bytes
//         board carrying "version":N out to every display.
//
// Output: a human table, then one line `RESULT key=value ...` for scripts.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <fstream>
#include <functional>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace {

using json = nlohmann::json;

std::int64_t now_ns() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::int64_t{ts.tv_sec} * 1'000'000'000 + std::int64_t{ts.tv_nsec};
}

[[noreturn]] void fail(const std::string& what) {
    std::cerr << "loadgen: " << what << std::endl;
    std::exit(1);
}

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------

struct options {
    std::string mode = "aplc";
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    std::string path = "/ws";
    std::string origin; // default http://HOST:PORT
    std::string label;
    std::string case_name; // a name for the RESULT line
    int displays = 100;
    int judges = 4;
    std::string topic = "latest";
    int rounds = 100;
    int warmup = 5;
    double rate = 0;       // board changes per second; 0: rounds one after the other
    double duration = 20;  // seconds, with --rate
    double gap_ms = 2;     // rounds mode: pause after a change is everywhere
    double timeout_s = 10; // a change not everywhere by then is counted incomplete
    std::size_t board_bytes = 4096;
    std::string organiser_password;
    std::string event_file;
    std::string judge_ids; // comma-separated; default: from the event file
    int server_pid = 0;
    int connect_concurrency = 256;
    double setup_timeout_s = 300;
    bool quiet = false;
    std::string samples; // a CSV file: one line per measured change
};

// ---------------------------------------------------------------------------------------------
// /proc readings of the server
// ---------------------------------------------------------------------------------------------

std::optional<double> proc_cpu_seconds(int pid) { // utime + stime from /proc/PID/stat
    if (pid <= 0) return std::nullopt;
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string s;
    if (!std::getline(in, s)) return std::nullopt;
    const auto close = s.rfind(')'); // the command name may hold spaces
    if (close == std::string::npos) return std::nullopt;
    std::istringstream rest(s.substr(close + 2));
    std::string field;
    unsigned long long utime = 0;
    unsigned long long stime = 0;
    // Fields after the name start at 3 (state); utime is field 14, stime 15.
    for (int i = 3; i <= 15 && rest >> field; ++i) {
        if (i == 14) utime = std::stoull(field);
        if (i == 15) stime = std::stoull(field);
    }
    return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

std::optional<double> proc_sched_seconds(int pid) { // the sum of the threads' schedstat
    if (pid <= 0) return std::nullopt;
    const std::string dir = "/proc/" + std::to_string(pid) + "/task";
    DIR* d = opendir(dir.c_str());
    if (d == nullptr) return std::nullopt;
    unsigned long long total = 0;
    bool any = false;
    while (const dirent* e = readdir(d)) {
        if (e->d_name[0] == '.') continue;
        std::ifstream in(dir + "/" + e->d_name + "/schedstat");
        unsigned long long ns = 0;
        if (in >> ns) {
            total += ns;
            any = true;
        }
    }
    closedir(d);
    if (!any) return std::nullopt;
    return static_cast<double>(total) / 1e9;
}

std::optional<long> proc_rss_kib(int pid) {
    if (pid <= 0) return std::nullopt;
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    return std::nullopt;
}

// The samples of a Prometheus text page: "name{labels}" -> value (comments skipped).
using metric_samples = std::map<std::string, double>;

// GET /metrics from the aplc server, blocking (only outside the measured window).
std::optional<metric_samples> fetch_metrics(const sockaddr_in& addr, const std::string& host) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return std::nullopt;
    std::string reply;
    if (connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) {
        const std::string req =
            "GET /metrics HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
        if (::send(fd, req.data(), req.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(req.size())) {
            std::array<char, 16384> buf{};
            for (;;) {
                const ssize_t r = ::recv(fd, buf.data(), buf.size(), 0);
                if (r > 0)
                    reply.append(buf.data(), static_cast<std::size_t>(r));
                else if (r < 0 && errno == EINTR)
                    continue;
                else
                    break;
            }
        }
    }
    ::close(fd);
    const auto body = reply.find("\r\n\r\n");
    if (reply.rfind("HTTP/1.1 200", 0) != 0 || body == std::string::npos) return std::nullopt;
    metric_samples out;
    std::istringstream in(reply.substr(body + 4));
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        const auto space = line.rfind(' ');
        if (space == std::string::npos) continue;
        out[line.substr(0, space)] = std::strtod(line.c_str() + space + 1, nullptr);
    }
    return out;
}

// The growth of sample `key` (a histogram's bucket, `_count` or `_sum`) between two scrapes.
double sample_growth(const metric_samples& before, const metric_samples& after,
                     const std::string& key) {
    const auto a = after.find(key);
    if (a == after.end()) return 0;
    const auto b = before.find(key);
    return a->second - (b == before.end() ? 0.0 : b->second);
}

// The q-quantile of histogram `name` (labels `labels`, e.g. `phase="commit",`) between two
// scrapes, as the upper bound (ms) of the bucket it falls in; nullopt without samples.
std::optional<double> histogram_quantile(const metric_samples& before, const metric_samples& after,
                                         const std::string& name, const std::string& labels,
                                         double q) {
    std::vector<std::pair<double, double>> buckets; // (upper bound in s, count in the window)
    const std::string prefix = name + "_bucket{" + labels + "le=\"";
    for (auto it = after.lower_bound(prefix); it != after.end(); ++it) {
        if (it->first.rfind(prefix, 0) != 0) break;
        const std::string le =
            it->first.substr(prefix.size(), it->first.size() - prefix.size() - 2); // "...\"}"
        const double bound = le == "+Inf" ? std::numeric_limits<double>::infinity()
                                          : std::strtod(le.c_str(), nullptr);
        buckets.emplace_back(bound, sample_growth(before, after, it->first));
    }
    std::sort(buckets.begin(), buckets.end());
    if (buckets.empty() || buckets.back().second <= 0) return std::nullopt;
    const double rank = std::ceil(q * buckets.back().second);
    for (const auto& [bound, count] : buckets)
        if (count >= rank) return bound * 1e3;
    return std::nullopt;
}

double self_cpu_seconds() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    auto sec = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
    };
    return sec(ru.ru_utime) + sec(ru.ru_stime);
}

// ---------------------------------------------------------------------------------------------
// Board frames: the top-level "type" and "version" of a display's message, without a JSON parse
// ---------------------------------------------------------------------------------------------

struct frame_head {
    bool board = false;
    bool ok = false;
    bool error = false;
    std::int64_t version = -1;
};

std::int64_t parse_int(std::string_view s, std::size_t i) {
    while (i < s.size() && s[i] == ' ') ++i;
    std::int64_t v = 0;
    bool any = false;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        v = v * 10 + (s[i] - '0');
        ++i;
        any = true;
    }
    return any ? v : -1;
}

// The general path: walks the object's top level (skipping strings and nested values) for the
// members "type" and "version", in any order.
frame_head scan_top_level(std::string_view s) {
    frame_head h;
    bool have_type = false;
    bool have_version = false;
    int depth = 0;
    bool expect_key = false;
    std::size_t i = 0;
    while (i < s.size() && !(have_type && have_version)) {
        const char c = s[i];
        if (c == '"') {
            const std::size_t start = i + 1;
            std::size_t j = start;
            while (j < s.size() && s[j] != '"') j += s[j] == '\\' ? std::size_t{2} : std::size_t{1};
            if (j >= s.size()) break;
            const std::string_view str = s.substr(start, j - start);
            i = j + 1;
            if (depth == 1 && expect_key) {
                while (i < s.size() && (s[i] == ' ' || s[i] == ':')) ++i;
                if (str == "type" && i < s.size() && s[i] == '"') {
                    const std::size_t vs = i + 1;
                    const std::size_t ve = s.find('"', vs);
                    if (ve == std::string_view::npos) break;
                    const std::string_view t = s.substr(vs, ve - vs);
                    h.board = t == "board";
                    h.ok = t == "ok";
                    h.error = t == "error";
                    have_type = true;
                    i = ve + 1;
                } else if (str == "version") {
                    h.version = parse_int(s, i);
                    have_version = true;
                }
                expect_key = false;
            }
            continue;
        }
        if (c == '{' || c == '[') {
            ++depth;
            expect_key = c == '{' && depth == 1;
        } else if (c == '}' || c == ']') {
            --depth;
        } else if (c == ',' && depth == 1) {
            expect_key = true;
        }
        ++i;
    }
    return h;
}

frame_head read_head(std::string_view s) {
    // The fast path: the server writes {"type":"board","topic":"...","version":N,...}.
    constexpr std::string_view board_prefix = R"({"type":"board","topic":")";
    if (s.substr(0, board_prefix.size()) == board_prefix) {
        const std::size_t q = s.find('"', board_prefix.size());
        constexpr std::string_view version_key = R"(,"version":)";
        if (q != std::string_view::npos && s.substr(q + 1, version_key.size()) == version_key) {
            frame_head h;
            h.board = true;
            h.version = parse_int(s, q + 1 + version_key.size());
            return h;
        }
    }
    return scan_top_level(s);
}

// ---------------------------------------------------------------------------------------------
// Connections: non-blocking TCP + a minimal WebSocket client
// ---------------------------------------------------------------------------------------------

enum class role { display, judge, organiser, publisher };
enum class conn_state { connecting, handshake, open, closed };

struct connection {
    int fd = -1;
    role kind = role::display;
    int index = 0; // in its role's list
    conn_state state = conn_state::connecting;
    bool want_out = false;
    std::string out;     // bytes not yet written
    std::string in;      // bytes read but not yet a whole frame
    std::string message; // a fragmented message being assembled
    // display
    std::int64_t version = -1; // the newest board version received
    bool ready = false;        // counted in the version histogram
    bool subscribe_ok = false;
    // request/reply (judges, organiser)
    std::unordered_map<std::string, std::function<void(const json&, std::int64_t)>> pending;
};

struct stats_summary {
    std::size_t n = 0;
    double p50 = 0, p99 = 0, max = 0, mean = 0;
};

stats_summary summarize(std::vector<double> v) {
    stats_summary s;
    s.n = v.size();
    if (v.empty()) return s;
    std::sort(v.begin(), v.end());
    auto pct = [&v](double p) {
        // nearest rank
        auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(v.size())));
        rank = std::clamp<std::size_t>(rank, 1, v.size());
        return v[rank - 1];
    };
    s.p50 = pct(0.50);
    s.p99 = pct(0.99);
    s.max = v.back();
    s.mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
    return s;
}

// One board change: a sheet submit/correct (aplc) or a publish (ref).
struct change {
    std::int64_t t_submit = 0;
    std::int64_t t_ack = -1;
    std::int64_t t_last = -1; // every display has version >= seq
    std::int64_t seq = -1;
    bool failed = false;
    bool measured = false; // not warm-up
};

// A sheet a judge can send: one (scenario, entrant) of their running order.
struct field_spec {
    std::string id;
    std::string kind;
    std::int64_t min = 0, max = 0, step = 1; // scaled by 10^places
    int places = 0;
};
struct slot {
    std::string scenario;
    std::string entrant;
    const std::vector<field_spec>* fields = nullptr;
    std::int64_t current = -1; // seq of the judge's current sheet, or -1
    bool in_flight = false;
    int variant = 0;
};
struct judge_state {
    std::string id;
    std::string secret;
    int conn = -1;
    bool signed_in = false;
    bool have_assignments = false;
    std::vector<std::unique_ptr<std::vector<field_spec>>> field_sets;
    std::vector<slot> slots;
    std::size_t next_slot = 0;
};

// "12.5" with places 2 -> 1250: the decimal strings of the server's field specs, as integers.
std::int64_t scaled(const std::string& dec, int places) {
    const auto dot = dec.find('.');
    std::string whole = dec.substr(0, dot);
    std::string frac = dot == std::string::npos ? "" : dec.substr(dot + 1);
    const bool neg = !whole.empty() && whole[0] == '-';
    if (neg) whole.erase(0, 1);
    frac.resize(static_cast<std::size_t>(places), '0');
    std::int64_t v = whole.empty() ? 0 : std::stoll(whole);
    for (char c : frac) v = v * 10 + (c - '0');
    return neg ? -v : v;
}

int places_of(const std::string& dec) {
    const auto dot = dec.find('.');
    return dot == std::string::npos ? 0 : static_cast<int>(dec.size() - dot - 1);
}

std::string format_scaled(std::int64_t v, int places) {
    const bool neg = v < 0;
    if (neg) v = -v;
    std::string digits = std::to_string(v);
    if (places > 0) {
        if (digits.size() <= static_cast<std::size_t>(places))
            digits.insert(0, static_cast<std::size_t>(places) + 1 - digits.size(), '0');
        digits.insert(digits.size() - static_cast<std::size_t>(places), ".");
    }
    return neg ? "-" + digits : digits;
}

std::string json_decimal(const json& j, const std::string& fallback) {
    if (j.is_string()) return j.get<std::string>();
    if (j.is_number_integer()) return std::to_string(j.get<std::int64_t>());
    if (j.is_number()) return j.dump();
    return fallback;
}

class loadgen {
public:
    explicit loadgen(options o) : o_{std::move(o)}, rng_{std::random_device{}()} {
        if (o_.origin.empty()) o_.origin = "http://" + o_.host + ":" + std::to_string(o_.port);
        ep_ = epoll_create1(EPOLL_CLOEXEC);
        control_ep_ = epoll_create1(EPOLL_CLOEXEC);
        if (ep_ < 0 || control_ep_ < 0) fail("epoll_create1: " + std::string(std::strerror(errno)));
        // The control instance is itself watched by the main one: it wakes the loop.
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.fd = control_ep_;
        if (epoll_ctl(ep_, EPOLL_CTL_ADD, control_ep_, &ev) < 0) fail("epoll_ctl add control");
        resolve();
    }

    int run();

private:
    // --- sockets -------------------------------------------------------------------------------
    void resolve() {
        addrinfo hints{};
        hints.ai_family = AF_INET;
        hints.ai_socktype = SOCK_STREAM;
        addrinfo* res = nullptr;
        if (getaddrinfo(o_.host.c_str(), std::to_string(o_.port).c_str(), &hints, &res) != 0 ||
            res == nullptr)
            fail("cannot resolve " + o_.host);
        std::memcpy(&addr_, res->ai_addr, sizeof addr_);
        freeaddrinfo(res);
    }

    int open_connection(role kind, int index) {
        const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) fail("socket: " + std::string(std::strerror(errno)) + " (ulimit -n?)");
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        const int id = static_cast<int>(conns_.size());
        conns_.push_back(std::make_unique<connection>());
        connection& c = *conns_.back();
        c.fd = fd;
        c.kind = kind;
        c.index = index;
        if (static_cast<std::size_t>(fd) >= fd_to_conn_.size())
            fd_to_conn_.resize(static_cast<std::size_t>(fd) + 1, -1);
        fd_to_conn_[static_cast<std::size_t>(fd)] = id;
        const int r = connect(fd, reinterpret_cast<const sockaddr*>(&addr_), sizeof addr_);
        if (r < 0 && errno != EINPROGRESS) fail("connect: " + std::string(std::strerror(errno)));
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLOUT;
        ev.data.fd = fd;
        if (epoll_ctl(epoll_of(c), EPOLL_CTL_ADD, fd, &ev) < 0) fail("epoll_ctl add");
        c.want_out = true;
        return id;
    }

    // Displays on the main instance, everything else on the control one.
    [[nodiscard]] int epoll_of(const connection& c) const {
        return c.kind == role::display ? ep_ : control_ep_;
    }

    void set_want_out(connection& c, bool want) {
        if (c.want_out == want || c.state == conn_state::closed) return;
        c.want_out = want;
        epoll_event ev{};
        ev.events = EPOLLIN | (want ? EPOLLOUT : 0u);
        ev.data.fd = c.fd;
        epoll_ctl(epoll_of(c), EPOLL_CTL_MOD, c.fd, &ev);
    }

    void write_raw(connection& c, std::string_view bytes) {
        if (c.state == conn_state::closed) return;
        if (!c.out.empty() || c.state == conn_state::connecting) {
            c.out.append(bytes);
            return;
        }
        std::size_t done = 0;
        while (done < bytes.size()) {
            const ssize_t w = ::send(c.fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
            if (w > 0) {
                done += static_cast<std::size_t>(w);
            } else if (w < 0 && errno == EINTR) {
                continue;
            } else if (w < 0 && errno == EAGAIN) {
                break;
            } else {
                close_conn(c, "write failed");
                return;
            }
        }
        if (done < bytes.size()) {
            c.out.append(bytes.substr(done));
            set_want_out(c, true);
        }
    }

    void flush_out(connection& c) {
        while (!c.out.empty()) {
            const ssize_t w = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
            if (w > 0) {
                c.out.erase(0, static_cast<std::size_t>(w));
            } else if (w < 0 && errno == EINTR) {
                continue;
            } else if (w < 0 && errno == EAGAIN) {
                return;
            } else {
                close_conn(c, "write failed");
                return;
            }
        }
        set_want_out(c, false);
    }

    // A masked client frame (RFC 6455 5.3).
    void send_frame(connection& c, std::uint8_t opcode, std::string_view payload) {
        std::string f;
        f.reserve(payload.size() + 14);
        f.push_back(static_cast<char>(0x80 | opcode));
        const std::size_t n = payload.size();
        if (n < 126) {
            f.push_back(static_cast<char>(0x80 | n));
        } else if (n < 65536) {
            f.push_back(static_cast<char>(0x80 | 126));
            f.push_back(static_cast<char>((n >> 8) & 0xff));
            f.push_back(static_cast<char>(n & 0xff));
        } else {
            f.push_back(static_cast<char>(0x80 | 127));
            for (int i = 7; i >= 0; --i)
                f.push_back(static_cast<char>((static_cast<std::uint64_t>(n) >> (8 * i)) & 0xff));
        }
        const std::uint32_t key = static_cast<std::uint32_t>(rng_());
        std::array<char, 4> mask{};
        std::memcpy(mask.data(), &key, 4);
        f.append(mask.data(), 4);
        for (std::size_t i = 0; i < n; ++i)
            f.push_back(static_cast<char>(payload[i] ^ mask[i & 3]));
        write_raw(c, f);
    }

    void send_text(connection& c, std::string_view text) { send_frame(c, 0x1, text); }

    void close_conn(connection& c, const char* why) {
        if (c.state == conn_state::closed) return;
        c.state = conn_state::closed;
        epoll_ctl(epoll_of(c), EPOLL_CTL_DEL, c.fd, nullptr);
        linger lg{1, 0}; // reset: no TIME_WAIT pile-up across runs
        setsockopt(c.fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        ::close(c.fd);
        fd_to_conn_[static_cast<std::size_t>(c.fd)] = -1;
        if (!shutting_down_) {
            if (c.kind == role::display) {
                ++displays_closed_;
                if (c.ready) remove_display_version(c.version);
                c.ready = false;
            } else {
                fail(std::string("a control connection closed: ") + why);
            }
            if (displays_closed_ <= 5)
                std::cerr << "loadgen: display connection closed: " << why << '\n';
        }
    }

    void on_writable(connection& c) {
        if (c.state == conn_state::connecting) {
            int err = 0;
            socklen_t len = sizeof err;
            getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
            if (err != 0) {
                std::cerr << "loadgen: connect: " << std::strerror(err) << '\n';
                close_conn(c, "connect failed");
                return;
            }
            c.state = conn_state::handshake;
            set_want_out(c, false);
            write_raw(c, "GET " + o_.path + " HTTP/1.1\r\nHost: " + o_.host + ":" +
                             std::to_string(o_.port) +
                             "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                             "Sec-WebSocket-Version: 13\r\nOrigin: " +
                             o_.origin + "\r\n\r\n");
            return;
        }
        flush_out(c);
    }

    void on_readable(connection& c) {
        for (;;) {
            const ssize_t r = ::recv(c.fd, scratch_.data(), scratch_.size(), 0);
            if (r > 0) {
                const std::int64_t t = now_ns();
                const std::string_view got(scratch_.data(), static_cast<std::size_t>(r));
                if (c.in.empty()) {
                    const std::size_t used = consume(c, got, t);
                    if (c.state == conn_state::closed) return;
                    if (used < got.size()) c.in.assign(got.substr(used));
                } else {
                    c.in.append(got);
                    const std::size_t used = consume(c, c.in, t);
                    if (c.state == conn_state::closed) return;
                    c.in.erase(0, used);
                }
                if (static_cast<std::size_t>(r) < scratch_.size()) return;
            } else if (r == 0) {
                close_conn(c, "closed by the server");
                return;
            } else if (errno == EINTR) {
                continue;
            } else if (errno == EAGAIN) {
                return;
            } else {
                close_conn(c, "read failed");
                return;
            }
        }
    }

    // Handles every whole frame (or the handshake reply) at the start of `data`; returns the
    // number of bytes used.
    std::size_t consume(connection& c, std::string_view data, std::int64_t t) {
        std::size_t pos = 0;
        if (c.state == conn_state::handshake) {
            const auto end = data.find("\r\n\r\n");
            if (end == std::string_view::npos) return 0;
            if (data.substr(0, 12) != "HTTP/1.1 101") {
                std::cerr << "loadgen: handshake refused: " << data.substr(0, data.find("\r\n"))
                          << '\n';
                close_conn(c, "handshake refused");
                return data.size();
            }
            c.state = conn_state::open;
            pos = end + 4;
            on_open(c);
            if (c.state == conn_state::closed) return data.size();
        }
        while (c.state == conn_state::open) {
            const std::string_view d = data.substr(pos);
            if (d.size() < 2) break;
            const auto b0 = static_cast<std::uint8_t>(d[0]);
            const auto b1 = static_cast<std::uint8_t>(d[1]);
            std::size_t hdr = 2;
            std::uint64_t len = b1 & 0x7f;
            if (len == 126) {
                if (d.size() < 4) break;
                len = (static_cast<std::uint64_t>(static_cast<std::uint8_t>(d[2])) << 8) |
                      static_cast<std::uint8_t>(d[3]);
                hdr = 4;
            } else if (len == 127) {
                if (d.size() < 10) break;
                len = 0;
                for (int i = 0; i < 8; ++i)
                    len =
                        (len << 8) | static_cast<std::uint8_t>(d[2 + static_cast<std::size_t>(i)]);
                hdr = 10;
            }
            const bool masked = (b1 & 0x80) != 0;
            if (masked) hdr += 4;
            if (d.size() < hdr + len) break;
            std::string unmasked;
            std::string_view payload = d.substr(hdr, len);
            if (masked) { // servers do not mask; tolerate it anyway
                unmasked.assign(payload);
                for (std::size_t i = 0; i < unmasked.size(); ++i)
                    unmasked[i] = static_cast<char>(unmasked[i] ^ d[hdr - 4 + (i & 3)]);
                payload = unmasked;
            }
            pos += hdr + len;
            const bool fin = (b0 & 0x80) != 0;
            const auto op = static_cast<std::uint8_t>(b0 & 0x0f);
            if (op == 0x8) { // close
                std::string why = "close frame";
                if (payload.size() >= 2)
                    why += " " + std::to_string((static_cast<std::uint8_t>(payload[0]) << 8) |
                                                static_cast<std::uint8_t>(payload[1]));
                if (c.kind == role::display) {
                    if (why.find("1013") != std::string::npos) ++displays_1013_;
                }
                close_conn(c, why.c_str());
                return data.size();
            }
            if (op == 0x9) {
                send_frame(c, 0xA, payload);
                continue;
            }
            if (op == 0xA) continue;
            if (op == 0x1 || op == 0x2) {
                if (fin) {
                    on_message(c, payload, t);
                } else {
                    c.message.assign(payload);
                }
            } else if (op == 0x0) {
                c.message.append(payload);
                if (fin) {
                    const std::string whole = std::move(c.message);
                    c.message.clear();
                    on_message(c, whole, t);
                }
            }
        }
        return c.state == conn_state::closed ? data.size() : pos;
    }

    // --- the protocol --------------------------------------------------------------------------
    void on_open(connection& c) {
        if (c.kind == role::display) {
            send_text(c, R"({"type":"board.subscribe","id":"sub","topic":")" + o_.topic +
                             R"(","since":0})");
        } else if (c.kind == role::organiser) {
            request(c,
                    {{"type", "auth.sign_in"},
                     {"subject", "organiser"},
                     {"secret", o_.organiser_password}},
                    [this](const json& r, std::int64_t) {
                        if (r.value("type", "") != "ok") fail("organiser sign-in: " + r.dump());
                        organiser_signed_in_ = true;
                    });
        } else if (c.kind == role::judge) {
            judge_state& j = judges_[static_cast<std::size_t>(c.index)];
            request(c, {{"type", "auth.sign_in"}, {"subject", j.id}, {"secret", j.secret}},
                    [this, &j, &c](const json& r, std::int64_t) {
                        if (r.value("type", "") != "ok")
                            fail("judge " + j.id + " sign-in: " + r.dump());
                        j.signed_in = true;
                        request(
                            c, {{"type", "judge.assignments"}},
                            [this, &j](const json& a, std::int64_t) { take_assignments(j, a); });
                    });
        } else {
            publisher_open_ = true;
        }
    }

    void request(connection& c, json msg, std::function<void(const json&, std::int64_t)> then) {
        const std::string id = "r" + std::to_string(++request_counter_);
        msg["id"] = id;
        c.pending.emplace(id, std::move(then));
        send_text(c, msg.dump());
    }

    void on_message(connection& c, std::string_view text, std::int64_t t) {
        if (c.kind == role::display) {
            on_display_message(c, text, t);
            return;
        }
        if (c.kind == role::publisher) {
            const frame_head h = scan_top_level(text);
            if (h.ok) {
                // {"type":"ok","seq":N}: read the seq
                const auto at = text.find("\"seq\":");
                if (at != std::string_view::npos) on_ack(parse_int(text, at + 6), t);
            }
            return;
        }
        json j = json::parse(text, nullptr, false);
        if (j.is_discarded() || !j.is_object()) return;
        const auto re = j.find("re");
        if (re == j.end() || !re->is_string()) {
            const std::string type = j.value("type", "");
            if (type == "session.ended") fail("session ended: " + j.dump());
            return; // pushes to control connections are ignored
        }
        const auto it = c.pending.find(re->get<std::string>());
        if (it == c.pending.end()) return;
        auto then = std::move(it->second);
        c.pending.erase(it);
        then(j, t);
    }

    void on_display_message(connection& c, std::string_view text, std::int64_t t) {
        const frame_head h = read_head(text);
        if (h.board) {
            ++boards_received_;
            last_board_bytes_ = text.size();
            if (h.version > c.version) {
                if (c.ready) {
                    move_display_version(c.version, h.version, t);
                    c.version = h.version;
                } else {
                    c.version = h.version;
                    make_ready(c);
                }
            }
            return;
        }
        if (h.ok) {
            c.subscribe_ok = true;
            if (!c.ready && h.version == 0) make_ready(c); // nothing to send yet
            return;
        }
        if (h.error) {
            if (++display_errors_ <= 5)
                std::cerr << "loadgen: display got an error: " << text.substr(0, 300) << '\n';
        }
    }

    void make_ready(connection& c) {
        c.ready = true;
        ++displays_ready_;
        ++version_count_[c.version];
        update_min(now_ns());
    }

    // The version histogram of ready displays: its lowest key is the newest version every
    // display has; `timeline_` records when that lowest version rose.
    void move_display_version(std::int64_t from, std::int64_t to, std::int64_t t) {
        auto it = version_count_.find(from);
        if (it != version_count_.end() && --it->second == 0) version_count_.erase(it);
        ++version_count_[to];
        update_min(t);
    }
    void remove_display_version(std::int64_t v) {
        auto it = version_count_.find(v);
        if (it != version_count_.end() && --it->second == 0) version_count_.erase(it);
        update_min(now_ns());
    }
    void update_min(std::int64_t t) {
        if (version_count_.empty()) return;
        const std::int64_t m = version_count_.begin()->first;
        if (timeline_.empty() || m > timeline_.back().first) {
            timeline_.emplace_back(m, t);
            while (!waiting_.empty() && waiting_.begin()->first <= m) {
                changes_[waiting_.begin()->second].t_last = t;
                ++completed_;
                waiting_.erase(waiting_.begin());
            }
        }
    }

    // The ack of change `ci` carries `seq`.
    void on_change_ack(std::size_t ci, std::int64_t seq, std::int64_t t) {
        change& ch = changes_[ci];
        ch.t_ack = t;
        ch.seq = seq;
        const std::int64_t m = timeline_.empty() ? -1 : timeline_.back().first;
        if (seq <= m) { // every display had it before the ack was read
            const auto it = std::lower_bound(timeline_.begin(), timeline_.end(), seq,
                                             [](const std::pair<std::int64_t, std::int64_t>& e,
                                                std::int64_t s) { return e.first < s; });
            ch.t_last = it->second;
            ++completed_;
        } else {
            waiting_.emplace(seq, ci);
        }
    }

    void on_ack(std::int64_t seq, std::int64_t t) { // ref mode: acks come in order
        if (publish_acked_ >= publish_changes_.size()) return;
        on_change_ack(publish_changes_[publish_acked_++], seq, t);
    }

    // --- aplc: judges and sheets ---------------------------------------------------------------
    void take_assignments(judge_state& j, const json& a) {
        if (a.value("type", "") != "ok") fail("judge.assignments of " + j.id + ": " + a.dump());
        for (const json& sc : a.value("scenarios", json::array())) {
            if (sc.value("phase", "open") != "open") continue; // locked: no more sheets
            auto fields = std::make_unique<std::vector<field_spec>>();
            for (const json& f : sc.value("fields", json::array())) {
                field_spec fs;
                fs.id = f.value("id", "");
                fs.kind = f.value("kind", "criterion");
                if (fs.kind != "check") {
                    const std::string mn = json_decimal(f.value("min", json()), "0");
                    const std::string mx = json_decimal(f.value("max", json()), "10");
                    const std::string st = json_decimal(f.value("step", json()), "1");
                    fs.places = std::max({places_of(mn), places_of(mx), places_of(st)});
                    fs.min = scaled(mn, fs.places);
                    fs.max = scaled(mx, fs.places);
                    fs.step = std::max<std::int64_t>(scaled(st, fs.places), 1);
                }
                fields->push_back(fs);
            }
            for (const json& e : sc.value("order", json::array())) {
                slot s;
                s.scenario = sc.value("scenario", "");
                s.entrant = e.value("entrant", "");
                s.fields = fields.get();
                const json sheet = e.value("sheet", json());
                if (sheet.is_number_integer()) s.current = sheet.get<std::int64_t>();
                s.variant = static_cast<int>(rng_() % 7);
                j.slots.push_back(s);
            }
            j.field_sets.push_back(std::move(fields));
        }
        if (j.slots.empty()) fail("judge " + j.id + " has no running order to score");
        // Fresh slots first, then corrections.
        std::stable_partition(j.slots.begin(), j.slots.end(),
                              [](const slot& s) { return s.current < 0; });
        j.have_assignments = true;
    }

    json make_values(const slot& s) {
        json values = json::object();
        int fi = 0;
        for (const field_spec& f : *s.fields) {
            const int v = s.variant + fi++;
            if (f.kind == "check") {
                values[f.id] = (v % 2) == 0;
                continue;
            }
            const std::int64_t steps = (f.max - f.min) / f.step; // on-step values: 0..steps
            // 30 %..70 % of the range, so that divisions by a time never see zero.
            const std::int64_t k = steps * (3 + (v % 5)) / 10;
            values[f.id] = format_scaled(f.min + k * f.step, f.places);
        }
        return values;
    }

    static std::string uuid4(std::mt19937_64& rng) {
        const std::uint64_t a = rng();
        const std::uint64_t b = rng();
        char buf[40];
        std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012" PRIx64,
                      static_cast<unsigned>(a >> 32), static_cast<unsigned>((a >> 16) & 0xffff),
                      static_cast<unsigned>(a & 0xfff),
                      static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3fff)), b & 0xffffffffffffU);
        return buf;
    }

    // Sends one board change; false when no judge has a free slot right now.
    bool send_change(bool measured) {
        const std::int64_t t = now_ns();
        if (o_.mode == "ref") {
            const std::size_t ci = changes_.size();
            changes_.push_back({});
            changes_[ci].t_submit = t;
            changes_[ci].measured = measured;
            publish_changes_.push_back(ci);
            send_text(*conns_[static_cast<std::size_t>(publisher_)],
                      R"({"type":"publish","seq":)" + std::to_string(++publish_seq_) + "}");
            return true;
        }
        for (std::size_t tries = 0; tries < judges_.size(); ++tries) {
            judge_state& j = judges_[next_judge_++ % judges_.size()];
            for (std::size_t k = 0; k < j.slots.size(); ++k) {
                slot& s = j.slots[(j.next_slot + k) % j.slots.size()];
                if (s.in_flight) continue;
                j.next_slot = (j.next_slot + k + 1) % j.slots.size();
                s.in_flight = true;
                ++s.variant;
                json sheet = {
                    {"scenario", s.scenario}, {"entrant", s.entrant}, {"values", make_values(s)}};
                json msg;
                if (s.current < 0) {
                    msg = {
                        {"type", "sheet.submit"}, {"submission_id", uuid4(rng_)}, {"sheet", sheet}};
                } else {
                    msg = {{"type", "sheet.correct"},
                           {"submission_id", uuid4(rng_)},
                           {"supersedes", s.current},
                           {"sheet", sheet},
                           {"reason", "loadgen: re-scored"}};
                }
                const std::size_t ci = changes_.size();
                changes_.push_back({});
                changes_[ci].measured = measured;
                changes_[ci].t_submit = now_ns();
                request(*conns_[static_cast<std::size_t>(j.conn)], std::move(msg),
                        [this, ci, &s](const json& r, std::int64_t tr) {
                            s.in_flight = false;
                            if (r.value("type", "") == "ok" && r.contains("seq")) {
                                const std::int64_t seq = r["seq"].get<std::int64_t>();
                                s.current = seq;
                                on_change_ack(ci, seq, tr);
                            } else {
                                changes_[ci].failed = true;
                                ++completed_;
                                if (++submit_errors_ <= 5)
                                    std::cerr << "loadgen: submit refused: " << r.dump() << '\n';
                            }
                        });
                return true;
            }
        }
        return false;
    }

    // --- the loop ------------------------------------------------------------------------------
    // Runs the event loop until `done()` or `deadline` (ns, 0: none); false on the deadline.
    bool loop_until(const std::function<bool()>& done, std::int64_t deadline,
                    const std::function<std::int64_t()>& tick = nullptr) {
        std::vector<epoll_event> events(4096);
        while (!done()) {
            std::int64_t now = now_ns();
            if (deadline != 0 && now >= deadline) return false;
            std::int64_t wake = deadline;
            if (tick) {
                const std::int64_t next = tick();
                if (done()) break;
                if (next != 0 && (wake == 0 || next < wake)) wake = next;
            }
            int timeout_ms = 100;
            now = now_ns();
            if (wake != 0)
                timeout_ms = static_cast<int>(
                    std::clamp<std::int64_t>((wake - now + 999'999) / 1'000'000, 0, 100));
            if (pending_opens_ > 0) timeout_ms = std::min(timeout_ms, 10);
            const int n =
                epoll_wait(ep_, events.data(), static_cast<int>(events.size()), timeout_ms);
            if (n < 0) {
                if (errno == EINTR) continue;
                fail("epoll_wait");
            }
            poll_control();
            for (int i = 0; i < n; ++i) {
                const epoll_event& e = events[static_cast<std::size_t>(i)];
                if (e.data.fd != control_ep_) on_event(e);
                if ((i + 1) % control_every == 0) poll_control();
            }
            open_more_displays();
        }
        return true;
    }

    // How many display events are handled between two looks at the control connections.
    static constexpr int control_every = 32;

    void on_event(const epoll_event& e) {
        const int id = fd_to_conn_[static_cast<std::size_t>(e.data.fd)];
        if (id < 0) return;
        connection& c = *conns_[static_cast<std::size_t>(id)];
        if ((e.events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) != 0 &&
            (c.want_out || c.state == conn_state::connecting))
            on_writable(c);
        if (c.state != conn_state::closed && (e.events & (EPOLLIN | EPOLLERR | EPOLLHUP)) != 0)
            on_readable(c);
    }

    // Handles whatever the judges', the organiser's or the publisher's connections have now.
    void poll_control() {
        std::array<epoll_event, 64> events{};
        const int n = epoll_wait(control_ep_, events.data(), static_cast<int>(events.size()), 0);
        for (int i = 0; i < n; ++i) on_event(events[static_cast<std::size_t>(i)]);
    }

    // Keeps at most --connect-concurrency displays between connect() and their first board.
    void open_more_displays() {
        while (pending_opens_ > 0) {
            const auto opened = static_cast<std::size_t>(o_.displays - pending_opens_);
            const std::size_t in_progress = opened - displays_ready_ - displays_closed_;
            if (in_progress >= static_cast<std::size_t>(o_.connect_concurrency)) break;
            open_connection(role::display, o_.displays - pending_opens_);
            --pending_opens_;
        }
    }

    void setup_aplc();
    void setup_ref();
    void connect_displays();
    void measure();
    void report();
    void write_samples() const;

    options o_;
    std::mt19937_64 rng_;
    int ep_ = -1;         // the displays, and control_ep_
    int control_ep_ = -1; // judges, organiser, publisher
    sockaddr_in addr_{};
    std::vector<std::unique_ptr<connection>> conns_;
    std::vector<int> fd_to_conn_;
    std::array<char, 256 * 1024> scratch_{};
    int pending_opens_ = 0;
    bool shutting_down_ = false;
    std::uint64_t request_counter_ = 0;

    // displays
    std::size_t displays_ready_ = 0;
    std::size_t displays_closed_ = 0;
    std::size_t displays_1013_ = 0;
    std::size_t display_errors_ = 0;
    std::uint64_t boards_received_ = 0;
    std::size_t last_board_bytes_ = 0;
    std::map<std::int64_t, std::uint32_t> version_count_;
    std::vector<std::pair<std::int64_t, std::int64_t>> timeline_; // (min version, when)
    std::multimap<std::int64_t, std::size_t> waiting_;            // seq -> change

    // changes
    std::vector<change> changes_;
    std::size_t completed_ = 0;
    std::size_t submit_errors_ = 0;

    // aplc
    bool organiser_signed_in_ = false;
    std::vector<judge_state> judges_;
    std::size_t next_judge_ = 0;

    // ref
    int publisher_ = -1;
    bool publisher_open_ = false;
    std::int64_t publish_seq_ = 0;
    std::vector<std::size_t> publish_changes_;
    std::size_t publish_acked_ = 0;

    // measurements
    std::optional<long> rss_before_, rss_after_, rss_end_, rss_max_;
    double client_cpu_ = 0;
    std::optional<double> server_cpu_, server_sched_;
    std::optional<metric_samples> metrics_before_, metrics_after_; // aplc's /metrics
    double wall_s_ = 0;
    std::size_t measured_changes_ = 0;
};

std::vector<std::string> split_commas(const std::string& s) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : s) {
        if (c == ',') {
            if (!cur.empty()) out.push_back(cur);
            cur.clear();
        } else if (c != ' ') {
            cur.push_back(c);
        }
    }
    if (!cur.empty()) out.push_back(cur);
    return out;
}

void loadgen::setup_aplc() {
    // Judges: those who sit on a panel or hold a role, in the event's order.
    std::vector<std::string> ids = split_commas(o_.judge_ids);
    if (ids.empty()) {
        if (o_.event_file.empty()) fail("aplc mode needs --event or --judge-ids");
        std::ifstream in(o_.event_file);
        const json ev = json::parse(in, nullptr, false);
        if (ev.is_discarded()) fail("cannot read " + o_.event_file);
        std::vector<std::string> working;
        for (const json& sc : ev.value("scenarios", json::array())) {
            for (const json& p : sc.value("panel", json::array()))
                if (p.is_string()) working.push_back(p.get<std::string>());
            if (const auto roles = sc.find("roles"); roles != sc.end() && roles->is_object())
                for (const auto& [r, who] : roles->items())
                    if (who.is_string()) working.push_back(who.get<std::string>());
        }
        for (const json& jd : ev.value("judges", json::array())) {
            const std::string id = jd.value("id", "");
            if (std::find(working.begin(), working.end(), id) != working.end()) ids.push_back(id);
        }
    }
    if (ids.size() < static_cast<std::size_t>(o_.judges))
        fail("only " + std::to_string(ids.size()) + " judges to sign in; lower --judges");
    ids.resize(static_cast<std::size_t>(o_.judges));
    judges_.resize(ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i) judges_[i].id = ids[i];

    const std::int64_t deadline = now_ns() + static_cast<std::int64_t>(o_.setup_timeout_s * 1e9);
    const int org = open_connection(role::organiser, 0);
    if (!loop_until([this] { return organiser_signed_in_; }, deadline))
        fail("the organiser could not sign in (is --organiser-password right?)");
    std::size_t issued = 0;
    for (judge_state& j : judges_) {
        request(*conns_[static_cast<std::size_t>(org)],
                {{"type", "auth.issue"}, {"subject", j.id}, {"role", "judge"}},
                [&j, &issued](const json& r, std::int64_t) {
                    if (r.value("type", "") != "ok") fail("auth.issue " + j.id + ": " + r.dump());
                    j.secret = r.value("secret", "");
                    ++issued;
                });
    }
    if (!loop_until([&] { return issued == judges_.size(); }, deadline))
        fail("auth.issue timed out");
    for (std::size_t i = 0; i < judges_.size(); ++i)
        judges_[i].conn = open_connection(role::judge, static_cast<int>(i));
    if (!loop_until(
            [this] {
                return std::all_of(judges_.begin(), judges_.end(),
                                   [](const judge_state& j) { return j.have_assignments; });
            },
            deadline))
        fail("judges could not sign in and read their assignments");
    std::size_t fresh = 0;
    std::size_t total = 0;
    for (const judge_state& j : judges_) {
        total += j.slots.size();
        for (const slot& s : j.slots) fresh += s.current < 0 ? 1 : 0;
    }
    if (!o_.quiet)
        std::cerr << "loadgen: " << judges_.size() << " judges signed in, " << total
                  << " sheets to send (" << fresh << " new, the rest corrections)\n";
}

void loadgen::setup_ref() {
    const std::int64_t deadline = now_ns() + static_cast<std::int64_t>(o_.setup_timeout_s * 1e9);
    publisher_ = open_connection(role::publisher, 0);
    if (!loop_until([this] { return publisher_open_; }, deadline))
        fail("the publisher could not connect");
}

void loadgen::connect_displays() {
    rss_before_ = proc_rss_kib(o_.server_pid);
    const std::int64_t t0 = now_ns();
    pending_opens_ = o_.displays;
    open_more_displays();
    const std::int64_t deadline = t0 + static_cast<std::int64_t>(o_.setup_timeout_s * 1e9);
    if (!loop_until(
            [this] {
                return pending_opens_ == 0 &&
                       displays_ready_ + displays_closed_ >= static_cast<std::size_t>(o_.displays);
            },
            deadline))
        fail("displays not all connected and subscribed: " + std::to_string(displays_ready_) +
             " of " + std::to_string(o_.displays));
    // Let the server settle (its allocator, the last writes) before reading its memory.
    loop_until([] { return false; }, now_ns() + 300'000'000);
    rss_after_ = proc_rss_kib(o_.server_pid);
    if (!o_.quiet)
        std::cerr << "loadgen: " << displays_ready_ << " displays subscribed to '" << o_.topic
                  << "' in " << static_cast<double>(now_ns() - t0) / 1e9 << " s"
                  << (displays_closed_ ? " (" + std::to_string(displays_closed_) + " closed)"
                                       : std::string())
                  << '\n';
}

void loadgen::measure() {
    const auto timeout = static_cast<std::int64_t>(o_.timeout_s * 1e9);
    // Warm-up: changes one at a time, not counted.
    for (int i = 0; i < o_.warmup; ++i) {
        const std::size_t before = completed_;
        if (!send_change(false)) break;
        loop_until([&] { return completed_ > before; }, now_ns() + timeout);
    }
    loop_until([] { return false; }, now_ns() + 100'000'000);

    if (o_.mode == "aplc") metrics_before_ = fetch_metrics(addr_, o_.host);
    const double cpu0 = self_cpu_seconds();
    const auto server0 = proc_cpu_seconds(o_.server_pid);
    const auto sched0 = proc_sched_seconds(o_.server_pid);
    const std::int64_t t0 = now_ns();
    const std::size_t first = changes_.size();
    rss_max_ = proc_rss_kib(o_.server_pid);
    std::int64_t next_rss = t0 + 1'000'000'000;
    auto sample_rss = [&] {
        if (now_ns() < next_rss) return;
        next_rss += 1'000'000'000;
        const auto r = proc_rss_kib(o_.server_pid);
        if (r && (!rss_max_ || *r > *rss_max_)) rss_max_ = r;
    };

    if (o_.rate <= 0) {
        for (int i = 0; i < o_.rounds; ++i) {
            const std::size_t before = completed_;
            if (!send_change(true)) fail("no sheet free to send");
            loop_until([&] { return completed_ > before; }, now_ns() + timeout);
            sample_rss();
            if (o_.gap_ms > 0)
                loop_until([] { return false; },
                           now_ns() + static_cast<std::int64_t>(o_.gap_ms * 1e6));
        }
    } else {
        const auto period = static_cast<std::int64_t>(1e9 / o_.rate);
        const std::int64_t end = t0 + static_cast<std::int64_t>(o_.duration * 1e9);
        std::int64_t next = t0;
        std::size_t skipped = 0;
        loop_until([] { return false; }, end,
                   [&]() -> std::int64_t {
                       std::int64_t now = now_ns();
                       while (next <= now && next < end) {
                           if (!send_change(true)) ++skipped;
                           next += period;
                           now = now_ns();
                       }
                       sample_rss();
                       return next < end ? next : end;
                   });
        if (skipped > 0) std::cerr << "loadgen: " << skipped << " changes skipped: no free sheet\n";
    }
    // Wait for what is still on its way.
    loop_until(
        [&] {
            return std::all_of(changes_.begin() + static_cast<std::ptrdiff_t>(first),
                               changes_.end(),
                               [](const change& c) { return c.failed || c.t_last >= 0; });
        },
        now_ns() + timeout);
    const std::int64_t t1 = now_ns();
    wall_s_ = static_cast<double>(t1 - t0) / 1e9;
    client_cpu_ = self_cpu_seconds() - cpu0;
    const auto server1 = proc_cpu_seconds(o_.server_pid);
    const auto sched1 = proc_sched_seconds(o_.server_pid);
    if (server0 && server1) server_cpu_ = *server1 - *server0;
    if (sched0 && sched1) server_sched_ = *sched1 - *sched0;
    rss_end_ = proc_rss_kib(o_.server_pid);
    if (rss_end_ && (!rss_max_ || *rss_end_ > *rss_max_)) rss_max_ = rss_end_;
    measured_changes_ = changes_.size() - first;
    if (o_.mode == "aplc") metrics_after_ = fetch_metrics(addr_, o_.host);
}

// One line per measured change, in the order submitted, so that slow changes can be placed in
// time (beside the server's log or a trace).
void loadgen::write_samples() const {
    std::ofstream out(o_.samples);
    if (!out) throw std::runtime_error("cannot write " + o_.samples);
    out << "submit_ns,ack_us,last_us\n";
    for (const change& c : changes_) {
        if (!c.measured || c.failed) continue;
        out << c.t_submit << ',';
        if (c.t_ack >= 0) out << (c.t_ack - c.t_submit) / 1000;
        out << ',';
        if (c.t_last >= 0) out << (std::max(c.t_last, c.t_submit) - c.t_submit) / 1000;
        out << '\n';
    }
}

void loadgen::report() {
    std::vector<double> ack_us;
    std::vector<double> last_us;
    std::size_t incomplete = 0;
    std::size_t failed = 0;
    for (const change& c : changes_) {
        if (!c.measured) continue;
        if (c.failed) {
            ++failed;
            continue;
        }
        if (c.t_ack >= 0) ack_us.push_back(static_cast<double>(c.t_ack - c.t_submit) / 1e3);
        if (c.t_last >= 0)
            last_us.push_back(static_cast<double>(std::max(c.t_last, c.t_submit) - c.t_submit) /
                              1e3);
        else
            ++incomplete;
    }
    if (!o_.samples.empty()) write_samples();
    const stats_summary ack = summarize(ack_us);
    const stats_summary last = summarize(last_us);
    const double n_changes = static_cast<double>(std::max<std::size_t>(measured_changes_, 1));
    const double n_disp = static_cast<double>(std::max(o_.displays, 1));
    const double client_us = client_cpu_ * 1e6 / n_changes;
    const std::optional<double> server_us =
        server_cpu_ ? std::optional<double>(*server_cpu_ * 1e6 / n_changes) : std::nullopt;
    const std::optional<double> sched_us =
        server_sched_ ? std::optional<double>(*server_sched_ * 1e6 / n_changes) : std::nullopt;
    std::optional<double> mem_per_conn;
    if (rss_before_ && rss_after_)
        mem_per_conn = static_cast<double>(*rss_after_ - *rss_before_) * 1024.0 / n_disp;

    auto fmt = [](double v, int prec = 1) {
        char b[64];
        std::snprintf(b, sizeof b, "%.*f", prec, v);
        return std::string(b);
    };
    auto fmt_opt = [&](const std::optional<double>& v, int prec = 1) {
        return v ? fmt(*v, prec) : std::string("na");
    };
    auto fmt_kib = [](const std::optional<long>& v) {
        return v ? std::to_string(*v) : std::string("na");
    };
    const std::string label = o_.label.empty() ? o_.mode : o_.label;
    const std::string load = o_.rate > 0 ? fmt(o_.rate, 0) + "/s for " + fmt(o_.duration, 0) + " s"
                                         : std::to_string(o_.rounds) + " rounds";

    std::printf("\n%s: %d displays on '%s', %s, board %zu bytes\n", label.c_str(), o_.displays,
                o_.topic.c_str(), load.c_str(), last_board_bytes_);
    std::printf("  %-34s %10s %10s %10s\n", "", "p50", "p99", "max");
    std::printf("  %-34s %10s %10s %10s\n", "submit -> ack (ms)", fmt(ack.p50 / 1e3, 3).c_str(),
                fmt(ack.p99 / 1e3, 3).c_str(), fmt(ack.max / 1e3, 3).c_str());
    std::printf("  %-34s %10s %10s %10s\n", "submit -> last display (ms)",
                fmt(last.p50 / 1e3, 2).c_str(), fmt(last.p99 / 1e3, 2).c_str(),
                fmt(last.max / 1e3, 2).c_str());
    std::printf("  %-34s %10s\n", "  per recipient, p50 (us)", fmt(last.p50 / n_disp, 2).c_str());
    // The server's own part of the ack (aplc's /metrics): from reading the judge's frame until
    // the ack is handed to its socket, and its phases; bucket bounds, so "<= x".
    struct server_part {
        const char* key;
        const char* name;
        const char* labels;
        std::optional<double> p50, p99;
    };
    std::array<server_part, 4> parts{
        {{"server_ack", "aplc_ack_seconds", "", {}, {}},
         {"queued", "aplc_ack_phase_seconds", "phase=\"queued\",", {}, {}},
         {"commit", "aplc_ack_phase_seconds", "phase=\"commit\",", {}, {}},
         {"reply", "aplc_ack_phase_seconds", "phase=\"reply\",", {}, {}}}};
    std::string server_fields;
    if (metrics_before_ && metrics_after_) {
        std::printf("  server's part of the ack (ms, <= bucket bound): p50 / p99\n   ");
        for (auto& part : parts) {
            part.p50 =
                histogram_quantile(*metrics_before_, *metrics_after_, part.name, part.labels, 0.5);
            part.p99 =
                histogram_quantile(*metrics_before_, *metrics_after_, part.name, part.labels, 0.99);
            std::printf(" %s %s / %s", part.key, fmt_opt(part.p50, 2).c_str(),
                        fmt_opt(part.p99, 2).c_str());
            server_fields += std::string(" ") + part.key + "_p50_ms=" + fmt_opt(part.p50, 2) + " " +
                             part.key + "_p99_ms=" + fmt_opt(part.p99, 2);
        }
        // The same acks on both sides? Their counts, and the means (exact, not bucketed).
        const double counted =
            sample_growth(*metrics_before_, *metrics_after_, "aplc_ack_seconds_count");
        const double mean_ms =
            counted > 0 ? sample_growth(*metrics_before_, *metrics_after_, "aplc_ack_seconds_sum") /
                              counted * 1e3
                        : 0.0;
        std::printf("\n    %.0f acks counted by the server, mean %.3f ms (here: %zu, mean %.3f "
                    "ms)\n",
                    counted, mean_ms, ack.n, ack.mean / 1e3);
        server_fields +=
            " server_acks=" + fmt(counted, 0) + " server_ack_mean_ms=" + fmt(mean_ms, 3);
        // The server's part of the fan-out: each board's delivery pass, from its publish until
        // the last subscriber had been handed it (queued on the connection, written at once
        // when it is idle), as against the last display reading it here. Passes, not changes:
        // changes published during a pass are merged into the next one.
        const auto d50 = histogram_quantile(*metrics_before_, *metrics_after_,
                                            "aplc_board_delivery_seconds", "", 0.5);
        const auto d99 = histogram_quantile(*metrics_before_, *metrics_after_,
                                            "aplc_board_delivery_seconds", "", 0.99);
        const double passes =
            sample_growth(*metrics_before_, *metrics_after_, "aplc_board_delivery_seconds_count");
        const double pass_mean_ms = passes > 0 ? sample_growth(*metrics_before_, *metrics_after_,
                                                               "aplc_board_delivery_seconds_sum") /
                                                     passes * 1e3
                                               : 0.0;
        std::printf("  server's board delivery (ms, <= bucket bound): p50 %s / p99 %s, mean "
                    "%.2f over %.0f passes\n",
                    fmt_opt(d50, 1).c_str(), fmt_opt(d99, 1).c_str(), pass_mean_ms, passes);
        server_fields +=
            " delivery_p50_ms=" + fmt_opt(d50, 1) + " delivery_p99_ms=" + fmt_opt(d99, 1) +
            " delivery_mean_ms=" + fmt(pass_mean_ms, 2) + " delivery_passes=" + fmt(passes, 0);
    }
    std::printf("  changes measured %zu, incomplete %zu, refused %zu; displays closed %zu "
                "(1013: %zu)\n",
                measured_changes_, incomplete, failed, displays_closed_, displays_1013_);
    std::printf("  CPU per change: client %s us, server %s us (schedstat %s us) = %s us per "
                "recipient\n",
                fmt(client_us).c_str(), fmt_opt(server_us).c_str(), fmt_opt(sched_us).c_str(),
                sched_us ? fmt(*sched_us / n_disp, 2).c_str() : "na");
    std::printf("  server RSS: %s KiB before displays, %s after (%s bytes per connection), "
                "%s at the end, %s max\n",
                fmt_kib(rss_before_).c_str(), fmt_kib(rss_after_).c_str(),
                fmt_opt(mem_per_conn, 0).c_str(), fmt_kib(rss_end_).c_str(),
                fmt_kib(rss_max_).c_str());

    std::printf("RESULT case=%s label=%s mode=%s displays=%d judges=%d topic=%s rounds=%d rate=%s "
                "duration_s=%s board_bytes=%zu changes=%zu incomplete=%zu refused=%zu "
                "displays_closed=%zu closed_1013=%zu "
                "ack_p50_ms=%s ack_p99_ms=%s ack_max_ms=%s ack_mean_ms=%s "
                "last_p50_ms=%s last_p99_ms=%s last_max_ms=%s "
                "last_p50_us_per_recipient=%s "
                "client_cpu_us_per_change=%s server_cpu_us_per_change=%s "
                "server_sched_us_per_change=%s server_sched_us_per_recipient=%s "
                "rss_before_kib=%s rss_after_kib=%s rss_end_kib=%s rss_max_kib=%s "
                "mem_per_conn_bytes=%s wall_s=%s%s\n",
                o_.case_name.empty() ? "-" : o_.case_name.c_str(), label.c_str(), o_.mode.c_str(),
                o_.displays, o_.mode == "ref" ? 1 : o_.judges, o_.topic.c_str(),
                o_.rate > 0 ? 0 : o_.rounds, fmt(o_.rate, 1).c_str(),
                o_.rate > 0 ? fmt(o_.duration, 1).c_str() : "0", last_board_bytes_,
                measured_changes_, incomplete, failed, displays_closed_, displays_1013_,
                fmt(ack.p50 / 1e3, 3).c_str(), fmt(ack.p99 / 1e3, 3).c_str(),
                fmt(ack.max / 1e3, 3).c_str(), fmt(ack.mean / 1e3, 3).c_str(),
                fmt(last.p50 / 1e3, 3).c_str(), fmt(last.p99 / 1e3, 3).c_str(),
                fmt(last.max / 1e3, 3).c_str(), fmt(last.p50 / n_disp, 2).c_str(),
                fmt(client_us).c_str(), fmt_opt(server_us).c_str(), fmt_opt(sched_us).c_str(),
                sched_us ? fmt(*sched_us / n_disp, 2).c_str() : "na", fmt_kib(rss_before_).c_str(),
                fmt_kib(rss_after_).c_str(), fmt_kib(rss_end_).c_str(), fmt_kib(rss_max_).c_str(),
                fmt_opt(mem_per_conn, 0).c_str(), fmt(wall_s_, 2).c_str(), server_fields.c_str());
    std::fflush(stdout);
}

int loadgen::run() {
    if (o_.mode == "aplc")
        setup_aplc();
    else
        setup_ref();
    connect_displays();
    measure();
    report();
    shutting_down_ = true;
    for (auto& c : conns_)
        if (c->state != conn_state::closed) close_conn(*c, "done");
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"loadgen: WebSocket fan-out load generator (bench/fanout.sh)"};
    options o;
    app.add_option("--mode", o.mode, "aplc (the real server) or ref (a reference broadcaster)")
        ->check(CLI::IsMember({"aplc", "ref"}))
        ->capture_default_str();
    app.add_option("--host", o.host, "server address")->capture_default_str();
    app.add_option("--port", o.port, "server port")->required();
    app.add_option("--path", o.path, "WebSocket path")->capture_default_str();
    app.add_option("--origin", o.origin, "Origin header (default http://HOST:PORT)");
    app.add_option("--label", o.label, "name of the server in the output");
    app.add_option("--case", o.case_name, "name of the case in the RESULT line");
    app.add_option("-n,--displays", o.displays, "display connections")->capture_default_str();
    app.add_option("-m,--judges", o.judges, "judge connections (aplc)")->capture_default_str();
    app.add_option("--topic", o.topic, "board topic the displays subscribe to")
        ->capture_default_str();
    app.add_option("-r,--rounds", o.rounds, "changes one after the other (without --rate)")
        ->capture_default_str();
    app.add_option("--warmup", o.warmup, "changes before measuring")->capture_default_str();
    app.add_option("--rate", o.rate, "board changes per second (0: rounds)")->capture_default_str();
    app.add_option("--duration", o.duration, "seconds of changes at --rate")->capture_default_str();
    app.add_option("--gap-ms", o.gap_ms, "pause between rounds")->capture_default_str();
    app.add_option("--samples", o.samples,
                   "write each measured change to this CSV file: when it was submitted (ns, "
                   "CLOCK_MONOTONIC), its ack and its last display (us; empty: none)");
    app.add_option("--timeout", o.timeout_s, "seconds before a change counts incomplete")
        ->capture_default_str();
    app.add_option("--board-bytes", o.board_bytes, "(ref) size of a board; informational")
        ->capture_default_str();
    app.add_option("--organiser-password", o.organiser_password, "(aplc) organiser password");
    app.add_option("--event", o.event_file, "(aplc) the event file: judges to sign in");
    app.add_option("--judge-ids", o.judge_ids, "(aplc) judges to sign in, comma-separated");
    app.add_option("--server-pid", o.server_pid, "server process: CPU and memory from /proc");
    app.add_option("--connect-concurrency", o.connect_concurrency,
                   "display handshakes in progress at once")
        ->capture_default_str();
    app.add_option("--setup-timeout", o.setup_timeout_s, "seconds for sign-in and connecting")
        ->capture_default_str();
    app.add_flag("-q,--quiet", o.quiet, "no progress lines on stderr");
    CLI11_PARSE(app, argc, argv);
    if (o.mode == "aplc" && o.organiser_password.empty())
        fail("aplc mode needs --organiser-password");
    return loadgen{std::move(o)}.run();
}
