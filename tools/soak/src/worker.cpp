// A soak worker's call situations (worker.hpp).
#include "ctigw/soak/worker.hpp"

#include <array>

#include "ctigw/tapihost/names.hpp"

namespace ctigw::soak {

namespace {
constexpr std::array<std::string_view, situation_count> situation_names = {
    "alerting", "connected", "held", "consultation", "conference", "parked"};
constexpr std::int64_t clear_wait_ms = 15000;
constexpr DWORD ringing = LINECALLSTATE_OFFERING | LINECALLSTATE_ACCEPTED;
}  // namespace

std::string_view to_string(situation s) {
    return situation_names[static_cast<std::size_t>(s)];
}

worker::worker(int index, std::string a, std::string b, std::string c, std::string orbit,
               std::uint64_t seed)
    : index_(index),
      a_(std::move(a)),
      b_(std::move(b)),
      c_(std::move(c)),
      orbit_(std::move(orbit)),
      rng_(seed) {}

std::string worker::name(const char* role) const {
    return "w" + std::to_string(index_) + "." + role;
}

std::optional<situation> worker::current() const {
    if (phase_ == phase::pause || phase_ == phase::clearing) return std::nullopt;
    return situation_;
}

std::string_view worker::phase_name() const {
    static constexpr std::array<std::string_view, 13> names = {
        "pause",      "dialing",         "answering",         "holding",    "unholding",
        "setting up", "consult dialing", "consult answering", "completing", "parking",
        "unparking",  "dwell",           "clearing"};
    return names[static_cast<std::size_t>(phase_)];
}

void worker::go(phase p, std::int64_t now_ms, std::int64_t wait_ms) {
    phase_ = p;
    deadline_ms_ = now_ms + wait_ms;
}

bool worker::issue(tapi_side& tapi, const std::string& verb, std::vector<std::string> args,
                   std::vector<std::string> names, std::int64_t now_ms) {
    tapihost::op_stmt op{verb, std::move(args), std::move(names)};
    const auto r = tapi.run(op);
    pending_.reset();
    pending_ok_.reset();
    if (!r.error.empty()) {
        abandon(tapi, now_ms, verb + ": " + r.error);
        return false;
    }
    if (!r.pending) {
        ++stats_.sync_failures;
        abandon(tapi, now_ms, verb + " refused at once (" + tapihost::result_name(r.rc) + ")");
        return false;
    }
    ++stats_.requests;
    pending_ = r.id;
    return true;
}

std::optional<bool> worker::outcome(tapi_side& tapi) {
    if (pending_ok_) return pending_ok_;
    if (!pending_) return true;
    if (auto r = tapi.take_result(*pending_)) {
        pending_ok_ = *r == 0;
        if (*r != 0) {
            ++stats_.error_completions;
            last_error_ = tapihost::result_name(*r);
        }
    }
    return pending_ok_;
}

void worker::remember_calls(const tapi_side& tapi) {
    known_.clear();
    for (const auto& c : tapi.calls()) known_.insert(c.key);
}

std::optional<std::uint64_t> worker::new_call_on(const tapi_side& tapi, const std::string& line,
                                                 DWORD states) const {
    for (const auto& c : tapi.calls())
        if (c.line == line && !c.closed && (c.state & states) != 0 && !known_.contains(c.key))
            return c.key;
    return std::nullopt;
}

std::optional<DWORD> worker::state_of(const tapi_side& tapi, const char* role) const {
    const auto key = tapi.key_of(name(role));
    if (!key) return std::nullopt;
    for (const auto& c : tapi.calls())
        if (c.key == *key) return c.closed ? std::optional<DWORD>() : c.state;
    return std::nullopt;
}

void worker::abandon(tapi_side& tapi, std::int64_t now_ms, const std::string& why) {
    ++stats_.abandoned[static_cast<std::size_t>(situation_)];
    ++stats_.abandon_reasons[std::string(to_string(situation_)) + " (" + std::string(phase_name()) +
                             "): " + why];
    start_clearing(tapi, now_ms);
}

void worker::dwell_then(next_step step, std::int64_t now_ms) {
    after_dwell_ = step;
    std::uniform_int_distribution<std::int64_t> dwell(300, 2500);
    go(phase::dwell, now_ms, dwell(rng_));
}

void worker::start_cycle(tapi_side& tapi, std::int64_t now_ms) {
    std::uniform_int_distribution<std::size_t> pick(0, situation_count - 1);
    situation_ = static_cast<situation>(pick(rng_));
    remember_calls(tapi);
    ++stats_.calls_made;
    if (issue(tapi, "call", {a_, b_}, {name("a")}, now_ms)) go(phase::dialing, now_ms);
}

void worker::start_clearing(tapi_side& tapi, std::int64_t now_ms) {
    // Drop every call of our lines that is not IDLE, as an application cleaning up would.
    for (const auto& c : tapi.calls()) {
        if (c.closed || c.pending_create || c.state == LINECALLSTATE_IDLE) continue;
        if (c.line != a_ && c.line != b_ && c.line != c_) continue;
        const auto n = name("x") + std::to_string(c.key);
        tapi.bind_name(n, c.key);
        tapi.run(tapihost::op_stmt{"drop", {n}, {}});
    }
    pending_.reset();
    go(phase::clearing, now_ms, clear_wait_ms);
}

void worker::clearing(tapi_side& tapi, std::int64_t now_ms) {
    bool busy = false;
    for (const auto& c : tapi.calls()) {
        if (c.closed || c.state == LINECALLSTATE_IDLE) continue;
        if (c.line == a_ || c.line == b_ || c.line == c_) busy = true;
    }
    if (busy && now_ms < deadline_ms_) return;
    if (busy) ++stats_.clear_timeouts;  // the stale-call check tells whether the TSP is wrong
    std::uniform_int_distribution<std::int64_t> pause(100, 800);
    go(phase::pause, now_ms, pause(rng_));
}

void worker::after_dwell(tapi_side& tapi, std::int64_t now_ms) {
    switch (after_dwell_) {
        case next_step::drop:
            ++stats_.completed[static_cast<std::size_t>(situation_)];
            start_clearing(tapi, now_ms);
            return;
        case next_step::unhold:
            if (issue(tapi, "unhold", {name("a")}, {}, now_ms)) go(phase::unholding, now_ms);
            return;
        case next_step::finish_consult:
            if (situation_ == situation::consultation) {
                if (issue(tapi, "completetransfer", {name("a"), name("c"), "transfer"}, {}, now_ms))
                    go(phase::completing, now_ms);
            } else if (issue(tapi, "completetransfer", {name("a"), name("c"), "conference"},
                             {name("conf")}, now_ms)) {
                go(phase::completing, now_ms);
            }
            return;
        case next_step::unpark:
            remember_calls(tapi);
            ++stats_.calls_made;
            if (issue(tapi, "unpark", {a_, orbit_}, {name("u")}, now_ms))
                go(phase::unparking, now_ms);
            return;
    }
}

void worker::tick(tapi_side& tapi, std::int64_t now_ms) {
    if (phase_ == phase::clearing) return clearing(tapi, now_ms);
    if (phase_ == phase::pause) {
        if (!winding_down_ && now_ms >= deadline_ms_) start_cycle(tapi, now_ms);
        return;
    }
    if (phase_ == phase::dwell) {
        if (now_ms >= deadline_ms_) after_dwell(tapi, now_ms);
        return;
    }
    const auto ok = outcome(tapi);
    if (ok && !*ok) return abandon(tapi, now_ms, "the request completed with " + last_error_);
    if (now_ms >= deadline_ms_) return abandon(tapi, now_ms, "no progress within 12 s");
    if (!ok) return;  // wait for the completion
    const auto is = [&](const char* role, DWORD states) {
        const auto s = state_of(tapi, role);
        return s && (*s & states) != 0;
    };
    switch (phase_) {
        case phase::dialing:
            if (auto key = new_call_on(tapi, b_, ringing)) {
                tapi.bind_name(name("b"), *key);
                if (situation_ == situation::alerting) return dwell_then(next_step::drop, now_ms);
                if (issue(tapi, "answer", {name("b")}, {}, now_ms)) go(phase::answering, now_ms);
            }
            return;
        case phase::answering:
            if (!is("a", LINECALLSTATE_CONNECTED) || !is("b", LINECALLSTATE_CONNECTED)) return;
            switch (situation_) {
                case situation::alerting:
                case situation::connected:
                    return dwell_then(next_step::drop, now_ms);
                case situation::held:
                    if (issue(tapi, "hold", {name("a")}, {}, now_ms)) go(phase::holding, now_ms);
                    return;
                case situation::consultation:
                case situation::conference:
                    ++stats_.calls_made;
                    if (issue(tapi, "setuptransfer", {name("a")}, {name("c")}, now_ms))
                        go(phase::setting_up, now_ms);
                    return;
                case situation::parked:
                    if (issue(tapi, "park", {name("a"), "directed", orbit_}, {}, now_ms))
                        go(phase::parking, now_ms);
                    return;
            }
            return;
        case phase::holding:
            if (is("a", LINECALLSTATE_ONHOLD)) dwell_then(next_step::unhold, now_ms);
            return;
        case phase::unholding:
            if (is("a", LINECALLSTATE_CONNECTED)) dwell_then(next_step::drop, now_ms);
            return;
        case phase::setting_up:
            if (!is("c", LINECALLSTATE_DIALTONE)) return;
            remember_calls(tapi);
            if (issue(tapi, "dial", {name("c"), c_}, {}, now_ms))
                go(phase::consult_dialing, now_ms);
            return;
        case phase::consult_dialing:
            if (auto key = new_call_on(tapi, c_, ringing)) {
                tapi.bind_name(name("cc"), *key);
                if (issue(tapi, "answer", {name("cc")}, {}, now_ms))
                    go(phase::consult_answering, now_ms);
            }
            return;
        case phase::consult_answering:
            if (is("cc", LINECALLSTATE_CONNECTED) && is("c", LINECALLSTATE_CONNECTED))
                dwell_then(next_step::finish_consult, now_ms);
            return;
        case phase::completing:
            return dwell_then(next_step::drop, now_ms);
        case phase::parking:
            return dwell_then(next_step::unpark, now_ms);
        case phase::unparking:
            if (is("u", LINECALLSTATE_CONNECTED)) dwell_then(next_step::drop, now_ms);
            return;
        case phase::pause:
        case phase::dwell:
        case phase::clearing:
            return;
    }
}

}  // namespace ctigw::soak
