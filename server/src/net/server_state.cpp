#include "server_state.hpp"

#include <utility>

namespace aplc::net {

std::vector<std::shared_ptr<session_base>> open_sessions(server_state& s) {
    std::vector<std::shared_ptr<session_base>> open;
    open.reserve(s.sessions.size());
    for (auto& [p, w] : s.sessions)
        if (auto sp = w.lock()) open.push_back(std::move(sp));
    return open;
}

void server_state::reissued(const std::string& subject) {
    reissued_at[subject] = ++reissues;
    for (auto& sp : open_sessions(*this)) sp->code_reissued(subject);
}

std::string_view admission_refusal(const server_state& s, const std::string& address) {
    const connection_counts& c = s.connections;
    if (c.open >= c.max_open) return "server_full";
    if (c.max_per_address == 0) return {};
    auto it = c.by_address.find(address);
    if (it != c.by_address.end() && it->second >= c.max_per_address) return "address_full";
    return {};
}

admission::admission(server_state& s, std::string address, std::string_view reason)
    : s_{&s}, address_{std::move(address)}, reason_{reason} {
    if (!reason_.empty()) {
        ++s_->connections.refusing;
        return;
    }
    ++s_->connections.open;
    ++s_->connections.by_address[address_];
}

admission::admission(admission&& other) noexcept
    : s_{std::exchange(other.s_, nullptr)}, address_{std::move(other.address_)},
      reason_{other.reason_} {}

admission::~admission() {
    if (!s_) return;
    connection_counts& c = s_->connections;
    if (!reason_.empty()) {
        --c.refusing;
        return;
    }
    --c.open;
    auto it = c.by_address.find(address_);
    if (it != c.by_address.end() && --it->second == 0) c.by_address.erase(it);
}

void install_displays(server_state& s, live::display_settings_ptr settings) {
    s.displays = std::move(settings);
    for (auto& sp : open_sessions(s)) sp->displays_changed();
}

} // namespace aplc::net
