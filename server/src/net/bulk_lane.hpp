#pragma once
// The bulk lane (DESIGN.md, "Performance targets", durable ack): the network thread's
// low-priority work — board deliveries to displays and the public, and the completions of their
// writes — kept out of the io_context's queue, so that what must happen at once (reading a
// judge's frame, writing an ack) never waits behind a whole fan-out.
//
// Asio runs its queue first in, first out and polls the sockets only when it reaches its
// reactor's place in that queue: the completions queued by a fan-out delay the next read by as
// long as they take to run. Work handed to the lane waits in a queue of the lane's own, and one
// drain handler at a time sits in the io_context's queue: it runs the lane's work for at most
// `budget` (or `max_batch` items, whichever ends first), then queues itself again, behind
// everything queued meanwhile, the reactor's polling included. Order within the lane is kept.
//
// get_executor() makes the lane usable as a completion handler's associated executor
// (asio::bind_executor): the intermediate and final handlers of a composed operation then run
// in the lane.
//
// Thread safety: none. Every use (the executor's execute() too) is on the one thread that runs
// the io_context. No Beast in here.
#include <boost/asio/execution.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <type_traits>
#include <utility>

namespace aplc::net {

class bulk_lane {
public:
    // Runs on `ctx`. `after_batch`, when set, runs after each batch that leaves work queued
    // (the server yields the core there when the app thread has work).
    // Precondition: the lane outlives every handler it was given, or clear() runs first.
    bulk_lane(boost::asio::io_context& ctx, std::chrono::nanoseconds budget,
              std::size_t max_batch = SIZE_MAX, std::function<void()> after_batch = {})
        : ctx_{ctx}, budget_{budget}, max_batch_{max_batch < 1 ? 1 : max_batch},
          after_batch_{std::move(after_batch)} {}
    bulk_lane(const bulk_lane&) = delete;
    bulk_lane& operator=(const bulk_lane&) = delete;
    ~bulk_lane() { clear(); }

    // An executor that queues work in the lane (Asio's standard executor model).
    class executor_type {
    public:
        explicit executor_type(bulk_lane& lane) noexcept : lane_{&lane} {}

        [[nodiscard]] boost::asio::execution_context&
        query(boost::asio::execution::context_t) const noexcept {
            return lane_->ctx_;
        }
        static constexpr boost::asio::execution::blocking_t
        query(boost::asio::execution::blocking_t) noexcept {
            return boost::asio::execution::blocking.never;
        }
        // Work is always queued, never run inside execute(): blocking.never holds as it is.
        [[nodiscard]] executor_type
        require(boost::asio::execution::blocking_t::never_t) const noexcept {
            return *this;
        }
        template <class F> void execute(F&& f) const { lane_->add(std::forward<F>(f)); }

        friend bool operator==(const executor_type& a, const executor_type& b) noexcept {
            return a.lane_ == b.lane_;
        }
        friend bool operator!=(const executor_type& a, const executor_type& b) noexcept {
            return a.lane_ != b.lane_;
        }

    private:
        bulk_lane* lane_;
    };

    [[nodiscard]] executor_type get_executor() noexcept { return executor_type{*this}; }

    // Queues `f` (a callable without arguments, may be move-only) behind the lane's other work.
    template <class F> void add(F&& f) {
        queue_.push_back(std::make_unique<item<std::decay_t<F>>>(std::forward<F>(f)));
        if (!scheduled_) schedule();
    }

    // Drops the queued work without running it (the server stops: the handlers hold
    // connections, which must go while their io_context still exists).
    void clear() {
        auto dropped = std::move(queue_);
        queue_.clear();
    }

    [[nodiscard]] std::size_t queued() const { return queue_.size(); }
    [[nodiscard]] std::uint64_t batches() const { return batches_; }

private:
    struct task {
        virtual ~task() = default;
        virtual void run() = 0;
    };
    template <class F> struct item final : task {
        template <class G> explicit item(G&& g) : f{std::forward<G>(g)} {}
        void run() override { std::move(f)(); }
        F f;
    };

    void schedule() {
        scheduled_ = true;
        boost::asio::post(ctx_, [this] { drain(); });
    }

    // Work added while a batch runs may run in it; the next drain is queued at once then.
    void drain() {
        scheduled_ = false;
        ++batches_;
        const auto until = std::chrono::steady_clock::now() + budget_;
        for (std::size_t n = 0; n < max_batch_ && !queue_.empty(); ++n) {
            auto next = std::move(queue_.front());
            queue_.pop_front();
            next->run();
            if (std::chrono::steady_clock::now() >= until) break;
        }
        if (queue_.empty()) return;
        if (!scheduled_) schedule();
        if (after_batch_) after_batch_();
    }

    boost::asio::io_context& ctx_;
    std::chrono::nanoseconds budget_;
    std::size_t max_batch_;
    std::function<void()> after_batch_;
    std::deque<std::unique_ptr<task>> queue_;
    bool scheduled_ = false;
    std::uint64_t batches_ = 0;
};

} // namespace aplc::net
