#pragma once
// Counting and cutting UTF-8 text by characters (Unicode code points), as JSON Schema's
// maxLength counts them and as a terminal lays them out: every byte that does not continue a
// character (10xxxxxx) starts one. The text is assumed to be valid UTF-8 (nlohmann-json checks
// what it parses).
#include <algorithm>
#include <cstddef>
#include <string_view>

namespace aplc::codec {

[[nodiscard]] inline bool starts_character(char byte) {
    return (static_cast<unsigned char>(byte) & 0xC0U) != 0x80U;
}

// The characters of `text`.
[[nodiscard]] inline std::size_t characters(std::string_view text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), starts_character));
}

// The first `limit` characters of `text` (all of it when it has no more).
[[nodiscard]] inline std::string_view first_characters(std::string_view text, std::size_t limit) {
    std::size_t seen = 0;
    for (std::size_t i = 0; i < text.size(); ++i)
        if (starts_character(text[i]) && seen++ == limit) return text.substr(0, i);
    return text;
}

} // namespace aplc::codec
