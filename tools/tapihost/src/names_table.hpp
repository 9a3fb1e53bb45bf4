// Name tables generated from the TAPI constants (names_table.cpp).
#pragma once

#include <cstddef>
#include <cstdint>

#include "ctigw/tsp/tapi.hpp"

namespace ctigw::tapihost::detail {

struct name_entry {
    const char* name;
    std::uint32_t value;
};

extern const name_entry call_state_names[];
extern const std::size_t call_state_count;
extern const name_entry offering_mode_names[];
extern const std::size_t offering_mode_count;
extern const name_entry dialtone_mode_names[];
extern const std::size_t dialtone_mode_count;
extern const name_entry busy_mode_names[];
extern const std::size_t busy_mode_count;
extern const name_entry special_info_names[];
extern const std::size_t special_info_count;
extern const name_entry connected_mode_names[];
extern const std::size_t connected_mode_count;
extern const name_entry disconnect_mode_names[];
extern const std::size_t disconnect_mode_count;
extern const name_entry line_dev_state_names[];
extern const std::size_t line_dev_state_count;
extern const name_entry address_state_names[];
extern const std::size_t address_state_count;
extern const name_entry call_info_state_names[];
extern const std::size_t call_info_state_count;
extern const name_entry line_error_names[];
extern const std::size_t line_error_count;
extern const name_entry phone_error_names[];
extern const std::size_t phone_error_count;
extern const name_entry phone_state_names[];
extern const std::size_t phone_state_count;
extern const name_entry button_mode_names[];
extern const std::size_t button_mode_count;
extern const name_entry button_state_names[];
extern const std::size_t button_state_count;
extern const name_entry lamp_mode_names[];
extern const std::size_t lamp_mode_count;
extern const name_entry hookswitch_dev_names[];
extern const std::size_t hookswitch_dev_count;
extern const name_entry hookswitch_mode_names[];
extern const std::size_t hookswitch_mode_count;
extern const name_entry call_reason_names[];
extern const std::size_t call_reason_count;
extern const name_entry call_origin_names[];
extern const std::size_t call_origin_count;
extern const name_entry call_feature_names[];
extern const std::size_t call_feature_count;
extern const name_entry generate_term_names[];
extern const std::size_t generate_term_count;
extern const name_entry digit_mode_names[];
extern const std::size_t digit_mode_count;
extern const name_entry media_mode_names[];
extern const std::size_t media_mode_count;
extern const name_entry forward_mode_names[];
extern const std::size_t forward_mode_count;
extern const name_entry dev_status_flags_names[];
extern const std::size_t dev_status_flags_count;
extern const name_entry address_feature_names[];
extern const std::size_t address_feature_count;
extern const name_entry line_feature_names[];
extern const std::size_t line_feature_count;
extern const name_entry call_privilege_names[];
extern const std::size_t call_privilege_count;
extern const name_entry bearer_mode_names[];
extern const std::size_t bearer_mode_count;
extern const name_entry party_id_names[];
extern const std::size_t party_id_count;
extern const name_entry phone_status_flags_names[];
extern const std::size_t phone_status_flags_count;
extern const name_entry transfer_mode_names[];
extern const std::size_t transfer_mode_count;
extern const name_entry park_mode_names[];
extern const std::size_t park_mode_count;
extern const name_entry message_names[];
extern const std::size_t message_count;

}  // namespace ctigw::tapihost::detail
