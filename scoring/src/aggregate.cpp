#include "aggregate.hpp"

#include <algorithm>
#include <array>
#include <span>

namespace aplc::scoring::detail {
namespace {

rejection overflow() { return {errc::arithmetic_overflow, "a panel total is too large"}; }

outcome<number> sum_of(const std::vector<mark>& marks) {
    number total;
    for (const auto& m : marks) {
        if (m.dropped) continue;
        auto next = total.plus(m.value);
        if (!next) return overflow();
        total = *next;
    }
    return total;
}

outcome<number> mean_of(const std::vector<mark>& marks) {
    auto total = sum_of(marks);
    if (!total) return total;
    auto kept = std::count_if(marks.begin(), marks.end(), [](const mark& m) { return !m.dropped; });
    auto mean = total->divided_by(number::of(kept));
    if (!mean) return overflow();
    return *mean;
}

// Positions of the marks from lowest to highest; equal marks keep panel order.
void sort_positions(const std::vector<mark>& marks, std::vector<std::size_t>& pos) {
    pos.resize(marks.size());
    for (std::size_t i = 0; i < pos.size(); ++i) pos[i] = i;
    std::sort(pos.begin(), pos.end(), [&](std::size_t a, std::size_t b) {
        auto c = marks[a].value <=> marks[b].value;
        return c != 0 ? c < 0 : a < b;
    });
}

outcome<number> median_of(const std::vector<mark>& marks, std::vector<std::size_t>& pos) {
    sort_positions(marks, pos);
    std::size_t n = pos.size();
    if (n % 2 == 1) return marks[pos[n / 2]].value;
    auto both = marks[pos[n / 2 - 1]].value.plus(marks[pos[n / 2]].value);
    if (!both) return overflow();
    auto half = both->divided_by(number::of(2));
    if (!half) return overflow();
    return *half;
}

// Trimming: drops the how.drop_low lowest of n marks, then the how.drop_high highest of those
// left, by less(i, j); is_dropped(i) and drop(i) read and set mark i's flag. Selects directly
// (k passes of n) rather than sorting: panels are small and k is 1 or 2. Ties: the earliest
// seat among equal lows, the latest among equal highs, so the choice is deterministic.
template <class Less, class IsDropped, class Drop>
void trim(const value_def& how, std::size_t n, Less less, IsDropped is_dropped, Drop drop) {
    for (int k = 0; k < how.drop_low + how.drop_high; ++k) {
        bool highest = k >= how.drop_low;
        std::size_t pick = n;
        for (std::size_t i = 0; i < n; ++i) {
            if (is_dropped(i)) continue;
            if (pick == n || (highest ? !less(i, pick) : less(i, pick))) pick = i;
        }
        if (pick < n) drop(pick);
    }
}

} // namespace

outcome<number> aggregate(const value_def& how, int designated_judge, std::vector<mark>& marks) {
    std::vector<std::size_t> positions;
    return aggregate(how, designated_judge, marks, positions);
}

std::optional<outcome<number>> aggregate_integers(const value_def& how,
                                                  std::span<const number* const> values,
                                                  std::uint64_t& dropped) {
    bool applies = how.method == aggregate_method::sum || how.method == aggregate_method::mean ||
                   how.method == aggregate_method::trimmed;
    if (!applies || values.empty() || values.size() > 64) return std::nullopt;
    std::size_t n = values.size();
    std::array<std::int64_t, 64> keys; // only the first n are used
    auto denominator = number::common_numerators(values, keys);
    if (!denominator) return std::nullopt;
    dropped = 0;
    auto is_dropped = [&](std::size_t i) { return (dropped >> i & 1U) != 0; };
    if (how.method == aggregate_method::trimmed)
        trim(
            how, n, [&](std::size_t i, std::size_t j) { return keys[i] < keys[j]; }, is_dropped,
            [&](std::size_t i) { dropped |= std::uint64_t{1} << i; });
    int128 total = 0; // at most 64 terms below 2^62 in magnitude: no overflow
    std::int64_t kept = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (is_dropped(i)) continue;
        total += keys[i];
        ++kept;
    }
    bool mean = how.method == aggregate_method::mean ||
                (how.method == aggregate_method::trimmed && how.then == aggregate_method::mean);
    auto value = number::ratio(total, mean ? int128{*denominator} * kept : *denominator);
    if (!value) return outcome<number>{overflow()};
    return outcome<number>{*value};
}

outcome<number> aggregate(const value_def& how, int designated_judge, std::vector<mark>& marks,
                          std::vector<std::size_t>& pos) {
    if (marks.empty()) return rejection{errc::missing_value, "no judge's mark for " + how.of};
    if (marks.size() <= 64) {
        std::array<const number*, 64> values; // only the first marks.size() are used
        for (std::size_t i = 0; i < marks.size(); ++i) values[i] = &marks[i].value;
        std::uint64_t dropped = 0;
        if (auto fast = aggregate_integers(how, std::span{values}.first(marks.size()), dropped)) {
            for (std::size_t i = 0; i < marks.size(); ++i)
                marks[i].dropped = (dropped >> i & 1U) != 0;
            return std::move(*fast);
        }
    }
    switch (how.method) {
    case aggregate_method::sum: return sum_of(marks);
    case aggregate_method::mean: return mean_of(marks);
    case aggregate_method::median: return median_of(marks, pos);
    case aggregate_method::min:
    case aggregate_method::max: {
        sort_positions(marks, pos);
        return marks[how.method == aggregate_method::min ? pos.front() : pos.back()].value;
    }
    case aggregate_method::majority: {
        auto yes = std::count_if(marks.begin(), marks.end(),
                                 [](const mark& m) { return !m.value.is_zero(); });
        return number::of(2 * yes > static_cast<long>(marks.size()) ? 1 : 0);
    }
    case aggregate_method::designated:
        for (const auto& m : marks)
            if (m.judge == designated_judge) return m.value;
        return rejection{errc::missing_value,
                         "the " + how.role + "'s mark for " + how.of + " is missing"};
    case aggregate_method::trimmed:
        trim(
            how, marks.size(),
            [&](std::size_t i, std::size_t j) { return marks[i].value < marks[j].value; },
            [&](std::size_t i) { return marks[i].dropped; },
            [&](std::size_t i) { marks[i].dropped = true; });
        return how.then == aggregate_method::mean ? mean_of(marks) : sum_of(marks);
    }
    return rejection{errc::missing_value, "unknown aggregation"};
}

} // namespace aplc::scoring::detail
