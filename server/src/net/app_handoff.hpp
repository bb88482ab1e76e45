#pragma once
// How the network thread and the app thread share one core (DESIGN.md, durable ack: "the ack
// must never wait behind a fan-out"). Under fan-out the network thread is always runnable; with
// a 4 ms scheduler tick (HZ=250) a woken app thread may wait that long for the core, twice per
// commit (the message, then the end of the fsync). So:
// - the network thread counts the messages it handed to the app thread (queued/finished) and,
//   between two bulk-lane batches, yields the core while the app thread has one (app_busy());
// - the app thread, after posting an ack, sleeps until the network thread has written it
//   (ack_posted/ack_sent/wait_ack_sent, bounded) before recomputing the boards, so the ack
//   leaves first;
// - the app thread asks for a short scheduler slice (prefer_short_slice), which lets it preempt
//   the network thread when it wakes (EEVDF, Linux 6.12 and later).
//
// Thread safety: every member may be called from any thread; the comments say which thread
// the server calls each from.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace aplc::net {

class app_handoff {
public:
    // Network thread: a message is handed to the app thread. App thread: it is done with it.
    void queued() { busy_.fetch_add(1, std::memory_order_relaxed); }
    void finished() { busy_.fetch_sub(1, std::memory_order_relaxed); }
    [[nodiscard]] bool app_busy() const { return busy_.load(std::memory_order_relaxed) > 0; }

    // App thread: an ack is about to be posted; the ticket names it.
    [[nodiscard]] std::uint64_t ack_posted() {
        return posted_.fetch_add(1, std::memory_order_relaxed) + 1;
    }
    // Network thread: the ack `ticket` was handed to its socket (or dropped: a closing one).
    void ack_sent(std::uint64_t ticket) {
        {
            std::lock_guard lock{mutex_};
            sent_ = std::max(sent_, ticket);
        }
        changed_.notify_one();
    }
    // App thread: returns when ack `ticket` (and every earlier one) was sent, or after `limit`;
    // false on the limit.
    bool wait_ack_sent(std::uint64_t ticket, std::chrono::microseconds limit) {
        std::unique_lock lock{mutex_};
        return changed_.wait_for(lock, limit, [&] { return sent_ >= ticket; });
    }

private:
    std::atomic<int> busy_{0};
    std::atomic<std::uint64_t> posted_{0};
    std::mutex mutex_;
    std::condition_variable changed_;
    std::uint64_t sent_ = 0; // guarded by mutex_
};

// Asks the scheduler for a slice of `slice` for the calling thread (SCHED_OTHER, nice kept):
// a thread with a shorter slice than the running one preempts it when it wakes. Needs no
// privilege; false when the kernel refuses (before 6.12 the slice is ignored).
inline bool prefer_short_slice(std::chrono::microseconds slice) {
#ifdef SYS_sched_setattr
    struct {
        std::uint32_t size = 48;  // SCHED_ATTR_SIZE_VER0
        std::uint32_t policy = 0; // SCHED_OTHER
        std::uint64_t flags = 0;
        std::int32_t nice = 0;
        std::uint32_t priority = 0;
        std::uint64_t runtime = 0; // the slice, ns
        std::uint64_t deadline = 0;
        std::uint64_t period = 0;
    } attr;
    attr.nice = ::getpriority(PRIO_PROCESS, 0);
    attr.runtime = static_cast<std::uint64_t>(slice.count()) * 1000U;
    return ::syscall(SYS_sched_setattr, 0, &attr, 0) == 0;
#else
    (void)slice;
    return false;
#endif
}

} // namespace aplc::net
