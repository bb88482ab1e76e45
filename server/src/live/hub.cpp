#include "aplc/live/hub.hpp"

#include <algorithm>

namespace aplc::live {

hub::hub(std::function<void(std::function<void()>)> post, std::size_t slice)
    : post_{std::move(post)}, slice_{std::max<std::size_t>(slice, 1)} {}

void hub::publish(snapshot_ptr s) {
    auto& b = boards_[key{s->topic, s->view}];
    if (b.current && b.current->version >= s->version) return;
    b.current = s;
    ++published_;
    if (b.subscribers.empty()) return;
    // A copy of the list: connections may come and go while later slices wait their turn.
    auto to = std::make_shared<const std::vector<std::shared_ptr<subscriber>>>(b.subscribers);
    deliver_from(std::move(to), std::move(s), 0);
}

void hub::deliver_from(std::shared_ptr<const std::vector<std::shared_ptr<subscriber>>> to,
                       snapshot_ptr s, std::size_t from) {
    const std::size_t end = std::min(to->size(), from + slice_);
    for (std::size_t i = from; i < end; ++i) (*to)[i]->deliver(s);
    if (end < to->size())
        post_([this, to = std::move(to), s = std::move(s), end]() mutable {
            deliver_from(std::move(to), std::move(s), end);
        });
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

void hub::unsubscribe(const subscriber* who, std::string_view topic, board_view view) {
    auto it = boards_.find(std::pair<std::string_view, board_view>{topic, view});
    if (it == boards_.end()) return;
    std::erase_if(it->second.subscribers, [who](const auto& p) { return p.get() == who; });
}

void hub::drop(const subscriber* who) {
    for (auto& [k, b] : boards_)
        std::erase_if(b.subscribers, [who](const auto& p) { return p.get() == who; });
}

std::size_t hub::subscriptions() const {
    std::size_t n = 0;
    for (const auto& [k, b] : boards_) n += b.subscribers.size();
    return n;
}

} // namespace aplc::live
