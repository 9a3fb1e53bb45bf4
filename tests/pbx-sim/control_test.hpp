// parsed(): a console command that must parse, for the tests that build commands from text
// (control_test.cpp, control_test_live.cpp).
#pragma once

#include "ctigw/pbxsim/control.hpp"

#include <gtest/gtest.h>

#include <string_view>

namespace ctigw::pbxsim {
namespace {

command parsed(std::string_view text) {
    auto r = parse_command(text);
    if (auto* e = std::get_if<std::string>(&r)) {
        ADD_FAILURE() << "\"" << text << "\": " << *e;
        return cmd::help{};
    }
    return std::get<command>(r);
}

}  // namespace
}  // namespace ctigw::pbxsim
