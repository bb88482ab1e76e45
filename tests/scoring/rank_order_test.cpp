// Shared ranking over a chain of comparison levels (detail::rank_by).
#include "../../scoring/src/rank_order.hpp"

#include <catch2/catch.hpp>

#include <cstddef>
#include <vector>

namespace {

using aplc::scoring::detail::rank_by;
using aplc::scoring::detail::rank_outcome;

// keys[item][level]; a higher key is better at every level.
rank_outcome rank_high_first(const std::vector<std::vector<int>>& keys,
                             bool display_by_index = true) {
    std::vector<int> items;
    for (std::size_t i = 0; i < keys.size(); ++i) items.push_back(static_cast<int>(i));
    int levels = keys.empty() ? 0 : static_cast<int>(keys.front().size());
    auto key = [&](int item, int level) {
        return keys[static_cast<std::size_t>(item)][static_cast<std::size_t>(level)];
    };
    auto compare = [&](int a, int b, int level) {
        int ka = key(a, level);
        int kb = key(b, level);
        return ka > kb ? -1 : (ka < kb ? 1 : 0);
    };
    auto display = [&](int a, int b) { return display_by_index ? a < b : a > b; };
    return rank_by(items, levels, compare, display);
}

} // namespace

TEST_CASE("rank_by gives tied items one rank and skips the places they take", "[rank]") {
    // items 1 and 2 tie on every level
    auto out = rank_high_first({{90, 1}, {80, 5}, {80, 5}, {70, 0}});
    CHECK(out.order == std::vector<int>{0, 1, 2, 3});
    CHECK(out.rank == std::vector<int>{1, 2, 2, 4});
}

TEST_CASE("rank_by orders by the best key whatever the input order", "[rank]") {
    auto out = rank_high_first({{70, 0}, {80, 5}, {90, 1}, {80, 5}, {60, 9}});
    CHECK(out.order == std::vector<int>{2, 1, 3, 0, 4});
    CHECK(out.rank == std::vector<int>{4, 2, 1, 2, 5});
}

TEST_CASE("rank_by uses the display order only among items that share a rank", "[rank]") {
    auto out = rank_high_first({{90, 1}, {80, 5}, {80, 5}, {70, 0}}, false);
    CHECK(out.order == std::vector<int>{0, 2, 1, 3});
    CHECK(out.rank == std::vector<int>{1, 2, 2, 4});
}

TEST_CASE("rank_by breaks a tie on the first level with a later level", "[rank]") {
    auto out = rank_high_first({{90, 1}, {80, 5}, {80, 7}, {70, 0}});
    CHECK(out.order == std::vector<int>{0, 2, 1, 3});
    CHECK(out.rank == std::vector<int>{1, 3, 2, 4});
}

TEST_CASE("rank_by says which level decided each item", "[rank]") {
    SECTION("-1 for every item when nothing ties on level 0") {
        auto out = rank_high_first({{90, 1}, {80, 5}, {70, 0}});
        CHECK(out.decided == std::vector<int>{-1, -1, -1});
    }
    SECTION("the level that separated items tied on level 0") {
        auto out = rank_high_first({{90, 1}, {80, 5}, {80, 7}, {70, 0}});
        CHECK(out.decided == std::vector<int>{-1, 1, 1, -1});
    }
    SECTION("a deeper level when the earlier ones also tie") {
        auto out = rank_high_first({{80, 3, 2}, {80, 3, 9}, {95, 0, 0}});
        CHECK(out.order == std::vector<int>{2, 1, 0});
        CHECK(out.rank == std::vector<int>{3, 2, 1});
        CHECK(out.decided == std::vector<int>{2, 2, -1});
    }
    SECTION("`levels` for items that share a rank") {
        auto out = rank_high_first({{90, 1}, {80, 5}, {80, 5}, {70, 0}});
        CHECK(out.decided == std::vector<int>{-1, 2, 2, -1});
        auto three = rank_high_first({{80, 3, 2}, {80, 3, 2}});
        CHECK(three.decided == std::vector<int>{3, 3});
    }
    SECTION("a single level: a tie is a shared rank decided by no level") {
        auto out = rank_high_first({{5}, {5}, {3}});
        CHECK(out.rank == std::vector<int>{1, 1, 3});
        CHECK(out.decided == std::vector<int>{1, 1, -1});
    }
    SECTION("the first item of a tied group is judged against the item after it") {
        auto out = rank_high_first({{80, 9}, {80, 1}, {80, 5}});
        CHECK(out.order == std::vector<int>{0, 2, 1});
        CHECK(out.decided == std::vector<int>{1, 1, 1});
    }
}

TEST_CASE("items that share a rank are all marked as shared", "[rank]") {
    // Item 1 is separated from item 0 by level 1 but ties item 2 on every level: both hold rank
    // 2, yet item 1 is reported as decided by level 1 and item 2 as shared.
    auto out = rank_high_first({{80, 9}, {80, 5}, {80, 5}});
    REQUIRE(out.rank == std::vector<int>{1, 2, 2});
    CHECK(out.decided == std::vector<int>{1, 2, 2});
}

TEST_CASE("rank_by sizes its tables by the largest item index", "[rank]") {
    // items 0 and 2 only: item 1 is absent and keeps rank 0, decided -1
    std::vector<std::vector<int>> keys{{10}, {99}, {20}};
    auto compare = [&](int a, int b, int) {
        int ka = keys[static_cast<std::size_t>(a)][0];
        int kb = keys[static_cast<std::size_t>(b)][0];
        return ka > kb ? -1 : (ka < kb ? 1 : 0);
    };
    auto out = rank_by({0, 2}, 1, compare, [](int a, int b) { return a < b; });
    CHECK(out.order == std::vector<int>{2, 0});
    CHECK(out.rank == std::vector<int>{2, 0, 1});
    CHECK(out.decided == std::vector<int>{-1, -1, -1});
}
