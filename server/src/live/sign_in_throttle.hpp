#pragma once
// Failed sign-ins counted per subject and per address, in memory (docs/protocol.md, "Roles and
// sign-in"): `max_failures` within `window` throttle the subject or the address until
// `throttle_for` has passed since its last failure. A restart forgets the counts; an attacker
// cannot cause one. The time is passed in, never read here.
//
// Thread safety: none; the owner (auth) guards it with its mutex.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

namespace aplc::live {

class failure_tally {
public:
    using time_point = std::chrono::system_clock::time_point;
    using seconds = std::chrono::seconds;

    // max_failures <= 0 turns throttling off.
    failure_tally(int max_failures, seconds window, seconds throttle_for)
        : max_failures_{max_failures}, window_{window}, throttle_for_{throttle_for} {}

    // How much longer `key` stays throttled at `now`, rounded up; zero when it is not.
    seconds throttled(const std::string& key, time_point now) {
        auto it = failures_.find(key);
        if (it == failures_.end()) return seconds{0};
        auto& times = it->second;
        std::erase_if(times, [&](time_point t) { return t <= now - window_; });
        if (times.empty()) {
            failures_.erase(it);
            return seconds{0};
        }
        if (max_failures_ <= 0 || times.size() < static_cast<std::size_t>(max_failures_))
            return seconds{0};
        time_point until = *std::max_element(times.begin(), times.end()) + throttle_for_;
        if (now >= until) return seconds{0};
        return std::chrono::ceil<seconds>(until - now);
    }

    void add(const std::string& key, time_point at) {
        if (failures_.size() >= sweep_above) sweep(at);
        failures_[key].push_back(at);
    }

    // Takes back one failure recorded at `at` (an attempt that turned out not to be one).
    void remove_one(const std::string& key, time_point at) {
        auto it = failures_.find(key);
        if (it == failures_.end()) return;
        auto& times = it->second;
        if (auto t = std::find(times.rbegin(), times.rend(), at); t != times.rend())
            times.erase(std::next(t).base());
        if (times.empty()) failures_.erase(it);
    }

    void clear(const std::string& key) { failures_.erase(key); }

    [[nodiscard]] std::size_t keys() const { return failures_.size(); }

private:
    // Bounds the memory that sign-ins with ever new names or addresses can take.
    static constexpr std::size_t sweep_above = 4096;

    void sweep(time_point now) {
        auto forgotten = now - std::max(window_, throttle_for_);
        std::erase_if(failures_, [&](const auto& entry) {
            return std::all_of(entry.second.begin(), entry.second.end(),
                               [&](time_point t) { return t <= forgotten; });
        });
    }

    int max_failures_;
    seconds window_;
    seconds throttle_for_;
    std::unordered_map<std::string, std::vector<time_point>> failures_;
};

// Both tallies of one auth. An attempt counts as a failure from its start, so that attempts
// running in parallel during Argon2id are throttled as well; success or a storage failure
// takes it back.
struct sign_in_throttle {
    using seconds = std::chrono::seconds;

    sign_in_throttle(int max_failures, seconds window, seconds throttle_for)
        : subjects{max_failures, window, throttle_for}, addresses{max_failures, window,
                                                                  throttle_for} {}

    // A successful sign-in clears the subject's failures; the address keeps its earlier ones.
    void succeeded(const std::string& subject, const std::string& address,
                   failure_tally::time_point at) {
        subjects.clear(subject);
        addresses.remove_one(address, at);
    }

    // The attempt was not judged (the store failed): it counts for nothing.
    void withdraw(const std::string& subject, const std::string& address,
                  failure_tally::time_point at) {
        subjects.remove_one(subject, at);
        addresses.remove_one(address, at);
    }

    failure_tally subjects;
    failure_tally addresses;
};

} // namespace aplc::live
