#include "make_export.hpp"

#include "aplc/app/event_database.hpp"
#include "aplc/export/pdf_export.hpp"
#include "aplc/store/log_store.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string_view>
#include <system_error>

#include <stdlib.h>

namespace aplc::net {
namespace {

using nlohmann::json;

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

} // namespace

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

} // namespace aplc::net
