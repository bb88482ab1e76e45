// The CSV export: one file per ranking and per scenario, every number as `aplc score` gives it,
// names in every script byte for byte, and `aplc verify --export` on the directory.
#include "export_fixture.hpp"

#include "aplc/export/csv_export.hpp"

using namespace aplc::test;
using nlohmann::json;

namespace {

std::string str(const json& j) { return j.is_string() ? j.get<std::string>() : j.dump(); }

} // namespace

TEST_CASE("csv fields are quoted only when they must be") {
    CHECK(aplc::exports::csv_field("香港懲教署") == "香港懲教署");
    CHECK(aplc::exports::csv_field("Rajesh, s/o \"Raj\"") == "\"Rajesh, s/o \"\"Raj\"\"\"");
    CHECK(aplc::exports::csv_field("two\nlines") == "\"two\nlines\"");
}

TEST_CASE("the CSV export holds every number aplc score gives and every name exactly") {
    scratch_dir dir;
    std::string db = dir.file("e.db");
    import_into(db, scripts_event());
    auto score = score_of(db);
    std::string out = dir.file("csv");
    auto r = run_aplc("export --db " + db + " --format csv --out " + out);
    REQUIRE(r.status == 0);

    for (const auto& s : score["scenarios"]) {
        INFO(s["id"]);
        auto text = read_text(out + "/scenario-" + s["id"].get<std::string>() + ".csv");
        REQUIRE(text.starts_with("\xEF\xBB\xBF# results,"));
        CHECK(text.find("# status,provisional\r\n") != std::string::npos);
        auto rows = csv_table(text);
        REQUIRE(rows.size() == s["entries"].size());
        for (std::size_t i = 0; i < rows.size(); ++i) {
            const auto& e = s["entries"][i];
            CHECK(rows[i]["entrant"] == str(e["entrant"]));
            CHECK(rows[i]["name"] == str(e["name"]));
            CHECK(rows[i]["rank"] == str(e["rank"]));
            CHECK(rows[i]["result"] == str(e["result"]));
            CHECK(rows[i]["points"] == str(e["points"]));
            for (const auto& [name, value] : e["values"].items())
                CHECK(rows[i][name] == str(value));
        }
    }
    auto overall = csv_table(read_text(out + "/ranking-overall.csv"));
    const auto& ranking = score["rankings"][0];
    REQUIRE(overall.size() == ranking["rows"].size());
    for (std::size_t i = 0; i < overall.size(); ++i) {
        CHECK(overall[i]["name"] == str(ranking["rows"][i]["name"]));
        CHECK(overall[i]["total"] == str(ranking["rows"][i]["total"]));
        CHECK(overall[i]["rescue"] == str(ranking["rows"][i]["scenarios"]["rescue"]));
    }
    std::string course = read_text(out + "/scenario-course.csv");
    for (const char* name : {"陳大文", "สมชาย ใจดี", "Nguyễn Văn Hùng",
                             "Siti Nurhaliza binti Abdullah", "김민준", "대한민국 법무부 교정본부"})
        CHECK(course.find(name) != std::string::npos);
    CHECK(read_text(out + "/marks.csv").find("Phạm Minh Tuấn") != std::string::npos);

    SECTION("aplc verify --export confirms the directory and names an edited file") {
        auto ok = run_aplc("verify --db " + db + " --export " + out);
        CHECK(ok.status == 0);
        CHECK(ok.out.find("the csv export matches the log") != std::string::npos);
        auto edited = read_text(out + "/scenario-rescue.csv");
        auto at = edited.find(str(score["scenarios"][0]["entries"][0]["points"]));
        REQUIRE(at != std::string::npos);
        edited.replace(at, 3, "99.");
        std::ofstream{out + "/scenario-rescue.csv", std::ios::binary} << edited;
        auto bad = run_aplc("verify --db " + db + " --export " + out);
        CHECK(bad.status == 1);
        CHECK(bad.err.find("scenario-rescue.csv differs") != std::string::npos);
    }
}
