// The frame header of the boards the server writes itself (ws_frame.hpp), byte for byte as RFC
// 6455, 5.2 lays it out, at each boundary of the three length encodings.
#include "ws_frame.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

namespace {

std::vector<int> header_of(std::uint64_t length) {
    const auto h = aplc::net::text_frame_header(length);
    return {h.bytes.begin(), h.bytes.begin() + static_cast<std::ptrdiff_t>(h.size)};
}

} // namespace

TEST_CASE("a text frame's header carries its length in 7, 16 or 64 bits") {
    CHECK(header_of(0) == std::vector<int>{0x81, 0});
    CHECK(header_of(125) == std::vector<int>{0x81, 125});
    CHECK(header_of(126) == std::vector<int>{0x81, 126, 0x00, 0x7e});
    CHECK(header_of(2715) == std::vector<int>{0x81, 126, 0x0a, 0x9b});
    CHECK(header_of(65535) == std::vector<int>{0x81, 126, 0xff, 0xff});
    CHECK(header_of(65536) == std::vector<int>{0x81, 127, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00});
    CHECK(header_of(0x0102030405060708ULL) ==
          std::vector<int>{0x81, 127, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08});
}
