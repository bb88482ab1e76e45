#pragma once
#include <compare>
#include <functional>
#include <string>

namespace aplc::scoring {

// An id that cannot be passed where another kind of id is expected.
template <class Tag> struct strong_id {
    std::string value;
    friend auto operator<=>(const strong_id&, const strong_id&) = default;
    friend bool operator==(const strong_id&, const strong_id&) = default;
};

using judge_id = strong_id<struct judge_tag>;
using scenario_id = strong_id<struct scenario_tag>;
// A team or a member: whoever a scenario ranks. Team and member ids share one namespace.
using entrant_id = strong_id<struct entrant_tag>;

} // namespace aplc::scoring

template <class Tag> struct std::hash<aplc::scoring::strong_id<Tag>> {
    std::size_t operator()(const aplc::scoring::strong_id<Tag>& id) const noexcept {
        return std::hash<std::string>{}(id.value);
    }
};
