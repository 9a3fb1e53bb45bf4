// The simulator's call model is product code: the gateway's sim backend
// (gateway/include/ctigw/gateway/sim/model.hpp). The simulator's tools, tests and benchmarks
// name it through ctigw::pbxsim, the simulator's namespace.
#pragma once

#include "ctigw/gateway/sim/model.hpp"

namespace ctigw::pbxsim {
using gateway::sim::acd_group_config;
using gateway::sim::connection_transition;
using gateway::sim::event_sink;
using gateway::sim::extension_range;
using gateway::sim::external_behaviour;
using gateway::sim::external_rule;
using gateway::sim::milliseconds;
using gateway::sim::model_stats;
using gateway::sim::session_id;
using gateway::sim::sim_clock;
using gateway::sim::sim_config;
using gateway::sim::switch_model;
using gateway::sim::time_point;
using gateway::sim::transition_observer;
}  // namespace ctigw::pbxsim
