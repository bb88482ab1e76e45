// The XLSX workbook, read back through its XML (unzip): sheets, names in every script and the
// numbers of `aplc score`.
#include "export_fixture.hpp"

#include <map>
#include <regex>

using namespace aplc::test;
using nlohmann::json;

namespace {

// A number cell holds the double nearest the exact decimal ("94.98999999999999" for "94.99")
// and shows it with the decimal's places (its format "0.00"): both must give back `decimal`.
std::string shown(const std::string& cell, const std::string& decimal) {
    double value = std::strtod(cell.c_str(), nullptr);
    if (value != std::strtod(decimal.c_str(), nullptr)) return "not the same double: " + cell;
    auto dot = decimal.find('.');
    int places = dot == std::string::npos ? 0 : static_cast<int>(decimal.size() - dot - 1);
    std::array<char, 64> text{};
    std::snprintf(text.data(), text.size(), "%.*f", places, value);
    return text.data();
}

// Number cells of one column, by row: <c r="F9" s="3"><v>195.77</v></c>.
std::map<int, std::string> number_cells(const std::string& sheet_xml, const std::string& column) {
    std::map<int, std::string> cells;
    std::regex cell{"<c r=\"" + column + "([0-9]+)\"(?: s=\"[0-9]+\")?><v>([^<]*)</v></c>"};
    for (std::sregex_iterator it{sheet_xml.begin(), sheet_xml.end(), cell}, end; it != end; ++it)
        cells[std::stoi((*it)[1].str())] = (*it)[2].str();
    return cells;
}

} // namespace

TEST_CASE("the XLSX workbook has a sheet per ranking and scenario with aplc score's numbers") {
    scratch_dir dir;
    std::string db = dir.file("e.db");
    import_into(db, scripts_event());
    auto score = score_of(db);
    std::string file = dir.file("e.xlsx");
    REQUIRE(run_aplc("export --db " + db + " --format xlsx --out " + file).status == 0);
    auto part = [&](const std::string& name) { return shell("unzip -p " + file + " " + name); };

    auto workbook = part("xl/workbook.xml");
    std::size_t at = 0;
    for (const char* sheet : {"overall", "rescue", "course", "Judges", "Marks", "Corrections"}) {
        INFO(sheet);
        auto found = workbook.find("<sheet name=\"" + std::string{sheet} + "\"", at);
        CHECK(found != std::string::npos);
        at = found == std::string::npos ? at : found;
    }
    auto strings = part("xl/sharedStrings.xml");
    for (const char* name : {"香港懲教署", "กรมราชทัณฑ์", "Nguyễn Văn Hùng",
                             "Jabatan Penjara Malaysia", "대한민국 법무부 교정본부", "สมชาย ใจดี",
                             "Phạm Minh Tuấn", "人質救援 · Giải cứu con tin · ช่วยเหลือตัวประกัน"})
        CHECK(strings.find(name) != std::string::npos);
    CHECK(strings.find("<t>provisional</t>") != std::string::npos);

    // Rows 1-6 provenance, 8 the header, data from row 9. Overall: F is the total.
    auto totals = number_cells(part("xl/worksheets/sheet1.xml"), "F");
    const auto& rows = score["rankings"][0]["rows"];
    REQUIRE(totals.size() == rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i)
        CHECK(shown(totals[static_cast<int>(i) + 9], rows[i]["total"]) == rows[i]["total"]);
    // A scenario: I is the result, J the points.
    auto rescue = part("xl/worksheets/sheet2.xml");
    auto result = number_cells(rescue, "I");
    auto points = number_cells(rescue, "J");
    const auto& entries = score["scenarios"][0]["entries"];
    REQUIRE(points.size() == entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i) {
        CHECK(shown(result[static_cast<int>(i) + 9], entries[i]["result"]) == entries[i]["result"]);
        CHECK(shown(points[static_cast<int>(i) + 9], entries[i]["points"]) == entries[i]["points"]);
    }
    CHECK(part("xl/styles.xml").find("formatCode=\"0.00\"") != std::string::npos);
    CHECK(part("docProps/custom.xml")
              .find("last_hash=" + json::parse(run_aplc("export --db " + db).out)["last_hash"]
                                       .get<std::string>()) != std::string::npos);

    SECTION("aplc verify --export confirms the workbook, and refuses it against another log") {
        auto ok = run_aplc("verify --db " + db + " --export " + file);
        CHECK(ok.status == 0);
        CHECK(ok.out.find("the xlsx export matches the log") != std::string::npos);
        std::string other = dir.file("other.db");
        import_into(other, data("diving_2000.event.json"));
        auto bad = run_aplc("verify --db " + other + " --export " + file);
        CHECK(bad.status == 1);
        CHECK(bad.err.find("does NOT match") != std::string::npos);
    }
}
