#include "serve_command.hpp"

#include "aplc/live/auth.hpp"
#include "aplc/live/service.hpp"
#include "aplc/store/log_store.hpp"
#include "db_commands.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <random>
#include <set>

namespace aplc {

void register_serve_command(CLI::App& app, serve_options& o) {
    auto* cmd = app.add_subcommand("serve", "Run the venue server: judges' tablets, hall displays "
                                            "and the organiser's console over HTTP and WebSocket");
    cmd->add_option("--db", o.db,
                    "event database (SQLite); a new one starts in set-up, where the organiser "
                    "creates the event in the console, unless --event imports one")
        ->required();
    cmd->add_option("--event", o.event_file,
                    "event file to import first (nothing is stored twice)");
    cmd->add_flag("--no-sheets", o.no_sheets,
                  "import only the event's definition, not its sheets and run rulings (a "
                  "rehearsal for `aplc simulate`)")
        ->needs("--event");
    cmd->add_option("--bind", o.net.bind, "address to listen on")->capture_default_str();
    cmd->add_option("--port", o.net.port, "port to listen on; 0 picks a free one")
        ->capture_default_str();
    auto* cert = cmd->add_option("--tls-cert", o.net.tls_cert, "TLS certificate chain (PEM)");
    auto* key = cmd->add_option("--tls-key", o.net.tls_key, "TLS private key (PEM)");
    cert->needs(key);
    key->needs(cert);
    cmd->add_option("--web-root", o.net.web_root, "directory of the web apps")
        ->capture_default_str();
    cmd->add_option("--allow-origin", o.net.allowed_origins,
                    "another origin whose pages may open WebSockets (repeatable)");
    cmd->add_option("--organiser-password", o.organiser_password,
                    "the organiser's password, set at first start (or APLC_ORGANISER_PASSWORD)");
    cmd->add_flag("--demo-codes", o.demo_codes,
                  "issue and print sign-in codes for every judge and a display (demo only)");
    cmd->add_option("--session-hours", o.session_hours, "how long a sign-in lasts")
        ->capture_default_str()
        ->check(CLI::Range(0.01, 24.0 * 14));
    cmd->add_option("--slow-client-ms", o.net.slow_client,
                    "close a connection whose write has not finished in this time (1013)")
        ->capture_default_str();
    cmd->add_option("--idle-timeout-ms", o.net.idle_timeout,
                    "ping a WebSocket that has sent nothing for half this time; close it when "
                    "nothing has come for all of it")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    cmd->add_option("--max-connections", o.net.max_connections,
                    "connections open at once; past it a new one is answered 503 (default: "
                    "the open-file limit, raised to its hard limit, less 128)");
    cmd->add_option("--max-connections-per-address", o.net.max_connections_per_address,
                    "connections open at once from one IP address; 0: no limit")
        ->capture_default_str();
}

namespace {

std::string random_password() {
    static constexpr std::string_view alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
    std::random_device rd;
    std::uniform_int_distribution<std::size_t> pick{0, alphabet.size() - 1};
    std::string out;
    for (int i = 0; i < 16; ++i) out += alphabet[pick(rd)];
    return out;
}

// Judges who hold a "head" role in some scenario sign in as head judges in the demo.
std::set<std::string> head_judges(const nlohmann::json& doc) {
    std::set<std::string> heads;
    const auto scenarios = doc.value("scenarios", nlohmann::json::array());
    for (const auto& s : scenarios) {
        const auto roles = s.value("roles", nlohmann::json::object());
        for (const auto& [role, judge] : roles.items())
            if (role == "head") heads.insert(judge.get<std::string>());
    }
    return heads;
}

} // namespace

int run_serve(const serve_options& o, std::ostream& out, std::ostream& err) {
    if (!o.event_file.empty())
        if (int status = import_event_file(o.db, o.event_file, out, err, o.no_sheets))
            return status;
    auto log = store::log_store::open(o.db, store::open_mode::read_write);
    if (!log) {
        err << "aplc: " << log.error().message << " [" << store::code_name(log.error().code)
            << "]\n";
        return 1;
    }
    // Commits then rewrite the WAL in place (a faster, steadier fsync); only an optimisation.
    const auto sized = [&log]() -> store::result<store::done> {
        auto bytes = (*log)->steady_wal_bytes();
        if (!bytes) return bytes.error();
        return (*log)->presize_wal(*bytes);
    }();
    if (!sized)
        err << "aplc: warning: the write-ahead log was not pre-sized: " << sized.error().message
            << " [" << store::code_name(sized.error().code) << "]\n";
    live::auth_options ao;
    ao.session_lifetime = std::chrono::seconds{static_cast<long>(o.session_hours * 3600)};
    auto codes = live::auth::open(o.db, ao);
    if (!codes) {
        err << "aplc: " << codes.error().message << " [" << codes.error().code << "]\n";
        return 1;
    }
    auto& auth = **codes;

    std::string password = o.organiser_password;
    if (password.empty())
        if (const char* env = std::getenv("APLC_ORGANISER_PASSWORD")) password = env;
    if (!auth.has_organiser() || (o.demo_codes && !password.empty())) {
        const bool generated = password.empty();
        if (generated) password = random_password();
        if (auto set = auth.set_organiser_password(password); !set) {
            err << "aplc: " << set.error().message << "\n";
            return 1;
        }
        if (generated) out << "organiser password (shown once, keep it): " << password << "\n";
    }

    auto app = live::service::open(**log, auth);
    if (!app) {
        err << "aplc: " << app.error().message << " [" << store::code_name(app.error().code)
            << "]\n";
        return 1;
    }

    if (!(*app)->has_event())
        out << "set-up: " << o.db
            << " holds no event yet. Sign in to the organiser console (below) and create it "
               "there, or stop and start with --event FILE.\n";

    if (o.demo_codes) {
        nlohmann::json doc;
        std::ifstream in{o.event_file};
        if (!o.event_file.empty() && in) doc = nlohmann::json::parse(in, nullptr, false);
        const auto heads = doc.is_object() ? head_judges(doc) : std::set<std::string>{};
        out << "demo sign-in codes:\n";
        if (!password.empty()) out << "  organiser          password " << password << "\n";
        const auto judges = doc.is_object() ? doc.value("judges", nlohmann::json::array())
                                            : nlohmann::json::array();
        for (const auto& j : judges) {
            const auto id = j.at("id").get<std::string>();
            const auto r = heads.contains(id) ? live::role::head_judge : live::role::judge;
            auto code = auth.issue(r, id);
            if (code)
                out << "  " << id << " "
                    << std::string(16 - std::min<std::size_t>(id.size(), 15), ' ') << "code "
                    << *code << "  (" << live::role_name(r) << ", " << j.value("name", "") << ")\n";
        }
        if (auto code = auth.issue(live::role::display, "display:hall"))
            out << "  display:hall       code " << *code << "\n";
    }
    net::server_options net_options = o.net;
    net_options.db_path = o.db;
    return net::serve(**app, auth, net_options, out, err);
}

} // namespace aplc
