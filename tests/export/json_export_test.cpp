// The JSON export and its provenance, and `aplc verify --export` on it, through the real binary.
#include "export_fixture.hpp"

#include "aplc/codec/schema_check.hpp"
#include "aplc/export/results.hpp"

using namespace aplc::test;
using nlohmann::json;
namespace sc = aplc::scoring;

namespace {

json export_doc(const std::string& db, const std::string& out) {
    auto r = run_aplc("export --db " + db + " --format json --out " + out);
    REQUIRE(r.status == 0);
    return json::parse(read_text(out));
}

} // namespace

TEST_CASE("the JSON export carries aplc score's standings and follows its schema") {
    scratch_dir dir;
    std::string db = dir.file("e.db");
    import_into(db, scripts_event());
    auto doc = export_doc(db, dir.file("e.json"));
    CHECK(aplc::codec::validate_against("export.schema.json", doc).empty());
    CHECK(doc["standings"] == score_of(db));
    CHECK(doc["provenance"]["status"] == "provisional");
    CHECK(doc["provenance"]["last_seq"] == doc["log"].size());
    CHECK(doc["provenance"]["last_hash"] == doc["log"].back()["hash"]);
    CHECK(doc["provenance"]["scenarios"] ==
          json{{"course", "provisional"}, {"rescue", "provisional"}});
    CHECK(doc["standings"]["rankings"][0]["rows"][0]["name"] == "香港懲教署");
    SECTION("the schema refuses an export without provenance") {
        doc.erase("provenance");
        CHECK_FALSE(aplc::codec::validate_against("export.schema.json", doc).empty());
    }
}

TEST_CASE("results are official only when every scenario is finalised and no protest is open") {
    scratch_dir dir;
    std::string db = dir.file("e.db");
    import_into(db, scripts_event());
    auto standings = score_of(db);
    append_action(db,
                  sc::scenario_phase_set{sc::scenario_id{"rescue"}, sc::scenario_phase::finalised});
    auto one = export_doc(db, dir.file("one.json"));
    CHECK(one["provenance"]["status"] == "provisional");
    CHECK(one["provenance"]["scenarios"]["rescue"] == "official");
    CHECK(one["provenance"]["scenarios"]["course"] == "provisional");

    append_action(db,
                  sc::scenario_phase_set{sc::scenario_id{"course"}, sc::scenario_phase::finalised});
    CHECK(export_doc(db, dir.file("all.json"))["provenance"]["status"] == "official");

    append_action(db, sc::protest_filed{"P1", sc::scenario_id{"rescue"}, sc::entrant_id{"THA"},
                                        "ผู้ตัดสินนับเวลาผิด"});
    auto protested = export_doc(db, dir.file("protest.json"));
    CHECK(protested["provenance"]["status"] == "provisional");
    CHECK(protested["provenance"]["open_protests"] == 1);
    CHECK(protested["provenance"]["scenarios"]["rescue"] == "provisional");

    append_action(db, sc::protest_ruled{"P1", false, "time confirmed by video"});
    auto ruled = export_doc(db, dir.file("ruled.json"));
    CHECK(ruled["provenance"]["status"] == "official");
    CHECK(ruled["standings"] == standings);
}

TEST_CASE("aplc verify --export confirms a JSON export and finds a changed number") {
    scratch_dir dir;
    std::string db = dir.file("e.db");
    import_into(db, scripts_event());
    std::string file = dir.file("e.json");
    auto doc = export_doc(db, file);
    auto ok = run_aplc("verify --db " + db + " --export " + file);
    CHECK(ok.status == 0);
    CHECK(ok.out.find("the json export matches the log at entry " +
                      std::to_string(doc["last_seq"].get<int>())) != std::string::npos);

    SECTION("a total changed by hand") {
        doc["standings"]["rankings"][0]["rows"][0]["total"] = "195.78";
        std::ofstream{file} << doc.dump(2);
        auto bad = run_aplc("verify --db " + db + " --export " + file);
        CHECK(bad.status == 1);
        CHECK(bad.err.find("\"standings\" differs") != std::string::npos);
    }
    SECTION("an entry's hash changed by hand") {
        doc["provenance"]["last_hash"] = std::string(64, 'a');
        std::ofstream{file} << doc.dump(2);
        auto bad = run_aplc("verify --db " + db + " --export " + file);
        CHECK(bad.status == 1);
        CHECK(bad.err.find("not made from this log") != std::string::npos);
    }
    SECTION("an export made before newer entries still matches, and says so") {
        append_action(
            db, sc::scenario_phase_set{sc::scenario_id{"rescue"}, sc::scenario_phase::locked});
        auto later = run_aplc("verify --db " + db + " --export " + file);
        CHECK(later.status == 0);
        CHECK(later.out.find("1 newer entries") != std::string::npos);
    }
    SECTION("an export of another event's log does not match") {
        std::string other = dir.file("other.db");
        import_into(other, data("diving_2000.event.json"));
        auto bad = run_aplc("verify --db " + other + " --export " + file);
        CHECK(bad.status == 1);
        CHECK(bad.err.find("does NOT match") != std::string::npos);
    }
    SECTION("a file that is not an export is refused with a code") {
        auto bad = run_aplc("verify --db " + db + " --export " + scripts_event());
        CHECK(bad.status == 1);
        CHECK(bad.err.find("[not_an_export]") != std::string::npos);
    }
}
