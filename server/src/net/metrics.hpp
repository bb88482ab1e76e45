#pragma once
// What /metrics reports (docs/operations.md): the network thread's counters and the durable
// ack's latency histograms, in Prometheus text format. No Beast in here.
//
// Thread safety: the plain counters belong to the network thread; the histograms and the
// atomics may be written from any thread (the app thread writes them, the network thread reads
// them for /metrics).
#include "aplc/live/auth.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

namespace aplc::net {

// A latency histogram, Prometheus style: counts by upper bound (seconds). Observed from any
// thread.
class latency_histogram {
public:
    // Fine around the durable ack's 5 ms target.
    static constexpr std::array<double, 19> ack_bounds{
        0.0001, 0.00025, 0.0005, 0.00075, 0.001, 0.00125, 0.0015, 0.002, 0.0025, 0.003,
        0.004,  0.005,   0.0075, 0.01,    0.02,  0.05,    0.1,    0.25,  1.0};
    // Fine around the fan-out's targets: 25 ms at 1,000 displays, 170 ms at 10,000.
    static constexpr std::array<double, 19> delivery_bounds{
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.015, 0.02, 0.025, 0.05, 0.075,
        0.1,    0.125, 0.15,   0.17,  0.2,  0.25,  0.5,  1.0,   2.5};

    explicit latency_histogram(std::span<const double> bounds = ack_bounds)
        : bounds_{bounds}, buckets_{std::make_unique<std::atomic<std::uint64_t>[]>(bounds.size())} {
    }

    void observe(std::chrono::nanoseconds d) {
        const double s = std::chrono::duration<double>(d).count();
        count_.fetch_add(1, std::memory_order_relaxed);
        micros_.fetch_add(static_cast<std::uint64_t>(s * 1e6), std::memory_order_relaxed);
        for (std::size_t i = 0; i < bounds_.size(); ++i)
            if (s <= bounds_[i]) buckets_[i].fetch_add(1, std::memory_order_relaxed);
    }

    // The sample lines of metric `name`; `labels` ("" or `phase="commit",`) go before `le`.
    void write(std::ostream& o, std::string_view name, std::string_view labels = {}) const {
        for (std::size_t i = 0; i < bounds_.size(); ++i)
            o << name << "_bucket{" << labels << "le=\"" << bounds_[i] << "\"} "
              << buckets_[i].load() << "\n";
        o << name << "_bucket{" << labels << "le=\"+Inf\"} " << count_.load() << "\n";
        const std::string_view bare = labels.empty() ? labels : labels.substr(0, labels.size() - 1);
        const std::string braces = bare.empty() ? "" : "{" + std::string{bare} + "}";
        o << name << "_sum" << braces << " " << static_cast<double>(micros_.load()) / 1e6 << "\n"
          << name << "_count" << braces << " " << count_.load() << "\n";
    }

    [[nodiscard]] std::uint64_t count() const { return count_.load(); }

private:
    std::span<const double> bounds_;
    std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;
    std::atomic<std::uint64_t> count_{0};
    std::atomic<std::uint64_t> micros_{0};
};

struct metrics {
    // network thread
    std::uint64_t messages_in = 0;
    std::uint64_t messages_out = 0;
    std::uint64_t closed_slow = 0;
    std::uint64_t closed_idle = 0;         // nothing heard for --idle-timeout-ms
    std::uint64_t board_writes_waited = 0; // boards the socket could not take at once
    std::map<std::string, std::uint64_t> errors;
    std::map<live::role, std::int64_t> connections;
    std::int64_t http_requests = 0;
    std::map<std::string, std::uint64_t> refused_connections; // by reason (admission_refusal)
    std::uint64_t accept_failures = 0; // no descriptor or memory for a new connection
    // app thread, read by the network thread
    // A stored entry's ack: from its frame read until the ack is handed to the socket, whole
    // and in its three phases (DESIGN.md, durable ack).
    latency_histogram ack;
    latency_histogram ack_queued; // frame read -> parsed, checked -> the app thread takes it
    latency_histogram ack_commit; // the app thread's check and commit
    latency_histogram ack_reply;  // ack posted -> handed to the socket
    // network thread: a board's delivery pass, from its publish until the last of its
    // subscribers has it or a newer one queued on its connection (live::hub's `delivered`)
    latency_histogram board_delivery{latency_histogram::delivery_bounds};
    std::atomic<std::uint64_t> board_changes{0};
    std::atomic<std::int64_t> seq{0};

    // The Prometheus text of every metric; `subscriptions`: the hub's board subscriptions;
    // `open`: the connections open (HTTP or WebSocket), `max_open` their limit.
    [[nodiscard]] std::string text(std::size_t subscriptions, std::size_t open,
                                   std::size_t max_open) const;
};

} // namespace aplc::net
