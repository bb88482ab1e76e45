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

void install_displays(server_state& s, live::display_settings_ptr settings) {
    s.displays = std::move(settings);
    for (auto& sp : open_sessions(s)) sp->displays_changed();
}

} // namespace aplc::net
