// Decode/encode cost of typical switch frames (docs/architecture.md §Performance).
//   build/tools/bench/ctigw-bench-codec --benchmark_min_time=1
#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>
#include <string>

#include "ctigw/protocol/codec.hpp"

namespace {

using namespace ctigw::protocol;

// A typical ~400-byte event: Delivered with every common member.
const std::string delivered_frame = [] {
    evt::delivered d;
    d.connection = {"c-00012345-0007", "2001"};
    d.alerting_device = "2001";
    d.calling_device = "+33123456789";
    d.called_device = "2001";
    d.last_redirection_device = "2999";
    d.correlator_data = byte_string{"order=4711;queue=sales;priority=high"};
    d.local_connection_info = connection_state::alerting;
    d.cause = event_cause::new_call;
    return make_json_codec()->encode(
        event_message{123456, "m-2001", "2026-11-24T10:00:00.000Z", d});
}();

void decode_event(benchmark::State& state) {
    auto codec = make_json_codec();
    for (auto _ : state) {
        auto r = codec->decode(delivered_frame);
        benchmark::DoNotOptimize(r);
    }
    state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(delivered_frame.size()));
    state.counters["frame_bytes"] = static_cast<double>(delivered_frame.size());
}
BENCHMARK(decode_event);

// The same frame through nlohmann's DOM parser, for comparison.
void nlohmann_dom_parse(benchmark::State& state) {
    for (auto _ : state) {
        auto j = nlohmann::json::parse(delivered_frame);
        benchmark::DoNotOptimize(j);
    }
}
BENCHMARK(nlohmann_dom_parse);

void encode_event(benchmark::State& state) {
    auto codec = make_json_codec();
    auto m = codec->decode(delivered_frame).value();
    for (auto _ : state) {
        auto frame = codec->encode(m);
        benchmark::DoNotOptimize(frame);
    }
}
BENCHMARK(encode_event);

void decode_snapshot_batch(benchmark::State& state) {
    // A SnapshotDeviceBatch result for 1,000 devices with one call each.
    svc::snapshot_device_batch::result res;
    for (int i = 0; i < 1000; ++i) {
        auto dev = std::to_string(20000 + i);
        res.results.push_back(
            {dev, {{{"c-" + dev, dev}, connection_state::connected, "+331234", dev, {}}}, {}});
    }
    auto codec = make_json_codec();
    const auto frame = codec->encode(make_response<svc::snapshot_device_batch>("1", res));
    for (auto _ : state) {
        auto r = codec->decode(frame);
        benchmark::DoNotOptimize(r);
    }
    state.SetItemsProcessed(state.iterations() * 1000);
    state.counters["frame_bytes"] = static_cast<double>(frame.size());
}
BENCHMARK(decode_snapshot_batch);

// A GetDeviceStatusBatch answer for 250 phones (the TSP's phone batch) as the simulator's sets
// give it: a 2x40 display, 3 hookswitches, a ringer, 12 buttons with their 12 lamps.
const svc::get_device_status_batch::result phone_batch = [] {
    svc::get_device_status_batch::result res;
    for (int i = 0; i < 250; ++i) {
        device_status_item item;
        item.device = std::to_string(20000 + i);
        item.display = display_status{"Agent " + item.device + std::string(70, ' '), 2, 40};
        item.hookswitches = {{hookswitch_type::handset, hookswitch_mode::on_hook},
                             {hookswitch_type::speaker, hookswitch_mode::on_hook},
                             {hookswitch_type::headset, hookswitch_mode::on_hook}};
        item.ringer = ringer_status{ringer_mode::not_ringing, 50u};
        for (std::uint32_t b = 1; b <= 12; ++b) {
            item.buttons.push_back({b, "Button " + std::to_string(b), "feature", b});
            item.lamps.push_back({b, lamp_mode::off});
        }
        res.results.push_back(std::move(item));
    }
    return res;
}();

void encode_status_batch(benchmark::State& state) {
    auto codec = make_json_codec();
    const message m = make_response<svc::get_device_status_batch>("1", phone_batch);
    std::size_t bytes = 0;
    for (auto _ : state) {
        auto frame = codec->encode(m);
        bytes = frame.size();
        benchmark::DoNotOptimize(frame);
    }
    state.SetItemsProcessed(state.iterations() * 250);
    state.counters["frame_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(encode_status_batch);

void decode_status_batch(benchmark::State& state) {
    auto codec = make_json_codec();
    const auto frame = codec->encode(make_response<svc::get_device_status_batch>("1", phone_batch));
    for (auto _ : state) {
        auto r = codec->decode(frame);
        benchmark::DoNotOptimize(r);
    }
    state.SetItemsProcessed(state.iterations() * 250);
    state.counters["frame_bytes"] = static_cast<double>(frame.size());
}
BENCHMARK(decode_status_batch);

}  // namespace

BENCHMARK_MAIN();
