#pragma once
// A connection's outbox (DESIGN.md, "Slow screens never hurt others"; docs/protocol.md, Slow
// screens): what is waiting to be written to one WebSocket, in order, one write at a time.
// - Replies (acks, errors, pushes to one client) are never dropped; past `max_replies` waiting
//   the connection must be closed instead (add_reply() says so).
// - Boards: at most one queued per topic; a newer snapshot (or one of the view the client has
//   now) replaces the queued one in its place, and a snapshot no newer than the one written,
//   being written or queued for its topic and view is not queued at all: each version of a
//   board reaches the client once.
// - A keep-alive ping: at most one queued; it goes out in its turn like the rest.
//
// Thread safety: none; the network thread owns it. No Beast in here.
#include "aplc/live/hub.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace aplc::net {

class outbox {
public:
    struct item {
        std::shared_ptr<const std::string> text; // a reply
        live::snapshot_ptr board;                // or a board; neither: a keep-alive ping
        [[nodiscard]] bool ping() const { return !text && !board; }
        // The text to write (empty for a ping).
        [[nodiscard]] const std::string& bytes() const {
            static const std::string none;
            return text ? *text : board ? board->frame : none;
        }
    };

    explicit outbox(std::size_t max_replies) : max_replies_{max_replies} {}

    // Queues `board` unless the client has it or will have it (see above); true when queued or
    // replacing a queued older one.
    bool offer(const live::snapshot_ptr& board) {
        if (board->version <= written_version(board->topic)) return false;
        for (std::size_t i = 0; i < queue_.size(); ++i) {
            auto& queued = queue_[i].board;
            if (!queued || queued->topic != board->topic) continue;
            if (queued->view == board->view && queued->version >= board->version) return false;
            if (i == 0 && writing_) continue; // being written: the new one goes after it
            queued = board;                   // newer, or of the view the client has now
            return true;
        }
        queue_.push_back({nullptr, board});
        return true;
    }

    // Queues a reply; false (nothing queued) when `max_replies` are already waiting.
    bool add_reply(std::shared_ptr<const std::string> text) {
        if (replies_ >= max_replies_) return false;
        ++replies_;
        queue_.push_back({std::move(text), nullptr});
        return true;
    }

    // Queues a keep-alive ping unless one is queued already.
    void add_ping() {
        if (std::any_of(queue_.begin(), queue_.end(), [](const item& i) { return i.ping(); }))
            return;
        queue_.push_back({nullptr, nullptr});
    }

    // The next item to write, now being written; nullptr while one is or when none waits.
    [[nodiscard]] const item* start_write() {
        if (writing_ || queue_.empty()) return nullptr;
        writing_ = true;
        return &queue_.front();
    }

    // The item start_write() returned was written: it leaves the outbox.
    void written() {
        if (!writing_) return;
        writing_ = false;
        const item& done = queue_.front();
        if (done.board) {
            auto& version = written_[done.board->topic];
            version = std::max(version, done.board->version);
        } else if (done.text) {
            --replies_;
        }
        queue_.erase(queue_.begin());
    }

    // The newest board version of `topic` written so far (0: none).
    [[nodiscard]] std::int64_t written_version(std::string_view topic) const {
        auto it = written_.find(topic);
        return it == written_.end() ? 0 : it->second;
    }

    // The client has `version` of `topic` already (board.subscribe's `since`): older ones are
    // not sent.
    void client_has(const std::string& topic, std::int64_t version) {
        auto& v = written_[topic];
        v = std::max(v, version);
    }

    // The next board of `topic` goes out whatever its version (the client's view changed, or
    // it unsubscribed).
    void forget(std::string_view topic) {
        if (auto it = written_.find(topic); it != written_.end()) written_.erase(it);
    }

    [[nodiscard]] bool writing() const { return writing_; }
    [[nodiscard]] std::size_t size() const { return queue_.size(); }

private:
    std::size_t max_replies_;
    std::vector<item> queue_; // a few entries at most: one per topic, plus replies
    std::map<std::string, std::int64_t, std::less<>> written_; // newest version written per topic
    std::size_t replies_ = 0;
    bool writing_ = false;
};

} // namespace aplc::net
