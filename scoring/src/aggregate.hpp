#pragma once
// Combining a panel's marks into one value (DESIGN.md "panel aggregation").
#include "aplc/scoring/event.hpp"
#include "aplc/scoring/rejection.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace aplc::scoring::detail {

struct mark {
    int judge = -1; // judge index
    number value;
    bool dropped = false;
};

// Aggregates marks in panel order; sets `dropped` on the marks a trimmed method leaves out (the
// lowest drop_low and highest drop_high; among equal marks, the later panel seat is dropped
// first from the top and the earlier from the bottom, so the choice is deterministic).
// Errors: arithmetic_overflow, missing_value (no marks at all).
outcome<number> aggregate(const value_def& how, int designated_judge, std::vector<mark>& marks);
// The same, sorting in `positions` (working memory the caller keeps between calls).
outcome<number> aggregate(const value_def& how, int designated_judge, std::vector<mark>& marks,
                          std::vector<std::size_t>& positions);

// aggregate()'s integer path, straight from the marks' values in panel order: sum, mean and
// trimmed when the marks share a scale (0.5 steps, hundredths of a second) and fit 62 bits over
// one denominator, so that dropping, summing and comparing are integer operations. The same
// result as aggregate(); bit i of `dropped` is set for each mark a trimmed method leaves out.
// nullopt when it does not apply (then aggregate() must run).
std::optional<outcome<number>> aggregate_integers(const value_def& how,
                                                  std::span<const number* const> values,
                                                  std::uint64_t& dropped);

} // namespace aplc::scoring::detail
