// One soak run (run.hpp): set-up, the driver loop, faults, samples and the end.
#include "ctigw/soak/run.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "ctigw/pbxsim/load.hpp"
#include "ctigw/pbxsim/server.hpp"
#include "ctigw/soak/proxy.hpp"
#include "ctigw/soak/worker.hpp"
#include "ctigw/tapihost/host.hpp"
#include "ctigw/tapihost/names.hpp"
#include "ctigw/tapihost/platform.hpp"
#include "ctigw/tapihost/sim.hpp"
#include "summary.hpp"

namespace ctigw::soak {

namespace {

using clock_type = std::chrono::steady_clock;

/// The workers' view of TAPI over the TAPISRV stand-in; the results of completions are kept
/// for a minute for the worker that waits for them.
class host_side final : public tapi_side {
  public:
    explicit host_side(tapihost::host& h) : host_(h) {}
    tapihost::op_result run(const tapihost::op_stmt& op) override { return host_.run(op); }
    const std::vector<tapihost::call_view>& calls() const override { return calls_; }
    std::optional<LONG> take_result(DRV_REQUESTID id) override {
        std::lock_guard lock(mutex_);
        auto it = results_.find(id);
        if (it == results_.end()) return std::nullopt;
        const auto r = it->second.first;
        results_.erase(it);
        return r;
    }
    void bind_name(const std::string& name, std::uint64_t key) override {
        host_.bind_name(name, key);
    }
    std::optional<std::uint64_t> key_of(const std::string& name) const override {
        return host_.call_by_name(name);
    }
    void refresh() { calls_ = host_.call_views(); }
    /// From the host's completion callback (host lock held; takes only ours).
    void completed(DRV_REQUESTID id, LONG result, std::int64_t now_ms) {
        std::lock_guard lock(mutex_);
        results_[id] = {result, now_ms};
        ++completions_;
    }
    void forget_older_than(std::int64_t ms) {
        std::lock_guard lock(mutex_);
        std::erase_if(results_, [&](const auto& e) { return e.second.second < ms; });
    }
    std::uint64_t completions() const { return completions_; }

  private:
    tapihost::host& host_;
    std::vector<tapihost::call_view> calls_;
    mutable std::mutex mutex_;
    std::map<DRV_REQUESTID, std::pair<LONG, std::int64_t>> results_;
    std::atomic<std::uint64_t> completions_{0};
};

std::string ext(int n) {
    return std::to_string(n);
}

/// The soak's changes to the config in_process_sim wrote: the forwarder as the primary, the
/// simulator as the standby, fast heartbeats, fallback to the primary, an info log.
std::string rewrite_config(const std::filesystem::path& path, std::uint16_t primary,
                           std::uint16_t standby, bool verbose) {
    std::ifstream in(path);
    auto cfg = nlohmann::json::parse(in, nullptr, false);
    if (cfg.is_discarded()) return "cannot read " + path.string();
    auto& sw = cfg["switch"];
    sw["endpoints"] = {"wss://127.0.0.1:" + std::to_string(primary) + "/csta",
                       "wss://127.0.0.1:" + std::to_string(standby) + "/csta"};
    sw["timeouts"]["heartbeatIntervalMs"] = 2000;
    sw["timeouts"]["missedHeartbeats"] = 2;
    sw["fallbackToPrimary"] = {{"enabled", true}, {"idleSeconds", 0}};
    cfg["logging"]["level"] = verbose ? "debug" : "info";
    std::ofstream out(path);
    out << cfg.dump(2) << '\n';
    return out ? std::string() : "cannot write " + path.string();
}

}  // namespace

/// Faults one after the other: inject, hold (for those that last), undo, a quiet gap.
class fault_driver {
  public:
    fault_driver(const soak_options& o, tapihost::in_process_sim& sim, tcp_proxy& proxy)
        : plan_(o.faults, o.seed), sim_(sim), proxy_(proxy), gap_ms_(o.fault_gap_s * 1000) {}
    /// Returns the fault injected now, if any.
    std::optional<fault_kind> tick(std::int64_t now_ms, bool allowed) {
        if (undo_ && now_ms >= undo_at_) {
            undo();
            next_at_ = now_ms + gap_ms_;
        }
        if (undo_ || !allowed || now_ms < next_at_) return std::nullopt;
        const auto kind = plan_.next();
        if (!kind) return std::nullopt;
        inject(*kind, now_ms);
        ++counts_[static_cast<std::size_t>(*kind)];
        return kind;
    }
    void finish() {
        if (undo_) undo();
    }
    const std::array<std::uint64_t, fault_kind_count>& counts() const { return counts_; }
    const std::vector<std::string>& errors() const { return errors_; }

  private:
    void sim(const std::string& command) {
        std::string output;
        if (auto err = sim_.execute(command, output); !err.empty())
            errors_.push_back(command + ": " + err);
    }
    void inject(fault_kind kind, std::int64_t now_ms) {
        next_at_ = now_ms + gap_ms_;
        const auto hold = [&](std::int64_t ms, std::function<void()> undo) {
            undo_ = std::move(undo);
            undo_at_ = now_ms + ms;
        };
        switch (kind) {
            case fault_kind::link_drop:
                sim("fault drop");
                break;
            case fault_kind::switch_restart:
                sim("fault restart");
                break;
            case fault_kind::sequence_gap:
                sim("fault gap");
                break;
            case fault_kind::messages_lost:
                sim("fault status messagesLost");
                break;
            case fault_kind::delay:
                sim("fault delay 1500");
                hold(4000, [this] { sim("fault delay 0"); });
                break;
            case fault_kind::refusal:
                sim("fault refuse MakeCall operation generic 2");
                sim("fault refuse HoldCall systemResourceAvailability resourceBusy 1");
                sim("fault refuse AnswerCall operation generic 1");
                break;
            case fault_kind::malformed:
                sim("fault malformed 3");
                break;
            case fault_kind::heartbeats:
                // Two missed heartbeats of 2 s declare the link dead: hold it for longer.
                sim("fault heartbeats off");
                hold(7000, [this] { sim("fault heartbeats on"); });
                break;
            case fault_kind::reorder:
                sim("fault reorder on");
                hold(4000, [this] { sim("fault reorder off"); });
                break;
            case fault_kind::failover:
                proxy_.set_refusing(true);
                hold(6000, [this] { proxy_.set_refusing(false); });
                break;
        }
    }
    void undo() {
        auto u = std::move(undo_);
        undo_ = nullptr;
        u();
    }

    fault_plan plan_;
    tapihost::in_process_sim& sim_;
    tcp_proxy& proxy_;
    std::int64_t gap_ms_;
    std::int64_t next_at_ = 5000;  // the first fault after a calm start
    std::function<void()> undo_;
    std::int64_t undo_at_ = 0;
    std::array<std::uint64_t, fault_kind_count> counts_{};
    std::vector<std::string> errors_;
};

int run_soak(const soak_options& o) {
    // ---- the switch, the forwarder, the config ----
    tapihost::in_process_sim sim;
    if (!tapihost::in_process_sim::available()) {
        std::cerr << "ctigw-soak: built without the simulator\n";
        return 2;
    }
    std::set<std::string> extensions;
    std::vector<std::string> load_stations;
    for (int i = 0; i < 3 * o.workers; ++i) extensions.insert(ext(2000 + i));
    for (int i = 0; i < o.load_stations; ++i) {
        const int n = 2000 + 3 * o.workers + i;
        // Past 2099: five-digit stations (the simulator's orbits are 7001-7005).
        const auto e = n <= 2099 ? ext(n) : ext(30000 + (n - 2100));
        extensions.insert(e);
        load_stations.push_back(e);
    }
    std::filesystem::path config;
    if (auto err = sim.start(extensions, config, o.verbose); !err.empty()) {
        std::cerr << "ctigw-soak: " << err << '\n';
        return 2;
    }
    tcp_proxy proxy;
    if (auto err = proxy.start(sim.port()); !err.empty()) {
        std::cerr << "ctigw-soak: " << err << '\n';
        return 2;
    }
    if (auto err = rewrite_config(config, proxy.port(), sim.port(), o.verbose); !err.empty()) {
        std::cerr << "ctigw-soak: " << err << '\n';
        return 2;
    }
    tapihost::platform::set_env("CTIGW_CONFIG", config.string());

    // ---- the TSP under the TAPISRV stand-in ----
    const auto start = clock_type::now();
    const auto now_ms = [&] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - start)
            .count();
    };
    std::mutex violations_mutex;
    std::vector<std::string> violations_seen;
    tapihost::host_options hopt;
    hopt.tsp_path = o.tsp_path;
    hopt.log_limit = 4096;
    hopt.print = [&](const std::string& line) {
        if (line.find(" VIOLATION ") == std::string::npos) return;
        std::lock_guard lock(violations_mutex);
        if (violations_seen.size() < 20) std::cerr << "ctigw-soak: " << line << '\n';
        violations_seen.push_back(line);
    };
    host_side* side_ptr = nullptr;
    hopt.on_completion = [&](DRV_REQUESTID id, LONG result) {
        if (side_ptr) side_ptr->completed(id, result, now_ms());
    };
    tapihost::host host(hopt);
    host_side side(host);
    side_ptr = &side;
    if (auto err = host.load(); !err.empty()) {
        std::cerr << "ctigw-soak: " << err << '\n';
        return 2;
    }
    if (auto err = host.start(); !err.empty()) {
        std::cerr << "ctigw-soak: " << err << '\n';
        return 2;
    }

    // Like an application, the workers start once their lines are in service (requests made
    // before then fail at once: issue 12's "requests in the first moments after start").
    for (int i = 0; i < 3 * o.workers; ++i) {
        const auto line = ext(2000 + i);
        const auto until = clock_type::now() + std::chrono::seconds(30);
        std::string error;
        while (host.line_in_service(line, &error) != true && clock_type::now() < until)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }

    // ---- the simulator's own calls ----
    std::shared_ptr<pbxsim::load_generator> load;
    if (o.load_rate > 0 && !load_stations.empty()) {
        pbxsim::load_options lo;
        lo.calls_per_second = o.load_rate;
        lo.duration = std::chrono::seconds(o.duration_s + 60);
        lo.seed = o.seed;
        lo.progress = false;
        lo.stations = load_stations;
        if (auto err = sim.run_on_switch([&](boost::asio::io_context& io, pbxsim::server& srv) {
                load = std::make_shared<pbxsim::load_generator>(io, srv, lo);
                load->start();
            });
            !err.empty()) {
            std::cerr << "ctigw-soak: load: " << err << '\n';
            return 2;
        }
    }
    const auto read_load = [&] {
        pbxsim::load_summary s;
        if (load) sim.run_on_switch([&](auto&, auto&) { s = load->summary(); });
        return s;
    };

    // ---- workers and the loop ----
    std::vector<worker> workers;
    for (int i = 0; i < o.workers; ++i)
        workers.emplace_back(i, ext(2000 + 3 * i), ext(2001 + 3 * i), ext(2002 + 3 * i),
                             ext(7001 + i % 5), o.seed * 1000 + static_cast<std::uint64_t>(i));
    fault_driver faults(o, sim, proxy);
    stale_tracker stale(o.stale_grace_s * 1000);
    run_record rec;
    rec.options = o;
    const std::int64_t duration_ms = o.duration_s * 1000;
    const std::int64_t settle_ms = std::min<std::int64_t>(20000, duration_ms / 4);
    std::int64_t next_sample = 1000;
    std::uint64_t last_events = 0, last_calls = 0;
    std::string fault_this_second;
    const auto total_calls = [&](const pbxsim::load_summary& ls) {
        std::uint64_t n = ls.offered;
        for (const auto& w : workers) n += w.stats().calls_made;
        return n;
    };
    const auto switch_connections = [&]() -> std::optional<std::map<std::string, std::size_t>> {
        std::map<std::string, std::size_t> out;
        const auto error = sim.run_on_switch([&](auto&, pbxsim::server& srv) {
            for (const auto& e : extensions) out[e] = srv.model().snapshot(e).size();
        });
        if (!error.empty()) {
            // An empty map would make every active call look gone at the switch.
            std::cerr << "ctigw-soak: switch not read (" << error << "): stale check skipped\n";
            return std::nullopt;
        }
        return out;
    };
    const auto check_stale = [&](std::int64_t t) {
        const auto read = switch_connections();
        if (!read) return;
        const auto& at_switch = *read;
        std::map<std::string, bool> in_service;  // read only for lines with a suspect call
        std::vector<tsp_call> calls;
        for (const auto& c : side.calls()) {
            tsp_call tc;
            tc.key = c.key;
            tc.device = c.line;
            tc.active =
                !c.closed && !c.pending_create && c.state != 0 && c.state != LINECALLSTATE_IDLE;
            tc.state = tapihost::name_of(tapihost::family::call_state, c.state);
            const auto sw = at_switch.find(c.line);
            if (tc.active && (sw == at_switch.end() || sw->second == 0)) {
                auto [it, fresh] = in_service.try_emplace(c.line, true);
                if (fresh) {
                    std::string error;
                    const auto known = host.line_in_service(c.line, &error);
                    // Unreadable: said, and judged as in service (a lasting stale call is still
                    // reported, not hidden behind a failing status read).
                    if (!known)
                        std::cerr << "ctigw-soak: " << c.line << " status: " << error << '\n';
                    it->second = known.value_or(true);
                }
                tc.in_service = it->second;
            }
            calls.push_back(std::move(tc));
        }
        for (const auto& s : stale.observe(t, calls, at_switch)) {
            rec.stale.push_back("call#" + std::to_string(s.key) + " on " + s.device + " still " +
                                s.state + " in the TSP, gone at the switch for " +
                                std::to_string(o.stale_grace_s) + " s (line in service)");
            std::cerr << "ctigw-soak: STALE " << rec.stale.back() << '\n';
        }
    };
    bool winding = false;
    for (;;) {
        const auto t = now_ms();
        side.refresh();
        const bool faults_allowed = t < duration_ms - settle_ms;
        if (auto f = faults.tick(t, faults_allowed)) {
            fault_this_second = std::string(to_string(*f));
            for (const auto& w : workers)
                if (auto s = w.current()) ++rec.situations_hit[static_cast<std::size_t>(*s)];
        }
        if (!winding && t >= duration_ms) {
            winding = true;
            for (auto& w : workers) w.wind_down();
        }
        for (auto& w : workers) w.tick(side, t);
        if (winding && (std::all_of(workers.begin(), workers.end(),
                                    [](const worker& w) { return w.idle(); }) ||
                        t >= duration_ms + 30000))
            break;
        if (t >= next_sample) {
            next_sample += 1000;
            const auto hc = host.counters();
            const auto ls = read_load();
            const auto calls = total_calls(ls);
            sample s;
            s.t = static_cast<double>(t) / 1000.0;
            s.calls_per_second = static_cast<double>(calls - last_calls);
            s.events_per_second = static_cast<double>(hc.events - last_events);
            s.rss_mib = pbxsim::current_rss_mib();
            s.in_flight = hc.pending_requests;
            s.fault = std::exchange(fault_this_second, {});
            last_calls = calls;
            last_events = hc.events;
            rec.samples.push_back(s);
            check_stale(t);
            side.forget_older_than(t - 60000);
            if (o.progress)
                std::cerr << progress_line(s, hc.calls, rec.stale.size(), hc.violations) << '\n';
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    faults.finish();

    // ---- the end: the switch's own calls stop, then everything must agree ----
    if (load) {
        sim.run_on_switch([&](auto&, auto&) { load->stop(); });
        rec.load = read_load();
    }
    const auto quiet_until = now_ms() + (o.stale_grace_s + 3) * 1000;
    while (now_ms() < quiet_until) {
        side.refresh();
        check_stale(now_ms());
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    rec.elapsed_s = static_cast<double>(now_ms()) / 1000.0;
    rec.events = host.counters().events;
    rec.completions = side.completions();
    host.stop(std::chrono::milliseconds(15000));
    rec.violations = host.violations();
    for (const auto& w : workers) rec.add(w.stats());
    rec.fault_counts = faults.counts();
    rec.fault_errors = faults.errors();
    rec.proxy_connections = proxy.accepted();
    if (load) sim.run_on_switch([&](auto&, auto&) { load.reset(); });
    proxy.stop();
    sim.stop();
    return finish_report(rec);
}

}  // namespace ctigw::soak
