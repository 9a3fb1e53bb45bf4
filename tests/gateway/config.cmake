# Tests of ctigw::gateway_config.
