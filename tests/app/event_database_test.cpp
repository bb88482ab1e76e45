// The event as a log: import, replay, and checkpoints that must never change what replay gives.
#include "aplc/app/event_database.hpp"
#include "aplc/codec/event_codec.hpp"
#include "aplc/codec/log_codec.hpp"
#include "aplc/codec/standings_codec.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace sc = aplc::scoring;
namespace st = aplc::store;
using nlohmann::json;

namespace {

struct scratch_db {
    std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                ("aplc-app-" + std::to_string(::getpid()) + "-" +
                                 std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    std::string path;
    scratch_db() {
        std::filesystem::create_directories(dir);
        path = (dir / "event.db").string();
    }
    ~scratch_db() { std::filesystem::remove_all(dir); }
};

json demo() {
    std::ifstream in{std::string{APLC_EXAMPLES} + "/aplc-demo.json"};
    return json::parse(in);
}

std::unique_ptr<st::log_store> open_log(const std::string& path) {
    auto log = st::log_store::open(path, st::open_mode::read_write);
    REQUIRE(log.ok());
    return std::move(log.value());
}

// Imports `doc` into `log` and replays every entry.
st::result<sc::event_state> imported(st::log_store& log, const json& doc) {
    REQUIRE(aplc::app::import_event(log, doc, "organiser", "2026-11-24T08:00:00.000Z").ok());
    auto state = aplc::app::replay_all(log);
    REQUIRE(state.ok());
    return state;
}

// The standings of a replayed state, as the JSON every client sees.
json board_of(const sc::event_state& state) {
    auto compiled = sc::rulebook::compile(state.scored_event());
    REQUIRE(std::holds_alternative<sc::rulebook>(compiled));
    const auto& rules = std::get<sc::rulebook>(compiled);
    return aplc::codec::encode_standings(rules, sc::compute_standings(rules));
}

void append(st::log_store& log, const sc::log_action& action) {
    auto e = aplc::codec::encode_action(action);
    REQUIRE(log.append({e.kind, "test", "test", "", e.body, "2026-11-24T10:00:00.000Z", ""}).ok());
}

// A correction, a withdrawal, an approval, a ruling, a phase, a freeze and a protest, on top of
// the imported demo.
void add_life(st::log_store& log, const sc::event_state& state) {
    const auto* first = &state.sheets.begin()->second;
    sc::sheet corrected = first->value;
    append(log, sc::sheet_corrected{first->seq, corrected, "typo"});
    const auto* second = &std::next(state.sheets.begin())->second;
    append(log, sc::sheet_withdrawn{second->seq, "entered twice"});
    append(log, sc::sheet_approved{std::next(state.sheets.begin(), 2)->second.seq});
    sc::run_ruling ruling;
    ruling.scenario.value = "hostage-rescue";
    ruling.entrant.value = "SGP";
    ruling.status = sc::run_status::dq;
    append(log, sc::run_status_set{ruling, "weapon"});
    append(log, sc::scenario_phase_set{{"riot-control"}, sc::scenario_phase::locked});
    append(log, sc::board_frozen{"overall"});
    append(log, sc::protest_filed{"P1", {"riot-control"}, {"MYS"}, "timing"});
    append(log, sc::protest_ruled{"P1", false, "no evidence"});
    append(log, sc::display_configured{"hall", {{"overall", 30}, {"latest", 10}}, "contrast"});
    append(log, sc::display_configured{"*", {{"scenario/riot-control", 20}}, ""});
}

void check_same(const sc::event_state& a, const sc::event_state& b) {
    CHECK(a.seq == b.seq);
    CHECK(a.rules_version == b.rules_version);
    CHECK(a.definition_entries == b.definition_entries);
    REQUIRE(a.sheets.size() == b.sheets.size());
    for (const auto& [key, sheet] : a.sheets) {
        INFO(key);
        REQUIRE(b.sheets.contains(key));
        const auto& other = b.sheets.find(key)->second;
        CHECK(sheet.seq == other.seq);
        CHECK(sheet.first_seq == other.first_seq);
        CHECK(sheet.approved == other.approved);
        CHECK(sheet.history == other.history);
        CHECK(aplc::codec::encode_sheet(sheet.value) == aplc::codec::encode_sheet(other.value));
    }
    CHECK(a.rulings.size() == b.rulings.size());
    CHECK(a.phases == b.phases);
    CHECK(a.frozen == b.frozen);
    CHECK(a.protests.size() == b.protests.size());
    CHECK(a.displays == b.displays);
    CHECK(board_of(a) == board_of(b));
}

} // namespace

TEST_CASE("importing an event stores its definition, sheets and rulings, once") {
    scratch_db db;
    auto log = open_log(db.path);
    auto doc = demo();
    auto first = aplc::app::import_event(*log, doc, "organiser", "2026-11-24T08:00:00.000Z");
    REQUIRE(first.ok());
    CHECK(first->stored == 1 + doc["sheets"].size() + doc["runs"].size());
    CHECK(first->first_seq == 1);
    auto again = aplc::app::import_event(*log, doc, "organiser", "2026-11-24T09:00:00.000Z");
    REQUIRE(again.ok());
    CHECK(again->stored == 0);
    CHECK(again->repeated == first->stored);
    CHECK(log->last_seq() == static_cast<std::int64_t>(first->stored));
}

TEST_CASE("a replayed log scores exactly like the event file it came from") {
    scratch_db db;
    auto log = open_log(db.path);
    auto doc = demo();
    auto state = imported(*log, doc);
    auto loaded = aplc::codec::load_event(doc);
    const auto& rules = std::get<sc::rulebook>(loaded);
    auto from_file = aplc::codec::encode_standings(rules, sc::compute_standings(rules));
    CHECK(board_of(*state) == from_file);
}

TEST_CASE("replay from a checkpoint gives the same state as replaying every entry") {
    scratch_db db;
    auto log = open_log(db.path);
    REQUIRE(aplc::app::import_event(*log, demo(), "organiser", "2026-11-24T08:00:00.000Z").ok());
    auto imported = aplc::app::replay_all(*log);
    REQUIRE(imported.ok());
    add_life(*log, *imported);
    auto middle = aplc::app::replay_all(*log);
    REQUIRE(middle.ok());
    REQUIRE(aplc::app::save_checkpoint(*log, *middle).ok());
    SECTION("with nothing after the checkpoint") { check_same(*aplc::app::replay(*log), *middle); }
    SECTION("with entries after the checkpoint, including a new team") {
        append(*log, sc::team_set{{{"AUS"}, "Corrective Services NSW", "AUS", "", {}, {}}});
        add_life(*log, *middle);
        auto all = aplc::app::replay_all(*log);
        check_same(*aplc::app::replay(*log), *all);
        CHECK(all->definition.teams.size() == 11);
    }
}

TEST_CASE("a checkpoint that does not match the log is ignored") {
    scratch_db db;
    {
        auto log = open_log(db.path);
        REQUIRE(
            aplc::app::import_event(*log, demo(), "organiser", "2026-11-24T08:00:00.000Z").ok());
    }
    auto expected = aplc::app::replay_all(*open_log(db.path));
    SECTION("its hash is not the hash of its entry") {
        SQLite::Database raw{db.path, SQLite::OPEN_READWRITE};
        REQUIRE(raw.exec("UPDATE checkpoint SET hash = zeroblob(32)") == 1);
    }
    SECTION("its state cannot be read") {
        SQLite::Database raw{db.path, SQLite::OPEN_READWRITE};
        REQUIRE(raw.exec("UPDATE checkpoint SET state = '{\"version\": 1, \"sheets\": 7}'") == 1);
    }
    SECTION("it is not JSON") {
        SQLite::Database raw{db.path, SQLite::OPEN_READWRITE};
        REQUIRE(raw.exec("UPDATE checkpoint SET state = 'not json'") == 1);
    }
    auto log = open_log(db.path);
    REQUIRE(log->latest_checkpoint().ok());
    check_same(*aplc::app::replay(*log), *expected);
}

TEST_CASE("a checkpoint must name an entry of the log") {
    scratch_db db;
    auto log = open_log(db.path);
    auto none = log->write_checkpoint(5, "{}");
    REQUIRE_FALSE(none.ok());
    CHECK(none.error().code == st::store_errc::bad_entry);
    CHECK_FALSE(log->latest_checkpoint().value().has_value());
}

TEST_CASE("the definition document is the imported one with later team, judge and panel changes") {
    scratch_db db;
    auto log = open_log(db.path);
    auto doc = demo();
    auto state = imported(*log, doc);
    auto expected = doc;
    expected.erase("sheets");
    expected.erase("runs");
    auto document = aplc::app::definition_document(*log, *state);
    REQUIRE(document.ok());
    CHECK(*document == expected);

    // A renamed team, a new judge, and a scenario's panel changed after the import.
    sc::team renamed = state->definition.teams.front();
    renamed.name = "Renamed Response Team";
    append(*log, sc::team_set{renamed});
    append(*log, sc::judge_set{{{"J99"}, "Ana Reyes", "PHL"}});
    const auto riot =
        std::find_if(state->definition.scenarios.begin(), state->definition.scenarios.end(),
                     [](const sc::scenario& s) { return s.id.value == "riot-control"; });
    REQUIRE(riot != state->definition.scenarios.end());
    std::vector<sc::judge_id> panel = riot->panel;
    REQUIRE(panel.size() == 5);
    panel.back() = sc::judge_id{"J99"};
    append(*log, sc::panel_set{riot->id, panel, riot->roles});
    state = aplc::app::replay_all(*log);
    REQUIRE(state.ok());
    document = aplc::app::definition_document(*log, *state);
    REQUIRE(document.ok());

    CHECK(document->at("teams").at(0).at("name") == "Renamed Response Team");
    CHECK(document->at("teams").size() == expected.at("teams").size());
    CHECK(document->at("judges").back() ==
          json{{"id", "J99"}, {"name", "Ana Reyes"}, {"country", "PHL"}});
    for (const auto& s : document->at("scenarios")) {
        const json panel_of = s.value("panel", json::array());
        CHECK((s.at("id") == "riot-control") == (!panel_of.empty() && panel_of.back() == "J99"));
    }
    // The document defines exactly the state's definition: loading it compiles the same event.
    auto reloaded = aplc::codec::decode_event(*document);
    REQUIRE(std::holds_alternative<sc::event>(reloaded));
    const auto& ev = std::get<sc::event>(reloaded);
    CHECK(ev.teams.front().name == state->definition.teams.front().name);
    CHECK(ev.judges.size() == state->definition.judges.size());
    for (std::size_t i = 0; i < ev.scenarios.size(); ++i)
        CHECK(ev.scenarios[i].panel == state->definition.scenarios[i].panel);
}
