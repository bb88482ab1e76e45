#include "aplc/live/hub.hpp"

#include <algorithm>
#include <utility>

namespace aplc::live {

hub::hub(std::function<void(std::function<void()>)> post, std::size_t slice, delivered_fn delivered)
    : post_{std::move(post)}, slice_{std::max<std::size_t>(slice, 1)}, delivered_{
                                                                           std::move(delivered)} {}

void hub::publish(snapshot_ptr s) {
    key k{s->topic, s->view};
    auto& b = boards_[k];
    if (b.current && b.current->version >= s->version) return;
    b.current = std::move(s);
    b.published_at = std::chrono::steady_clock::now();
    ++published_;
    if (!b.passing && !b.subscribers.empty()) start_pass(b, k);
}

void hub::start_pass(board& b, const key& k) {
    b.passing = true;
    b.cursor = 0;
    b.pass_version = b.current->version;
    b.pass_from = b.published_at;
    continue_pass(k);
}

void hub::continue_pass(const key& k) {
    auto it = boards_.find(k);
    if (it == boards_.end()) return;
    auto& b = it->second;
    const std::size_t end = std::min(b.subscribers.size(), b.cursor + slice_);
    // A subscriber may close (and leave the list) inside deliver(): hold it while it runs.
    while (b.cursor < end && b.cursor < b.subscribers.size()) {
        auto who = b.subscribers[b.cursor];
        who->deliver(b.current);
        if (b.cursor < b.subscribers.size() && b.subscribers[b.cursor] == who) ++b.cursor;
    }
    if (b.cursor < b.subscribers.size()) {
        post_([this, k] { continue_pass(k); });
        return;
    }
    b.passing = false;
    if (delivered_ && !b.subscribers.empty())
        delivered_(std::chrono::steady_clock::now() - b.pass_from, b.subscribers.size());
    // Snapshots published during the pass reached only the subscribers after the cursor.
    if (b.current->version > b.pass_version && !b.subscribers.empty()) start_pass(b, k);
}

snapshot_ptr hub::current(std::string_view topic, board_view view) const {
    auto it = boards_.find(std::pair<std::string_view, board_view>{topic, view});
    return it == boards_.end() ? nullptr : it->second.current;
}

void hub::subscribe(const std::shared_ptr<subscriber>& who, std::string_view topic,
                    board_view view) {
    auto it = boards_.find(std::pair<std::string_view, board_view>{topic, view});
    if (it == boards_.end()) return;
    auto& subs = it->second.subscribers;
    if (std::find(subs.begin(), subs.end(), who) == subs.end()) subs.push_back(who);
}

void hub::drop_all() {
    for (auto& [k, b] : boards_) {
        b.subscribers.clear();
        b.passing = false;
        b.cursor = 0;
    }
}

// Removes `who`, keeping a pass's cursor on the subscriber it would have reached next.
void hub::remove(board& b, const subscriber* who) {
    auto it = std::find_if(b.subscribers.begin(), b.subscribers.end(),
                           [who](const auto& p) { return p.get() == who; });
    if (it == b.subscribers.end()) return;
    const auto at = static_cast<std::size_t>(it - b.subscribers.begin());
    b.subscribers.erase(it);
    if (b.passing && at < b.cursor) --b.cursor;
}

void hub::unsubscribe(const subscriber* who, std::string_view topic, board_view view) {
    auto it = boards_.find(std::pair<std::string_view, board_view>{topic, view});
    if (it != boards_.end()) remove(it->second, who);
}

void hub::drop(const subscriber* who) {
    for (auto& [k, b] : boards_) remove(b, who);
}

std::size_t hub::subscriptions() const {
    std::size_t n = 0;
    for (const auto& [k, b] : boards_) n += b.subscribers.size();
    return n;
}

} // namespace aplc::live
