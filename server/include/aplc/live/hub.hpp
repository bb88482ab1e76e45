#pragma once
// The broadcast hub (DESIGN.md, "Boards and what the public sees"): for each board topic and
// view, the current snapshot (serialized once per change) and who is subscribed to it. A
// publish hands the one shared frame to every subscriber; the subscribers' outboxes decide what
// is written when (a newer snapshot of a topic replaces a queued older one).
//
// Thread safety: none; the hub lives on the network thread.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace aplc::live {

enum class board_view { live, public_view };

// One serialized board push, shared by every connection that sends it.
struct snapshot {
    std::string topic;
    board_view view = board_view::public_view;
    std::int64_t version = 0;
    std::string frame; // the whole {"type":"board",...} message
};
using snapshot_ptr = std::shared_ptr<const snapshot>;

class subscriber {
public:
    virtual ~subscriber() = default;
    // Queues `s` for sending. Called on the network thread.
    virtual void deliver(const snapshot_ptr& s) = 0;
};

class hub {
public:
    // `post` runs a function later on the network thread. A publish reaches the subscribers in
    // one pass, `slice` of them at a time, so that acks queued meanwhile are not held behind it;
    // each subscriber is handed the newest snapshot when the pass reaches it, and a snapshot
    // published during a pass starts another pass (for those passed already) when it ends. So
    // under load, changes coalesce instead of queueing up: each subscriber gets the newest.
    //
    // `delivered`, when set, is told at the end of each pass that still has subscribers how
    // long it took from the publish of the snapshot the pass began with until the last of them
    // had been handed that snapshot or a newer one (queued on its connection, whose write starts
    // at once when the connection is idle), and how many subscribers the board has then
    // (/metrics). A snapshot replaced by a newer one before a pass began with it is not timed
    // apart: the newer one's pass covers it.
    using delivered_fn =
        std::function<void(std::chrono::nanoseconds took, std::size_t subscribers)>;
    explicit hub(std::function<void(std::function<void()>)> post, std::size_t slice = 128,
                 delivered_fn delivered = nullptr);

    // Makes `s` the current snapshot of its topic and view and delivers it to the subscribers.
    // A snapshot not newer than the current one is ignored.
    void publish(snapshot_ptr s);

    // The current snapshot, or nullptr when the topic has none (an unknown topic).
    [[nodiscard]] snapshot_ptr current(std::string_view topic, board_view view) const;

    void subscribe(const std::shared_ptr<subscriber>& who, std::string_view topic, board_view view);
    void unsubscribe(const subscriber* who, std::string_view topic, board_view view);
    // Every subscription of `who` (a closed connection).
    void drop(const subscriber* who);
    // Every subscription of everyone (the server stops: the connections must be released while
    // the context their sockets belong to still exists).
    void drop_all();

    [[nodiscard]] std::size_t subscriptions() const;
    [[nodiscard]] std::uint64_t published() const { return published_; }

private:
    struct board {
        snapshot_ptr current;
        std::vector<std::shared_ptr<subscriber>> subscribers;
        bool passing = false;                                 // a delivery pass is under way
        std::size_t cursor = 0;                               // the next subscriber it reaches
        std::int64_t pass_version = 0;                        // the version the pass started with
        std::chrono::steady_clock::time_point published_at{}; // when `current` was published
        std::chrono::steady_clock::time_point pass_from{};    // ...and the pass's first one
    };
    using key = std::pair<std::string, board_view>;
    struct key_less {
        using is_transparent = void;
        bool operator()(const key& a, const key& b) const { return a < b; }
        bool operator()(const key& a, const std::pair<std::string_view, board_view>& b) const {
            return std::pair<std::string_view, board_view>{a.first, a.second} < b;
        }
        bool operator()(const std::pair<std::string_view, board_view>& a, const key& b) const {
            return a < std::pair<std::string_view, board_view>{b.first, b.second};
        }
    };
    void start_pass(board& b, const key& k);
    void continue_pass(const key& k);
    static void remove(board& b, const subscriber* who);

    std::function<void(std::function<void()>)> post_;
    std::size_t slice_;
    delivered_fn delivered_;
    std::map<key, board, key_less> boards_;
    std::uint64_t published_ = 0;
};

} // namespace aplc::live
