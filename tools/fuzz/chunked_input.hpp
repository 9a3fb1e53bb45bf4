// For the fuzzers that feed a byte stream in pieces, as a socket delivers it: the input's first 8
// bytes seed the piece sizes, the rest is the stream. The fuzzer then checks that the pieces give
// what the whole stream gives.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace ctigw::fuzz {

class chunked_input {
  public:
    chunked_input(const std::uint8_t* data, std::size_t size) {
        if (size >= 8) {
            std::memcpy(&seed_, data, 8);
            data += 8;
            size -= 8;
        }
        stream_ = std::string_view(reinterpret_cast<const char*>(data), size);
        rest_ = stream_;
    }

    /// The whole stream.
    std::string_view stream() const { return stream_; }
    bool done() const { return rest_.empty(); }
    /// The next piece: mostly 1-8 bytes (a split inside a line or a frame header), sometimes up
    /// to `large`.
    std::string_view next(std::size_t large) {
        seed_ = seed_ * 6364136223846793005ULL + 1442695040888963407ULL;
        const std::size_t n =
            (seed_ >> 60) < 12 ? 1 + ((seed_ >> 33) % 8) : 1 + ((seed_ >> 33) % large);
        const auto piece = rest_.substr(0, n);
        rest_.remove_prefix(std::min(n, rest_.size()));
        return piece;
    }

  private:
    std::uint64_t seed_ = 0;
    std::string_view stream_;
    std::string_view rest_;
};

}  // namespace ctigw::fuzz
