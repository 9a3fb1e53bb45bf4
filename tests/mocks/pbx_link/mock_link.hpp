// Test doubles of ctigw::pbx_link::link for the TSP's tests.
//
// - mock_link: a plain gmock (use StrictMock<mock_link> by default).
// - fake_link: a scriptable link. It records requests (and set_devices() calls) and lets a test
// play the switch: push
//   states, truths, events and link-down reports, and complete requests. Callbacks run
//   synchronously on the test's thread, which plays the link's delivery thread (so the code
//   under test sees the same "one thread, in order" contract as with the real link).
#pragma once

#include <gmock/gmock.h>

#include <deque>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "ctigw/pbx_link/link.hpp"

namespace ctigw::pbx_link::testing {

class mock_link : public link {
  public:
    MOCK_METHOD(void, start, (), (override));
    MOCK_METHOD(void, stop, (), (override));
    MOCK_METHOD(bool, request,
                (protocol::service_params params, completion done,
                 std::optional<milliseconds> timeout),
                (override));
    MOCK_METHOD(link_figures, figures, (), (const, override));
    MOCK_METHOD(void, set_devices, (std::vector<std::string> devices), (override));
};

class fake_link : public link {
  public:
    struct sent_request {
        protocol::service_params params;
        completion done;
        std::optional<milliseconds> timeout;
        bool held = false;  ///< made while not live: waits for go_live (like the real link)
    };

    explicit fake_link(link_callbacks& callbacks) : callbacks_(callbacks) {}

    // ---- link ----
    void start() override {
        started_ = true;
        set_state(link_state::connecting, "start()");
    }
    void stop() override {
        started_ = false;
        fail_all(request_failure::stopped);
        set_state(link_state::stopped, "stop()");
    }
    bool request(protocol::service_params params, completion done,
                 std::optional<milliseconds> timeout) override {
        if (!started_) return false;
        if (throw_next_request) {  // a failure inside the link (e.g. bad_alloc)
            throw_next_request = false;
            throw std::runtime_error("fake_link: injected failure");
        }
        ++figures_.requests;
        pending_.push_back(
            {std::move(params), std::move(done), timeout, state_ != link_state::live});
        return true;
    }
    link_figures figures() const override {
        auto f = figures_;
        f.state = state_;
        f.requests_in_flight = static_cast<std::uint32_t>(pending_.size());
        return f;
    }
    /// Records the set (never calls back, like the real link): the test plays the additions'
    /// truths with push_truth.
    void set_devices(std::vector<std::string> devices) override {
        device_sets_.push_back(std::move(devices));
    }

    // ---- the test plays the switch ----

    /// Goes through the resync: every truth, then live.
    void go_live(const std::vector<device_truth>& truths = {}) {
        set_state(link_state::resyncing, "resync");
        for (const auto& t : truths) callbacks_.on_device_truth(t);
        set_state(link_state::live, "every device has its truth");
        callbacks_.on_live();
        for (auto& r : pending_) r.held = false;  // sent now
    }
    void push_truth(const device_truth& truth) { callbacks_.on_device_truth(truth); }
    /// A resync on the same connection after lost messages (sequence gap, messagesLost):
    /// requests on the wire stay outstanding; new ones are held until live again.
    void resync_after_lost_messages(const std::vector<device_truth>& truths,
                                    std::string reason = "sequence gap") {
        const auto from = state_;
        state_ = link_state::resyncing;
        callbacks_.on_state(from, state_, reason);
        callbacks_.on_link_down(link_down{std::move(reason), false, true});
        go_live(truths);
    }
    void push_event(const std::string& device, const protocol::event_message& event) {
        ++figures_.events;
        callbacks_.on_event(device, event);
    }
    void push_system_status(protocol::system_status status) { callbacks_.on_system_status(status); }
    /// A response to a request that already timed out (link.hpp on_late_result).
    void push_late_result(const protocol::service_result& result) {
        callbacks_.on_late_result(result);
    }
    /// The link drops: requests in flight complete with link_lost, then on_link_down.
    void go_down(std::string reason = "connection reset", bool switch_restarted = false) {
        // Left live first, as the real link: a request made by a completion below is held.
        const auto from = state_;
        state_ = link_state::backoff;
        fail_sent(request_failure::link_lost);
        callbacks_.on_link_down(link_down{std::move(reason), switch_restarted});
        callbacks_.on_state(from, state_, "connection lost");
    }
    void set_state(link_state to, const std::string& why) {
        const auto from = state_;
        state_ = to;
        callbacks_.on_state(from, to, why);
    }

    /// Requests sent and not yet completed, oldest first.
    std::deque<sent_request>& pending() { return pending_; }
    /// Completes the oldest request with `result`.
    void complete_next(protocol::service_result result, milliseconds rtt = milliseconds{1}) {
        auto r = take();
        request_outcome o;
        o.result = std::move(result);
        o.round_trip = rtt;
        if (r.done) r.done(std::move(o));
    }
    /// Completes the oldest request with a failure (and the CSTA error for csta_error).
    void fail_next(request_failure failure, std::optional<protocol::csta_error> error = {}) {
        auto r = take();
        request_outcome o;
        o.failure = failure;
        o.error = std::move(error);
        if (failure == request_failure::timeout) ++figures_.request_timeouts;
        if (r.done) r.done(std::move(o));
    }
    void fail_all(request_failure failure) {
        while (!pending_.empty()) fail_next(failure);
    }
    /// Fails the requests on the wire; held ones keep waiting (the real link on a link loss).
    void fail_sent(request_failure failure) { fail_where(failure, false); }
    /// The held requests give up (their timeout passed before the link was live).
    void expire_held() { fail_where(request_failure::not_connected, true); }
    link_figures& mutable_figures() { return figures_; }
    /// The next request() throws (before taking the request).
    bool throw_next_request = false;
    /// Every set_devices() call, oldest first.
    const std::vector<std::vector<std::string>>& device_sets() const { return device_sets_; }

  private:
    /// Fails the pending requests whose `held` is `held`; completions may make new requests.
    void fail_where(request_failure failure, bool held) {
        std::deque<sent_request> failing, keep;
        for (auto& r : pending_) (r.held == held ? failing : keep).push_back(std::move(r));
        pending_ = std::move(keep);
        for (auto& r : failing) {
            request_outcome o;
            o.failure = failure;
            if (r.done) r.done(std::move(o));
        }
    }
    sent_request take() {
        if (pending_.empty()) throw std::logic_error("fake_link: no pending request");
        auto r = std::move(pending_.front());
        pending_.pop_front();
        return r;
    }

    link_callbacks& callbacks_;
    link_state state_ = link_state::stopped;
    bool started_ = false;
    std::deque<sent_request> pending_;
    link_figures figures_;
    std::vector<std::vector<std::string>> device_sets_;
};

}  // namespace ctigw::pbx_link::testing
