// A TSPI getter's variable-size structure, grown until everything fits (internal to the host).
#pragma once

#include <algorithm>
#include <vector>

#include "ctigw/tapihost/host.hpp"

namespace ctigw::tapihost {

/// Calls a TSPI getter with a growing buffer (dwTotalSize set) until everything fits.
template <class T, class F>
std::vector<unsigned char> get_var(F&& f, LONG& rc) {
    std::vector<unsigned char> buf(std::max<std::size_t>(sizeof(T) + 2048, 4096));
    for (int attempt = 0; attempt < 3; ++attempt) {
        std::fill(buf.begin(), buf.end(), 0);
        auto* s = reinterpret_cast<T*>(buf.data());
        s->dwTotalSize = static_cast<DWORD>(buf.size());
        rc = f(s);
        if (rc != 0 || s->dwNeededSize <= s->dwTotalSize) return buf;
        buf.resize(s->dwNeededSize + 64);
    }
    return buf;
}

}  // namespace ctigw::tapihost
