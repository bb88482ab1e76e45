#include "hash_chain.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace aplc::store {

std::string to_hex(const digest& d) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(d.size() * 2);
    for (unsigned char c : d) {
        out.push_back(hex[c >> 4U]);
        out.push_back(hex[c & 0x0FU]);
    }
    return out;
}

namespace detail {
namespace {

void put_length(std::string& buffer, std::uint64_t n) {
    for (int i = 0; i < 8; ++i)
        buffer.push_back(static_cast<char>((n >> (8U * static_cast<unsigned>(i))) & 0xFFU));
}

void put_field(std::string& buffer, const std::string& field) {
    put_length(buffer, field.size());
    buffer += field;
}

// SHA-256 fetched from OpenSSL's default provider once, for the process: with EVP_sha256(),
// EVP_Digest looks the algorithm up again on every call, which was most of an append's hashing
// time on a busy server (docs/performance.md).
const EVP_MD* sha256() {
    static const EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (md == nullptr) throw std::runtime_error{"OpenSSL has no SHA-256"};
    return md;
}

} // namespace

digest sha256_of(std::string_view bytes) {
    digest out{};
    unsigned int size = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), out.data(), &size, sha256(), nullptr) != 1 ||
        size != out.size())
        throw std::runtime_error{"OpenSSL SHA-256 failed"};
    return out;
}

digest entry_hash(const digest& prev, std::int64_t seq, const std::string& at,
                  const std::string& actor, const std::string& device, const std::string& kind,
                  const std::string& submission_id, const std::string& body) {
    std::string buffer;
    buffer.reserve(96 + at.size() + actor.size() + device.size() + kind.size() +
                   submission_id.size() + body.size());
    buffer.append(reinterpret_cast<const char*>(prev.data()), prev.size()); // NOLINT: bytes
    put_length(buffer, static_cast<std::uint64_t>(seq));
    for (const std::string* f : {&at, &actor, &device, &kind, &submission_id, &body})
        put_field(buffer, *f);
    return sha256_of(buffer);
}

} // namespace detail

digest request_digest(std::string_view request) { return detail::sha256_of(request); }

bool submission::repeated_by(std::string_view by, std::string_view req) const {
    if (by != actor) return false;
    if (!request) return true; // stored without a request: nothing more to compare
    return !req.empty() && *request == request_digest(req);
}
} // namespace aplc::store
