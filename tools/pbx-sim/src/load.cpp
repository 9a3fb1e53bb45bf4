#include "ctigw/pbxsim/load.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <queue>
#include <sstream>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "ctigw/protocol/messages.hpp"

namespace ctigw::pbxsim {

namespace svc = protocol::svc;
using std::chrono::microseconds;
using std::chrono::milliseconds;

// ---- the generator -----------------------------------------------------------------------

namespace {

enum class step : std::uint8_t {
    arrival,            ///< the next outside call
    answer,             ///< the station answers
    middle,             ///< hold / consult / blind transfer, halfway through the talk time
    retrieve,           ///< hold script: back from hold
    second_answer,      ///< transfer scripts: the target station answers
    complete_transfer,  ///< consult script: TransferCall
    end,                ///< someone hangs up
    acd_wait,           ///< ACD: has an agent got the call yet?
    abandon,            ///< ACD: the caller is tired of waiting
    drain_deadline,     ///< calls still running now are cleared
};

struct agenda_item {
    time_point when;
    std::uint64_t seq = 0;  ///< equal times run in the order they were planned
    step what = step::arrival;
    std::uint64_t call = 0;
    friend bool operator>(const agenda_item& a, const agenda_item& b) {
        return a.when != b.when ? a.when > b.when : a.seq > b.seq;
    }
};

struct tracked_call {
    call_plan plan;
    std::string agent;    ///< the station that has the caller now
    std::string second;   ///< consult / transfer target while it is not yet the agent
    std::string waiting;  ///< ACD: the callID while it waits for an agent
};

/// How often a call waiting in an ACD group is checked for delivery.
constexpr milliseconds acd_poll{100};

}  // namespace

struct load_generator::impl : std::enable_shared_from_this<impl> {
    impl(boost::asio::io_context& io_context, server& s, load_options o)
        : io(io_context),
          srv(s),
          options(std::move(o)),
          decider(options),
          timer(io_context),
          progress_timer(io_context),
          progress_to_terminal(::isatty(STDERR_FILENO) == 1) {}

    // ---- stations ----

    std::optional<std::string> take_station() {
        if (free_stations.empty()) return std::nullopt;
        const std::size_t i = decider.pick(free_stations.size());
        std::string station = std::move(free_stations[i]);
        free_stations[i] = std::move(free_stations.back());
        free_stations.pop_back();
        return station;
    }
    void release_station(std::string& station) {
        if (station.empty()) return;
        // ACD agents stay with the ACD (its wrap-up makes them ready again).
        if (agents.count(station) == 0) free_stations.push_back(std::move(station));
        station.clear();
    }

    // ---- ACD agents ----

    /// Logs the ACD groups' listed agents on and makes them ready; they leave the station pool.
    void start_agents(switch_model& model, time_point now) {
        if (options.acd_share == 0) return;
        const auto& config = model.config();
        auto pin = config.agent_pins.begin();
        for (const auto& group : config.acd_groups) {
            bool any = false;
            for (const auto& station : group.agents) {
                if (agents.count(station) == 0) {
                    std::optional<std::string> id = "load-" + station;
                    std::optional<std::string> secret;
                    if (!config.agent_pins.empty()) {  // the switch checks agent IDs and PINs
                        if (pin == config.agent_pins.end()) break;
                        id = pin->first;
                        secret = pin->second;
                        ++pin;
                    }
                    if (!invoke<svc::set_agent_state>(
                            model, now,
                            {station, protocol::requested_agent_state::logged_on, id, secret,
                             group.device, std::nullopt}) ||
                        !invoke<svc::set_agent_state>(
                            model, now,
                            {station, protocol::requested_agent_state::ready, std::nullopt,
                             std::nullopt, std::nullopt, std::nullopt})) {
                        continue;
                    }
                    agents.insert(station);
                    std::erase(free_stations, station);
                } else if (!invoke<svc::set_agent_state>(
                               model, now,
                               {station, protocol::requested_agent_state::logged_on, std::nullopt,
                                std::nullopt, group.device, std::nullopt})) {
                    continue;
                }
                any = true;
            }
            if (any) acd_groups.push_back(group.device);  // only groups someone answers
        }
        summary.agents = agents.size();
    }

    /// The agent whose phone rings with `call_id`, if the ACD delivered it.
    std::optional<std::string> agent_ringing(switch_model& model, const std::string& call_id) {
        for (const auto& agent : model.devices_in_call(call_id)) {
            if (agents.count(agent) == 0) continue;
            for (const auto& c : model.snapshot(agent)) {
                if (c.connection.call_id == call_id &&
                    c.state == protocol::connection_state::alerting) {
                    return agent;
                }
            }
        }
        return std::nullopt;
    }

    // ---- requests ----

    template <class S>
    std::optional<typename S::result> invoke(switch_model& model, time_point now,
                                             typename S::params params) {
        protocol::request request{
            "load-" + std::to_string(++request_counter),
            protocol::service_params{std::in_place_type<typename S::params>, std::move(params)}};
        ++summary.requests;
        auto response = model.handle(options.session, request, now);
        if (auto* error = std::get_if<protocol::csta_error>(&response.outcome)) {
            ++summary.requests_refused;
            summary.last_refusal =
                std::string(S::name) + ": " + std::string(protocol::to_string(error->category)) +
                "/" + error->value + (error->message ? " (" + *error->message + ")" : "");
            return std::nullopt;
        }
        return std::get<protocol::service_index_v<S>>(
            std::get<protocol::service_result>(response.outcome));
    }

    static std::optional<protocol::connection_id> find(switch_model& model,
                                                       const std::string& device,
                                                       protocol::connection_state state) {
        for (const auto& c : model.snapshot(device)) {
            if (c.state == state) return c.connection;
        }
        return std::nullopt;
    }

    void plan(time_point when, step what, std::uint64_t call = 0) {
        agenda.push(agenda_item{when, ++agenda_seq, what, call});
    }

    // ---- the steps ----

    void arrival(switch_model& model, time_point now) {
        if (!offering) return;
        call_plan p = decider.plan_call();
        // Schedule from the planned arrival time, not `now`, so timer latency does not lower the
        // rate.
        next_arrival += decider.next_gap();
        if (next_arrival < offer_until)
            plan(next_arrival, step::arrival);
        else
            end_offering(now);

        while (model.is_device(p.caller)) p.caller += "0";  // never an internal number
        if (p.to_acd && !acd_groups.empty()) return acd_arrival(model, now, std::move(p));
        auto station = take_station();
        if (!station) {
            ++summary.blocked;
            return;
        }
        auto result = model.external_call(p.caller, *station, now);
        if (result.index() == 1) {
            ++summary.failed;
            summary.last_failure =
                "external_call " + p.caller + " -> " + *station + ": " + std::get<1>(result);
            release_station(*station);
            return;
        }
        ++summary.offered;
        ++summary.scripts[static_cast<std::size_t>(p.script)];
        const std::uint64_t key = ++call_counter;
        const auto answer_at = now + p.answer_after;
        calls.emplace(key, tracked_call{std::move(p), std::move(*station), {}, {}});
        summary.peak_active = std::max(summary.peak_active, calls.size());
        plan(answer_at, step::answer, key);
    }

    void acd_arrival(switch_model& model, time_point now, call_plan p) {
        const std::string& group = acd_groups[decider.pick(acd_groups.size())];
        auto result = model.external_call(p.caller, group, now);
        if (result.index() == 1) {
            ++summary.failed;
            summary.last_failure =
                "external_call " + p.caller + " -> " + group + ": " + std::get<1>(result);
            return;
        }
        ++summary.offered;
        ++summary.acd_offered;
        ++summary.scripts[static_cast<std::size_t>(p.script)];
        const std::uint64_t key = ++call_counter;
        const auto give_up = now + p.patience;
        calls.emplace(key, tracked_call{std::move(p), {}, {}, std::get<0>(std::move(result))});
        summary.peak_active = std::max(summary.peak_active, calls.size());
        plan(now, step::acd_wait, key);
        plan(give_up, step::abandon, key);
    }

    /// Aborts a call whose step could not be done: clears what is left and frees its stations.
    void fail(switch_model& model, time_point now, std::uint64_t key, const std::string& why) {
        ++summary.failed;
        summary.last_failure = why;
        clear_and_forget(model, now, key);
    }

    void clear_and_forget(switch_model& model, time_point now, std::uint64_t key) {
        auto it = calls.find(key);
        if (it == calls.end()) return;
        if (!it->second.waiting.empty()) {
            (void)model.external_hangup(it->second.waiting, now);  // still in its ACD group
        }
        for (std::string* device : {&it->second.agent, &it->second.second}) {
            if (device->empty()) continue;
            for (const auto& c : model.snapshot(*device)) {
                // Cleanup may race the call's own end; its refusals are not the agents' fault.
                protocol::request request{
                    "load-cleanup-" + std::to_string(++request_counter),
                    protocol::service_params{std::in_place_type<svc::clear_connection::params>,
                                             svc::clear_connection::params{c.connection}}};
                (void)model.handle(options.session, request, now);
            }
            release_station(*device);
        }
        calls.erase(it);
    }

    void finish_call(std::uint64_t key) {
        auto it = calls.find(key);
        if (it == calls.end()) return;
        release_station(it->second.agent);
        release_station(it->second.second);
        calls.erase(it);
    }

    void run_step(switch_model& model, time_point now, const agenda_item& item) {
        using protocol::connection_state;
        if (item.what == step::arrival) return arrival(model, now);
        if (item.what == step::drain_deadline) return cut_off_all(model, now);
        auto it = calls.find(item.call);
        if (it == calls.end()) return;  // already failed or cut off
        tracked_call& c = it->second;
        const milliseconds first_half = c.plan.talk / 2;
        const milliseconds second_half = c.plan.talk - first_half;

        switch (item.what) {
            case step::acd_wait: {
                if (c.waiting.empty()) return;  // delivered, or given up
                if (auto agent = agent_ringing(model, c.waiting)) {
                    c.agent = std::move(*agent);
                    c.waiting.clear();
                    plan(now + c.plan.answer_after, step::answer, item.call);
                } else if (model.devices_in_call(c.waiting).empty()) {
                    ++summary.acd_lost;  // overflowed to busy, or cleared by the switch
                    finish_call(item.call);
                } else {
                    plan(now + acd_poll, step::acd_wait, item.call);
                }
                return;
            }
            case step::abandon: {
                if (c.waiting.empty()) return;  // an agent has it
                if (auto error = model.external_hangup(c.waiting, now); !error.empty()) {
                    return fail(model, now, item.call, "external_hangup: " + error);
                }
                ++summary.acd_abandoned;
                finish_call(item.call);
                return;
            }
            case step::answer: {
                auto conn = find(model, c.agent, connection_state::alerting);
                if (!conn) return fail(model, now, item.call, "no alerting call at " + c.agent);
                if (!invoke<svc::answer_call>(model, now, {*conn})) {
                    return fail(model, now, item.call, "AnswerCall refused");
                }
                ++summary.answered;
                if (agents.count(c.agent) != 0) ++summary.acd_answered;
                plan(now + (c.plan.script == call_script::talk ? c.plan.talk : first_half),
                     c.plan.script == call_script::talk ? step::end : step::middle, item.call);
                return;
            }
            case step::middle: {
                auto conn = find(model, c.agent, connection_state::connected);
                if (!conn) return fail(model, now, item.call, "no connected call at " + c.agent);
                if (c.plan.script == call_script::hold) {
                    if (!invoke<svc::hold_call>(model, now, {*conn})) {
                        return fail(model, now, item.call, "HoldCall refused");
                    }
                    plan(now + c.plan.hold, step::retrieve, item.call);
                    return;
                }
                auto target = take_station();
                if (!target) {  // nobody to transfer to: the agent just finishes the call
                    plan(now + second_half, step::end, item.call);
                    return;
                }
                c.second = std::move(*target);
                if (c.plan.script == call_script::consult_transfer) {
                    if (!invoke<svc::consultation_call>(model, now, {*conn, c.second, {}})) {
                        return fail(model, now, item.call, "ConsultationCall refused");
                    }
                } else {
                    if (!invoke<svc::single_step_transfer>(model, now, {*conn, c.second})) {
                        return fail(model, now, item.call, "SingleStepTransfer refused");
                    }
                    // The transferring station is out of the call: free it, the target takes over.
                    release_station(c.agent);
                    c.agent = std::move(c.second);
                    c.second.clear();
                }
                plan(now + c.plan.second_answer, step::second_answer, item.call);
                return;
            }
            case step::retrieve: {
                auto conn = find(model, c.agent, connection_state::hold);
                if (!conn) return fail(model, now, item.call, "no held call at " + c.agent);
                if (!invoke<svc::retrieve_call>(model, now, {*conn})) {
                    return fail(model, now, item.call, "RetrieveCall refused");
                }
                plan(now + second_half, step::end, item.call);
                return;
            }
            case step::second_answer: {
                const std::string& answering =
                    c.plan.script == call_script::consult_transfer ? c.second : c.agent;
                auto conn = find(model, answering, connection_state::alerting);
                if (!conn) return fail(model, now, item.call, "no alerting call at " + answering);
                if (!invoke<svc::answer_call>(model, now, {*conn})) {
                    return fail(model, now, item.call, "AnswerCall refused");
                }
                if (c.plan.script == call_script::consult_transfer) {
                    plan(now + c.plan.consult_talk, step::complete_transfer, item.call);
                } else {
                    plan(now + second_half, step::end, item.call);
                }
                return;
            }
            case step::complete_transfer: {
                auto held = find(model, c.agent, connection_state::hold);
                auto active = find(model, c.agent, connection_state::connected);
                if (!held || !active) {
                    return fail(model, now, item.call, "no held+active pair at " + c.agent);
                }
                if (!invoke<svc::transfer_call>(model, now, {*held, *active})) {
                    return fail(model, now, item.call, "TransferCall refused");
                }
                release_station(c.agent);
                c.agent = std::move(c.second);
                c.second.clear();
                plan(now + second_half, step::end, item.call);
                return;
            }
            case step::end: {
                auto conn = find(model, c.agent, connection_state::connected);
                if (!conn) return fail(model, now, item.call, "no connected call at " + c.agent);
                if (c.plan.caller_hangs_up) {
                    // The callID as the agent sees it: it may have changed on transfer.
                    if (auto error = model.external_hangup(conn->call_id, now); !error.empty()) {
                        return fail(model, now, item.call, "external_hangup: " + error);
                    }
                } else if (!invoke<svc::clear_connection>(model, now, {*conn})) {
                    return fail(model, now, item.call, "ClearConnection refused");
                }
                ++summary.completed;
                finish_call(item.call);
                return;
            }
            case step::arrival:
            case step::drain_deadline:
                return;
        }
    }

    void end_offering(time_point now) {
        if (!offering) return;
        offering = false;
        offered_for = std::chrono::duration_cast<milliseconds>(now - started);
        plan(now + options.drain_timeout, step::drain_deadline);
    }

    void cut_off_all(switch_model& model, time_point now) {
        while (!calls.empty()) {
            ++summary.cut_off;
            clear_and_forget(model, now, calls.begin()->first);
        }
    }

    // ---- the loop ----

    void arm() {
        if (finished) return;
        if (!offering && calls.empty()) return finish();
        if (agenda.empty()) return;
        timer.expires_at(agenda.top().when);
        timer.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
            if (auto self = weak.lock(); self && !ec) self->run_due();
        });
    }

    void run_due() {
        if (finished) return;
        try {
            srv.with_model([&](switch_model& model, time_point now) {
                // Bounded batch: a huge backlog must not starve the sessions' I/O.
                for (int n = 0; n < 2000 && !agenda.empty() && agenda.top().when <= now; ++n) {
                    const agenda_item item = agenda.top();
                    agenda.pop();
                    run_step(model, now, item);
                }
            });
        } catch (const std::exception& e) {  // no exception may leave an Asio handler
            summary.last_failure = std::string("load step failed: ") + e.what();
            ++summary.failed;
        }
        arm();
    }

    void tick() {
        if (finished) return;
        ++ticks;
        const auto now = sim_clock::now();
        const auto stats = srv.stats();
        const double rss = current_rss_mib();
        const auto elapsed_s = std::chrono::duration<double>(now - started).count();
        if (!summary.rss_at_10s_mib && elapsed_s >= 10.0) summary.rss_at_10s_mib = rss;
        const double calls_rate = static_cast<double>(summary.offered - offered_at_tick);
        const double events_rate = static_cast<double>(stats.events_sent - events_at_tick);
        offered_at_tick = summary.offered;
        events_at_tick = stats.events_sent;
        if (options.progress && (progress_to_terminal || ticks % 10 == 0)) {
            char line[200];
            std::snprintf(
                line, sizeof line,
                " t=%.0fs calls/s=%.1f events/s=%.0f active=%zu sessions=%zu rss=%.1f MiB",
                elapsed_s, calls_rate, events_rate, calls.size(), stats.sessions_open, rss);
            if (progress_to_terminal)
                std::cerr << '\r' << line << "   " << std::flush;
            else
                std::cerr << line << '\n' << std::flush;
        }
        progress_timer.expires_at(started + std::chrono::seconds(ticks + 1));
        progress_timer.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
            if (auto self = weak.lock(); self && !ec) self->tick();
        });
    }

    void start(std::function<void(const load_summary&)> done) {
        on_done = std::move(done);
        started = sim_clock::now();
        next_arrival = started;
        offer_until = started + options.duration;
        events_at_start = srv.stats().events_sent;
        srv.with_model([&](switch_model& model, time_point now) {
            free_stations = model.stations();
            if (!options.stations.empty()) {
                std::erase_if(free_stations, [&](const std::string& st) {
                    return std::find(options.stations.begin(), options.stations.end(), st) ==
                           options.stations.end();
                });
            }
            start_agents(model, now);
        });
        offering = true;
        plan(started, step::arrival);
        arm();
        progress_timer.expires_at(started + std::chrono::seconds(1));
        progress_timer.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
            if (auto self = weak.lock(); self && !ec) self->tick();
        });
    }

    void stop() {
        if (finished) return;
        srv.with_model([&](switch_model& model, time_point now) {
            end_offering(now);
            cut_off_all(model, now);
        });
        finish();
    }

    load_summary current() const {
        load_summary s = summary;
        const auto end = finished ? finished_at : sim_clock::now();
        s.elapsed = std::chrono::duration_cast<milliseconds>(end - started);
        const milliseconds offering_time = offering ? s.elapsed : offered_for;
        if (offering_time.count() > 0) {
            s.calls_per_second = static_cast<double>(s.offered) * 1000.0 /
                                 static_cast<double>(offering_time.count());
        }
        s.events_sent = srv.stats().events_sent - events_at_start;
        if (s.elapsed.count() > 0) {
            s.events_per_second = static_cast<double>(s.events_sent) * 1000.0 /
                                  static_cast<double>(s.elapsed.count());
        }
        s.rss_end_mib = current_rss_mib();
        // ru_maxrss and statm count slightly differently; the peak is never below the current.
        s.peak_rss_mib = std::max(peak_rss_mib(), s.rss_end_mib);
        return s;
    }

    void finish() {
        if (finished) return;
        finished = true;
        finished_at = sim_clock::now();
        timer.cancel();
        progress_timer.cancel();
        if (options.progress && progress_to_terminal && ticks > 0) std::cerr << '\n' << std::flush;
        if (!on_done) return;
        // Posted: the callback may well destroy the generator.
        boost::asio::post(io, [self = shared_from_this()] {
            auto done = std::move(self->on_done);
            if (done) done(self->current());
        });
    }

    boost::asio::io_context& io;
    server& srv;
    load_options options;
    load_decider decider;
    boost::asio::steady_timer timer;
    boost::asio::steady_timer progress_timer;
    bool progress_to_terminal;
    std::function<void(const load_summary&)> on_done;

    std::priority_queue<agenda_item, std::vector<agenda_item>, std::greater<>> agenda;
    std::uint64_t agenda_seq = 0;
    std::unordered_map<std::uint64_t, tracked_call> calls;
    std::vector<std::string> free_stations;
    std::unordered_set<std::string> agents;  ///< stations playing ACD agents
    std::vector<std::string> acd_groups;     ///< groups with at least one of them
    std::uint64_t call_counter = 0;
    std::uint64_t request_counter = 0;

    time_point started;
    time_point next_arrival;
    time_point offer_until;
    time_point finished_at;
    milliseconds offered_for{0};
    bool offering = false;
    bool finished = false;
    std::uint64_t ticks = 0;
    std::uint64_t offered_at_tick = 0;
    std::uint64_t events_at_tick = 0;
    std::uint64_t events_at_start = 0;
    load_summary summary;
};

load_generator::load_generator(boost::asio::io_context& io, server& srv, load_options options)
    : impl_(std::make_shared<impl>(io, srv, std::move(options))) {}

load_generator::~load_generator() {
    impl_->finished = true;
    impl_->on_done = nullptr;
    impl_->timer.cancel();
    impl_->progress_timer.cancel();
}

void load_generator::start(std::function<void(const load_summary&)> on_done) {
    impl_->start(std::move(on_done));
}

void load_generator::stop() {
    impl_->stop();
}

load_summary load_generator::summary() const {
    return impl_->current();
}

std::size_t load_generator::active_calls() const {
    return impl_->calls.size();
}

}  // namespace ctigw::pbxsim
