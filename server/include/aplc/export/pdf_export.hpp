#pragma once
// PDF documents made by the server itself (libharu), with embedded TrueType fonts from Debian's
// font packages covering Latin (with Vietnamese), Thai, Chinese and Korean: the results book and
// a result letter per team. Each carries its provenance in the document's keywords
// ("aplc-export ..."), which `aplc verify --export` reads.
#include "aplc/export/results.hpp"

#include <optional>
#include <string>

namespace aplc::exports {

// Cover, each overall ranking, each scenario with the panel's marks, a score sheet per team,
// corrections, rulings and protests. Errors: no_fonts, pdf_failed, cannot_write.
std::optional<export_error> write_results_book(const results& r, const std::string& path);

// One letter per team, `<directory>/<team id>.pdf`. Errors as write_results_book.
std::optional<export_error> write_team_letters(const results& r, const std::string& directory);

// One team's letter.
std::optional<export_error> write_team_letter(const results& r, const std::string& team,
                                              const std::string& path);

} // namespace aplc::exports
