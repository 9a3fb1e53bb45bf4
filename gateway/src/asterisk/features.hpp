// Device features on Asterisk (docs/asterisk.md "DND, forwarding and message waiting"): DND
// and call forwarding live in AstDB under the families FreePBX uses (DND/<ext>, CF/<ext>,
// CFB/<ext>, CFU/<ext>), with FreePBX's custom device states (Custom:DND<ext>, Custom:CF<ext>)
// announcing changes made elsewhere; message waiting comes from app_voicemail's MessageWaiting.
// AstDB writes raise no AMI event, so the store keeps the last known values and reports every
// change it makes or learns as a CSTA event.
//
// Thread safety: none; the backend's io thread owns it.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "asterisk/call_model.hpp"
#include "asterisk/services.hpp"

namespace ctigw::gateway::asterisk {

struct feature_env {
    std::function<bool(std::string_view device)> is_station;
    std::string dnd_family = "DND";
    /// forwardImmediate, forwardBusy, forwardNoAns.
    std::array<std::string, 3> forward_families{"CF", "CFB", "CFU"};
    /// Custom device states mirroring DND and immediate forwarding; "{ext}" is the extension.
    /// Empty: none.
    std::string dnd_device_state = "Custom:DND{ext}";
    std::string forward_device_state = "Custom:CF{ext}";
    std::string voicemail_context = "default";
};

/// A read of one AstDB key the store needs after an event (Custom:CF2002 changed: what is
/// CF/2002 now?). The backend sends DBGet and answers with on_value().
struct db_read {
    std::string family;
    std::string key;
    friend bool operator==(const db_read&, const db_read&) = default;
};

class feature_store {
  public:
    feature_store(feature_env env, event_sink sink);

    /// DBGetTree actions that read every feature family (at connect and after a reconnect).
    std::vector<ami_action> load_actions() const;
    /// Starts a load: values not seen again are off.
    void begin_load();
    /// Ends a load once the switch is up: message waiting that changed since the previous load
    /// is reported (DND and forwarding are read again by the TSPs; message waiting has no read).
    void end_load();
    /// One row of a DBGetTree (Key "/CF/2002", Val) or DBGet (Family, Key, Val) answer, or a
    /// VoicemailUserEntry (VMContext, VoiceMailbox, NewMessageCount).
    void on_row(const ami::message& row, bool announce);
    /// The value of one key after a db_read; nullopt when the key does not exist.
    void on_value(std::string_view family, std::string_view key, std::optional<std::string> value,
                  bool announce);

    /// DeviceStateChange and MessageWaiting; returns the keys to read again.
    std::vector<db_read> on_event(const ami::message& event);

    static bool is_feature_service(const protocol::request& request);
    /// Plans one feature service; the plan's commit() records the change and reports it.
    plan_outcome plan_feature_service(const protocol::request& request);

    bool dnd(const std::string& ext) const;

  private:
    struct station {
        bool dnd = false;
        bool mwi = false;         ///< as last reported
        bool mwi_loaded = false;  ///< as the running (or last) load read it
        std::array<protocol::forwarding_entry, 3> forwarding{};
    };
    static protocol::evt::message_waiting mwi_event(const std::string& ext, bool on);
    station& at(const std::string& ext);
    void set_dnd(const std::string& ext, bool on, bool announce);
    void set_forward(const std::string& ext, std::size_t index, std::optional<std::string> to,
                     bool announce);
    std::optional<std::string> ext_of_state(std::string_view device,
                                            const std::string& pattern) const;

    feature_env env_;
    event_sink sink_;
    std::map<std::string, station, std::less<>> stations_;
};

}  // namespace ctigw::gateway::asterisk
