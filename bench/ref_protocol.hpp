#pragma once
// The reference fan-out servers' side of the loadgen's `ref` mode (bench/loadgen.cpp), shared by
// ref_beast and ref_uws: the board-like text they broadcast and the `"seq":N` of a publish.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace aplc::bench {

// `{"type":"board","topic":"latest","version":N,...,"board":{"pad":"xxx..."}}`, `bytes` long
// (or as short as its fixed part when `bytes` is smaller).
inline std::string make_board(std::int64_t version, std::size_t bytes) {
    std::string head = R"({"type":"board","topic":"latest","version":)" + std::to_string(version) +
                       R"(,"view":"public","frozen":false,"board":{"pad":")";
    const std::string tail = "\"}}";
    const std::size_t fixed = head.size() + tail.size();
    head.append(bytes > fixed ? bytes - fixed : 0, 'x');
    head += tail;
    return head;
}

// Reads `"seq":N` from a publish message; -1 when absent.
inline std::int64_t read_seq(std::string_view text) {
    const auto at = text.find("\"seq\":");
    if (at == std::string_view::npos) return -1;
    std::int64_t v = 0;
    bool any = false;
    for (std::size_t i = at + 6; i < text.size(); ++i) {
        const char c = text[i];
        if (c == ' ') continue;
        if (c < '0' || c > '9') break;
        v = v * 10 + (c - '0');
        any = true;
    }
    return any ? v : -1;
}

} // namespace aplc::bench
