# The gateway's configuration: ctigw-gateway.json (settings, loader with located diagnostics,
# per-token access control). Defines ctigw::gateway_config.
