// UTF-8/UTF-16 helpers (wide.hpp).
#include "ctigw/tapihost/wide.hpp"

#include <cstring>

namespace ctigw::tapihost {

wstring to_wide(std::string_view s) {
    wstring out;
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        char32_t cp = 0xFFFD;
        std::size_t len = 1;
        if (c < 0x80)
            cp = c;
        else if ((c >> 5) == 0x6)
            len = 2, cp = c & 0x1F;
        else if ((c >> 4) == 0xE)
            len = 3, cp = c & 0x0F;
        else if ((c >> 3) == 0x1E)
            len = 4, cp = c & 0x07;
        else
            len = 0;
        bool ok = len > 0 && i + len <= s.size();
        for (std::size_t k = 1; ok && k < len; ++k) {
            const auto d = static_cast<unsigned char>(s[i + k]);
            if ((d >> 6) != 0x2)
                ok = false;
            else
                cp = (cp << 6) | (d & 0x3F);
        }
        if (!ok) {
            out.push_back(static_cast<WCHAR>(0xFFFD));
            ++i;
            continue;
        }
        i += len;
        if (cp >= 0x10000 && cp <= 0x10FFFF) {
            cp -= 0x10000;
            out.push_back(static_cast<WCHAR>(0xD800 + (cp >> 10)));
            out.push_back(static_cast<WCHAR>(0xDC00 + (cp & 0x3FF)));
        } else if (cp < 0xD800 || (cp > 0xDFFF && cp < 0x10000)) {
            out.push_back(static_cast<WCHAR>(cp));
        } else {
            out.push_back(static_cast<WCHAR>(0xFFFD));
        }
    }
    return out;
}

std::string from_wide(wstring_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        char32_t cp = s[i];
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < s.size() && s[i + 1] >= 0xDC00 &&
            s[i + 1] <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (s[i + 1] - 0xDC00);
            ++i;
        } else if (cp >= 0xD800 && cp <= 0xDFFF) {
            cp = 0xFFFD;
        }
        if (cp < 0x80) {
            out.push_back(static_cast<char>(cp));
        } else if (cp < 0x800) {
            out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else if (cp < 0x10000) {
            out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else {
            out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        }
    }
    return out;
}

std::string var_string(const std::vector<unsigned char>& buf, DWORD size, DWORD offset) {
    if (size == 0 || std::size_t{offset} + size > buf.size()) return {};
    wstring w(size / 2, WCHAR{0});
    std::memcpy(w.data(), buf.data() + offset, w.size() * 2);
    while (!w.empty() && w.back() == WCHAR{0}) w.pop_back();
    return from_wide(w);
}

}  // namespace ctigw::tapihost
