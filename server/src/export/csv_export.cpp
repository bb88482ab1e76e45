#include "aplc/export/csv_export.hpp"

#include "tables.hpp"

#include <sstream>

namespace aplc::exports {
using nlohmann::json;

std::string csv_field(const std::string& text) {
    if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
    std::string quoted = "\"";
    for (char c : text) {
        if (c == '"') quoted += '"';
        quoted += c;
    }
    return quoted + "\"";
}

namespace {

void put_row(std::ostringstream& out, const std::vector<std::string>& row) {
    for (std::size_t i = 0; i < row.size(); ++i) out << (i ? "," : "") << csv_field(row[i]);
    out << "\r\n";
}

std::string render(const results& r, const table& t) {
    std::ostringstream out;
    out << "\xEF\xBB\xBF"; // UTF-8 byte-order mark
    for (const auto& row : provenance_rows(r, t.title)) put_row(out, {"# " + row[0], row[1]});
    out << "\r\n";
    put_row(out, t.header);
    for (const auto& row : t.rows) put_row(out, row);
    return out.str();
}

} // namespace

std::map<std::string, std::string> export_csv(const results& r) {
    std::map<std::string, std::string> files;
    for (const auto& ranking : r.standings["rankings"])
        files["ranking-" + ranking["id"].get<std::string>() + ".csv"] =
            render(r, ranking_table(r, ranking));
    for (const auto& scenario : r.standings["scenarios"])
        files["scenario-" + scenario["id"].get<std::string>() + ".csv"] =
            render(r, scenario_table(r, scenario));
    files["marks.csv"] = render(r, marks_table(r));
    return files;
}

} // namespace aplc::exports
