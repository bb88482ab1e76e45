#include "zip_reader.hpp"

#include <zlib.h>

#include <cstdint>
#include <optional>

namespace aplc::exports {

namespace {

std::uint32_t le(const std::string& b, std::size_t at, int bytes) {
    std::uint32_t v = 0;
    for (int i = bytes - 1; i >= 0; --i)
        v = (v << 8U) | static_cast<unsigned char>(b[at + static_cast<std::size_t>(i)]);
    return v;
}

std::optional<std::string> inflate_raw(const std::string& in, std::size_t size) {
    std::string out(size, '\0');
    z_stream z{};
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK) return std::nullopt;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    int rc = inflate(&z, Z_FINISH);
    inflateEnd(&z);
    if (rc != Z_STREAM_END) return std::nullopt;
    return out;
}

} // namespace

std::map<std::string, std::string> read_zip(const std::string& b) {
    std::map<std::string, std::string> parts;
    if (b.size() < 22) return parts;
    std::size_t eocd = b.rfind(std::string{"PK\x05\x06", 4});
    if (eocd == std::string::npos || eocd + 22 > b.size()) return parts;
    std::size_t count = le(b, eocd + 10, 2);
    std::size_t at = le(b, eocd + 16, 4);
    for (std::size_t i = 0; i < count; ++i) {
        if (at + 46 > b.size() || le(b, at, 4) != 0x02014b50U) return {};
        auto method = le(b, at + 10, 2);
        std::size_t packed = le(b, at + 20, 4), size = le(b, at + 24, 4);
        std::size_t name_len = le(b, at + 28, 2), extra = le(b, at + 30, 2),
                    comment = le(b, at + 32, 2), local = le(b, at + 42, 4);
        std::string name = b.substr(at + 46, name_len);
        at += 46 + name_len + extra + comment;
        if (local + 30 > b.size()) return {};
        std::size_t data = local + 30 + le(b, local + 26, 2) + le(b, local + 28, 2);
        if (data + packed > b.size()) return {};
        std::string raw = b.substr(data, packed);
        if (method == 0) {
            parts[name] = raw;
        } else if (method == 8) {
            auto out = inflate_raw(raw, size);
            if (!out) return {};
            parts[name] = *out;
        } else {
            return {};
        }
    }
    return parts;
}

} // namespace aplc::exports
