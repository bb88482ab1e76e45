// The PDF results book and the teams' letters, read back with pdftotext and pdffonts
// (poppler-utils): every name in every script, the numbers of `aplc score`, embedded fonts,
// provenance, and `aplc verify --export` on them.
#include "export_fixture.hpp"

#include <map>

using namespace aplc::test;
using nlohmann::json;

namespace {

std::string pdf_text(const std::string& file) { return shell("pdftotext -layout " + file + " -"); }

// The line of `text` that holds `name` (and `after`, when given, later on the same line).
std::string line_with(const std::string& text, const std::string& name) {
    auto at = text.find(name);
    if (at == std::string::npos) return "";
    auto start = text.rfind('\n', at);
    auto end = text.find('\n', at);
    return text.substr(start == std::string::npos ? 0 : start + 1,
                       end == std::string::npos ? std::string::npos : end - start - 1);
}

bool has_word(const std::string& line, const std::string& word) {
    return (" " + line + " ").find(" " + word + " ") != std::string::npos;
}

} // namespace

TEST_CASE("the PDF results book shows every name and aplc score's numbers, fonts embedded") {
    for (const auto& event : {scripts_event(), example("aplc-demo.json")}) {
        INFO(event);
        scratch_dir dir;
        std::string db = dir.file("e.db");
        import_into(db, event);
        auto score = score_of(db);
        std::string file = dir.file("book.pdf");
        REQUIRE(run_aplc("export --db " + db + " --format pdf --out " + file).status == 0);
        auto text = pdf_text(file);
        REQUIRE(!text.empty());
        CHECK(text.find("PROVISIONAL RESULTS") != std::string::npos);
        auto exported = json::parse(run_aplc("export --db " + db).out);
        CHECK(text.find(exported["last_hash"].get<std::string>()) != std::string::npos);
        for (const auto& ranking : score["rankings"]) {
            auto page = text.substr(text.find(ranking["name"].get<std::string>() + "\n"));
            for (const auto& row : ranking["rows"]) {
                auto line = line_with(page, row["name"]);
                INFO(line);
                CHECK(has_word(line, row["total"]));
                CHECK(has_word(line, std::to_string(row["rank"].get<int>())));
            }
        }
        for (const auto& scenario : score["scenarios"]) {
            auto at = text.find(scenario["name"].get<std::string>() + "\nDay ");
            REQUIRE(at != std::string::npos);
            auto page = text.substr(at);
            for (const auto& e : scenario["entries"]) {
                auto line = line_with(page, e["name"]);
                INFO(line);
                if (e.contains("result")) CHECK(has_word(line, e["result"]));
                if (e.contains("points")) CHECK(has_word(line, e["points"]));
            }
        }
        auto fonts = shell("pdffonts " + file);
        CHECK(fonts.find("NotoSans-Regular") != std::string::npos);
        CHECK(fonts.find(" no ") == std::string::npos); // every font embedded
    }
}

TEST_CASE("names in Chinese, Thai, Vietnamese, Malay and Korean come out of the PDF exactly") {
    scratch_dir dir;
    std::string db = dir.file("e.db");
    import_into(db, scripts_event());
    std::string file = dir.file("book.pdf");
    REQUIRE(run_aplc("export --db " + db + " --format pdf --out " + file).status == 0);
    auto text = pdf_text(file);
    for (const char* name :
         {"香港懲教署", "กรมราชทัณฑ์", "Nguyễn Văn Hùng", "Jabatan Penjara Malaysia",
          "Siti Nurhaliza binti Abdullah", "대한민국 법무부 교정본부", "김민준", "陳大文",
          "สมชาย ใจดี", "Phạm Minh Tuấn", "สุดารัตน์ ทองดี",
          "人質救援 · Giải cứu con tin · ช่วยเหลือตัวประกัน", "장애물 코스 · Halangan"})
        CHECK(text.find(name) != std::string::npos);
    auto fonts = shell("pdffonts " + file);
    for (const char* font : {"NotoSansThai", "DroidSansFallback", "NanumGothic"})
        CHECK(fonts.find(font) != std::string::npos);
}

TEST_CASE("the results book lists corrections and protests and turns official when final") {
    scratch_dir dir;
    std::string db = dir.file("e.db");
    import_into(db, scripts_event());
    append_action(db, aplc::scoring::protest_filed{"P7", aplc::scoring::scenario_id{"rescue"},
                                                   aplc::scoring::entrant_id{"VNM"},
                                                   "Đồng hồ bấm giờ bị lỗi"});
    append_action(db, aplc::scoring::protest_ruled{"P7", false, "video confirms the time"});
    finalise_every_scenario(db, score_of(db));
    std::string file = dir.file("book.pdf");
    REQUIRE(run_aplc("export --db " + db + " --format pdf --out " + file).status == 0);
    auto text = pdf_text(file);
    CHECK(text.find("OFFICIAL RESULTS") != std::string::npos);
    CHECK(text.find("PROVISIONAL") == std::string::npos);
    CHECK(text.find("Đồng hồ bấm giờ bị lỗi") != std::string::npos);
    CHECK(text.find("video confirms the time") != std::string::npos);

    SECTION("aplc verify --export confirms the book and refuses a changed byte") {
        auto ok = run_aplc("verify --db " + db + " --export " + file);
        CHECK(ok.status == 0);
        CHECK(ok.out.find("the pdf export matches the log") != std::string::npos);
        CHECK(ok.out.find("(official,") != std::string::npos);
        auto bytes = read_text(file);
        auto at = bytes.find("stream");
        REQUIRE(at != std::string::npos);
        bytes[at + 40] = static_cast<char>(bytes[at + 40] ^ 1);
        std::ofstream{file, std::ios::binary} << bytes;
        auto bad = run_aplc("verify --db " + db + " --export " + file);
        CHECK(bad.status == 1);
        CHECK(bad.err.find("the document differs") != std::string::npos);
    }
}

TEST_CASE("each team gets a letter with its placing, total, members and results") {
    scratch_dir dir;
    std::string db = dir.file("e.db");
    import_into(db, scripts_event());
    auto score = score_of(db);
    std::string out = dir.file("letters");
    REQUIRE(run_aplc("export --db " + db + " --format letters --out " + out).status == 0);
    const auto& overall = score["rankings"][0];
    for (const auto& row : overall["rows"]) {
        std::string team = row["entrant"];
        INFO(team);
        auto text = pdf_text(out + "/" + team + ".pdf");
        CHECK(text.find("Statement of Provisional Results") != std::string::npos);
        CHECK(text.find(row["name"].get<std::string>()) != std::string::npos);
        CHECK(text.find("placed " + row["rank"].dump() + " of " +
                        std::to_string(overall["rows"].size()) + " in " +
                        overall["name"].get<std::string>() + " with " +
                        row["total"].get<std::string>() + " points") != std::string::npos);
        for (const auto& scenario : score["scenarios"])
            for (const auto& e : scenario["entries"])
                if (e["entrant"].get<std::string>().starts_with(team)) {
                    auto line = line_with(text, e["name"].get<std::string>() + " ");
                    if (e["entrant"] == team) line = line_with(text, scenario["name"]);
                    CHECK(line.find(e["points"].get<std::string>()) != std::string::npos);
                }
    }
    CHECK(pdf_text(out + "/THA.pdf").find("ณัฐวุฒิ ศรีสุข") != std::string::npos);
    auto ok = run_aplc("verify --db " + db + " --export " + out);
    CHECK(ok.status == 0);
    CHECK(ok.out.find("the letters export matches the log") != std::string::npos);
}

TEST_CASE("aplc export refuses a binary format without --out") {
    scratch_dir dir;
    std::string db = dir.file("e.db");
    import_into(db, scripts_event());
    for (const char* format : {"csv", "xlsx", "pdf", "letters"}) {
        auto r = run_aplc("export --db " + db + " --format " + format);
        CHECK(r.status == 2);
        CHECK(r.err.find("needs --out") != std::string::npos);
    }
}

TEST_CASE("each team's page in the results book carries its judges' sheets") {
    scratch_dir dir;
    std::string db = dir.file("e.db");
    import_into(db, scripts_event());
    std::string file = dir.file("book.pdf");
    REQUIRE(run_aplc("export --db " + db + " --format pdf --out " + file).status == 0);
    auto text = pdf_text(file);
    const auto event = nlohmann::json::parse(read_text(scripts_event()));
    std::size_t pages = 0;
    for (auto at = text.find("Judges' sheets"); at != std::string::npos;
         at = text.find("Judges' sheets", at + 1))
        ++pages;
    CHECK(pages == event.at("teams").size());
    // The last team's page ends the team section: its sheets name every judge who marked it.
    const auto& last = event.at("teams").back();
    auto page = text.rfind("Judges' sheets");
    REQUIRE(page != std::string::npos);
    std::map<std::string, std::string> judge_names;
    for (const auto& j : event.at("judges")) judge_names[j.at("id")] = j.at("name");
    std::size_t checked = 0;
    for (const auto& s : event.at("sheets"))
        if (s.at("entrant") == last.at("id")) {
            INFO(s.dump());
            CHECK(text.find(judge_names.at(s.at("judge")), page) != std::string::npos);
            ++checked;
        }
    CHECK(checked > 0);
}
