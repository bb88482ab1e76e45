#include "aplc/export/xlsx_export.hpp"

#include "provenance_marker.hpp"
#include "tables.hpp"

#include <xlsxwriter.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

namespace aplc::exports {

namespace {

// Excel's rules for sheet names: at most 31 characters, none of []:*?/\, unique.
std::string sheet_name(std::string name, std::set<std::string>& used) {
    for (char& c : name)
        if (std::string_view{"[]:*?/\\"}.find(c) != std::string_view::npos) c = '-';
    name = name.substr(0, 28);
    std::string unique = name;
    for (int n = 2; used.contains(unique); ++n) unique = name + "-" + std::to_string(n);
    used.insert(unique);
    return unique;
}

class workbook_writer {
public:
    explicit workbook_writer(lxw_workbook* book) : book_{book} {
        bold_ = workbook_add_format(book_);
        format_set_bold(bold_);
    }

    void add(const results& r, const table& t, const std::string& name) {
        lxw_worksheet* sheet = workbook_add_worksheet(book_, sheet_name(name, used_).c_str());
        lxw_row_t row = 0;
        for (const auto& [label, value] : provenance_rows(r, t.title)) {
            worksheet_write_string(sheet, row, 0, label.c_str(), bold_);
            worksheet_write_string(sheet, row++, 1, value.c_str(), nullptr);
        }
        ++row;
        for (std::size_t c = 0; c < t.header.size(); ++c)
            worksheet_write_string(sheet, row, col(c), t.header[c].c_str(), bold_);
        worksheet_freeze_panes(sheet, row + 1, 0);
        for (const auto& cells : t.rows) {
            ++row;
            for (std::size_t c = 0; c < cells.size(); ++c) write(sheet, row, t, c, cells[c]);
        }
        worksheet_set_column(sheet, 0, static_cast<lxw_col_t>(t.header.size()), 14, nullptr);
    }

private:
    static lxw_col_t col(std::size_t c) { return static_cast<lxw_col_t>(c); }

    // Decimal text in a numeric column becomes a number cell shown with the places the text
    // has, so the sheet shows what `aplc score` prints and sorts as numbers.
    void write(lxw_worksheet* sheet, lxw_row_t row, const table& t, std::size_t c,
               const std::string& text) {
        if (text.empty()) return;
        char* end = nullptr;
        double value = std::strtod(text.c_str(), &end);
        if (!t.numeric[c] || end != text.c_str() + text.size()) {
            worksheet_write_string(sheet, row, col(c), text.c_str(), nullptr);
            return;
        }
        auto dot = text.find('.');
        int places = dot == std::string::npos ? 0 : static_cast<int>(text.size() - dot - 1);
        worksheet_write_number(sheet, row, col(c), value, number_format(places));
    }

    lxw_format* number_format(int places) {
        auto& f = numbers_[places];
        if (!f) {
            f = workbook_add_format(book_);
            std::string pattern =
                places == 0 ? "0" : "0." + std::string(static_cast<std::size_t>(places), '0');
            format_set_num_format(f, pattern.c_str());
        }
        return f;
    }

    lxw_workbook* book_;
    lxw_format* bold_ = nullptr;
    std::map<int, lxw_format*> numbers_;
    std::set<std::string> used_;
};

} // namespace

std::optional<export_error> write_xlsx(const results& r, const std::string& path) {
    lxw_workbook* book = workbook_new(path.c_str());
    if (!book) return export_error{"cannot_write", "cannot create '" + path + "'"};
    std::string title = r.rules->source().name;
    std::string marker = provenance_marker(r, "xlsx");
    std::string status{status_name(r.made.official)};
    lxw_doc_properties properties{};
    properties.title = title.data();
    properties.subject = status.data();
    properties.keywords = marker.data();
    properties.created = to_time(r.made.generated_at);
    workbook_set_properties(book, &properties);
    workbook_set_custom_property_string(book, "aplc_export", marker.c_str());

    workbook_writer writer{book};
    for (const auto& ranking : r.standings["rankings"])
        writer.add(r, ranking_table(r, ranking), ranking["id"].get<std::string>());
    for (const auto& scenario : r.standings["scenarios"])
        writer.add(r, scenario_table(r, scenario), scenario["id"].get<std::string>());
    writer.add(r, judges_table(r), "Judges");
    writer.add(r, marks_table(r), "Marks");
    writer.add(r, corrections_table(r), "Corrections");
    lxw_error e = workbook_close(book);
    if (e != LXW_NO_ERROR)
        return export_error{"xlsx_failed", "cannot write '" + path + "': " + lxw_strerror(e)};
    return std::nullopt;
}

} // namespace aplc::exports
