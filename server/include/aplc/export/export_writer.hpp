#pragma once
// Writes results in one of the export formats (docs/exports.md).
#include "aplc/export/results.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace aplc::exports {

enum class export_format { json, csv, xlsx, pdf, letters };

std::optional<export_format> parse_format(std::string_view name);
std::string_view format_name(export_format f);

// Writes `r` at `path`: a file for json, xlsx and pdf; a directory (created if absent, its
// files of the same names replaced) for csv and letters. Errors: cannot_write (the path or
// the disk), no_fonts (pdf, letters: a font file is missing), pdf_failed, xlsx_failed.
std::optional<export_error> write_export(const results& r, export_format format,
                                         const std::string& path);

} // namespace aplc::exports
