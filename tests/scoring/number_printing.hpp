#pragma once
// How Catch2 shows a number in a failed check: its decimal and its exact fraction.
#include "aplc/scoring/number.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace Catch {
template <> struct StringMaker<aplc::scoring::number> {
    static std::string convert(const aplc::scoring::number& value) {
        return value.to_string() + " (" + value.to_fraction_string() + ")";
    }
};
} // namespace Catch
