#pragma once
// The header of a WebSocket message the server sends as one frame (RFC 6455, 5.2): FIN, opcode
// text, unmasked, and the payload's length in 7 bits, or 126 and 16 bits, or 127 and 64 bits,
// in network byte order. The payload follows it unchanged.
//
// No Beast in here.
#include <array>
#include <cstddef>
#include <cstdint>

namespace aplc::net {

struct frame_header {
    std::array<unsigned char, 10> bytes{};
    std::size_t size = 0; // 2, 4 or 10
};

inline frame_header text_frame_header(std::uint64_t length) {
    frame_header h;
    h.bytes[0] = 0x81; // FIN, text
    if (length < 126) {
        h.bytes[1] = static_cast<unsigned char>(length);
        h.size = 2;
    } else if (length <= 0xFFFF) {
        h.bytes[1] = 126;
        h.bytes[2] = static_cast<unsigned char>(length >> 8);
        h.bytes[3] = static_cast<unsigned char>(length);
        h.size = 4;
    } else {
        h.bytes[1] = 127;
        for (std::size_t i = 0; i < 8; ++i)
            h.bytes[2 + i] = static_cast<unsigned char>(length >> (8 * (7 - i)));
        h.size = 10;
    }
    return h;
}

} // namespace aplc::net
