#include "aplc/export/export_writer.hpp"

#include "aplc/export/csv_export.hpp"
#include "aplc/export/json_export.hpp"
#include "aplc/export/pdf_export.hpp"
#include "aplc/export/xlsx_export.hpp"

#include <filesystem>
#include <fstream>

namespace aplc::exports {

std::optional<export_format> parse_format(std::string_view name) {
    for (auto f : {export_format::json, export_format::csv, export_format::xlsx, export_format::pdf,
                   export_format::letters})
        if (format_name(f) == name) return f;
    return std::nullopt;
}

std::string_view format_name(export_format f) {
    switch (f) {
    case export_format::json: return "json";
    case export_format::csv: return "csv";
    case export_format::xlsx: return "xlsx";
    case export_format::pdf: return "pdf";
    case export_format::letters: return "letters";
    }
    return "";
}

namespace {

std::optional<export_error> write_file(const std::string& path, const std::string& content) {
    std::ofstream file{path, std::ios::binary};
    file << content;
    file.close();
    if (!file)
        return export_error{"cannot_write",
                            "cannot write '" + path + "' (check the directory and free space)"};
    return std::nullopt;
}

std::optional<export_error> make_directory(const std::string& path) {
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    if (ec || !std::filesystem::is_directory(path))
        return export_error{"cannot_write", "cannot create the directory '" + path + "'" +
                                                (ec ? " (" + ec.message() + ")" : "")};
    return std::nullopt;
}

} // namespace

std::optional<export_error> write_export(const results& r, export_format format,
                                         const std::string& path) {
    switch (format) {
    case export_format::json: return write_file(path, export_json(r).dump(2) + "\n");
    case export_format::csv: {
        if (auto failed = make_directory(path)) return failed;
        for (const auto& [name, content] : export_csv(r))
            if (auto failed = write_file((std::filesystem::path{path} / name).string(), content))
                return failed;
        return std::nullopt;
    }
    case export_format::xlsx: return write_xlsx(r, path);
    case export_format::pdf: return write_results_book(r, path);
    case export_format::letters: {
        if (auto failed = make_directory(path)) return failed;
        return write_team_letters(r, path);
    }
    }
    return std::nullopt;
}

} // namespace aplc::exports
