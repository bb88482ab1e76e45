#pragma once
// Shared ranking: sort by a chain of comparison levels, give tied items one rank (1, 2, 2, 4)
// and say which level separated each item from a neighbour with the same primary key.
#include "aplc/scoring/event.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace aplc::scoring::detail {

// -1 when a is better than b in direction `dir`, 1 when worse, 0 when equal; having a value
// beats having none.
inline int compare_numbers(const std::optional<number>& a, const std::optional<number>& b,
                           better dir) {
    if (!a || !b) return a ? -1 : (b ? 1 : 0);
    auto order = *a <=> *b;
    if (order == 0) return 0;
    bool a_better = dir == better::higher ? order > 0 : order < 0;
    return a_better ? -1 : 1;
}

struct rank_outcome {
    std::vector<int> order;   // item indices, best first
    std::vector<int> rank;    // by item index
    std::vector<int> decided; // by item index: -1 no tie on level 0; `levels` when it shares its
                              // rank; else 1..levels-1, the level that separated it from a
                              // neighbour with the same level-0 key (the one above first)
};

// compare(a, b, level) < 0 when item a is better than b at that level. `tiebreak_id(a, b)` gives
// a deterministic display order among items that share a rank.
template <class Compare, class Display>
rank_outcome rank_by(std::vector<int> items, int levels, Compare compare, Display display) {
    rank_outcome out;
    auto full = [&](int a, int b) {
        for (int l = 0; l < levels; ++l)
            if (int c = compare(a, b, l); c != 0) return c;
        return 0;
    };
    std::sort(items.begin(), items.end(), [&](int a, int b) {
        int c = full(a, b);
        return c != 0 ? c < 0 : display(a, b);
    });
    int size = 0;
    for (int i : items) size = std::max(size, i + 1);
    out.rank.assign(static_cast<std::size_t>(size), 0);
    out.decided.assign(static_cast<std::size_t>(size), -1);
    // gap[k]: the first level at which items k-1 and k differ (-1 when already at level 0 is
    // never: 0), or `levels` when they are equal at every level; computed once per pair.
    std::vector<int> gap(items.size(), -1);
    for (std::size_t k = 1; k < items.size(); ++k) {
        int level = 0;
        while (level < levels && compare(items[k - 1], items[k], level) == 0) ++level;
        gap[k] = level;
    }
    auto separating = [&](std::size_t k) { return gap[k] == 0 ? -1 : gap[k]; }; // pair (k-1, k)
    for (std::size_t k = 0; k < items.size(); ++k) {
        auto i = static_cast<std::size_t>(items[k]);
        bool tied_above = k > 0 && gap[k] == levels;
        out.rank[i] =
            tied_above ? out.rank[static_cast<std::size_t>(items[k - 1])] : static_cast<int>(k) + 1;
        // An item that shares its rank is "shared" whatever placed its group; otherwise the
        // level that separated it from the item above, else from the one below.
        bool tied_below = k + 1 < items.size() && gap[k + 1] == levels;
        int level = k > 0 ? separating(k) : -1;
        if (level < 0 && k + 1 < items.size()) level = separating(k + 1);
        out.decided[i] = tied_above || tied_below ? levels : level;
    }
    out.order = std::move(items);
    return out;
}

} // namespace aplc::scoring::detail
