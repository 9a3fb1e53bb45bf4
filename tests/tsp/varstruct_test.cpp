#include "ctigw/tsp/varstruct.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

namespace ctigw::tsp {
namespace {

constexpr std::uint32_t all_versions[] = {tapi_version_2_0, tapi_version_2_1, tapi_version_2_2,
                                          tapi_version_3_0, tapi_version_3_1};

/// A caller buffer: dwTotalSize set, guard bytes after it that must never change.
template <class T>
struct buffer {
    static constexpr std::size_t guard = 64;
    std::vector<unsigned char> bytes;
    std::uint32_t total;

    explicit buffer(std::uint32_t total_size, unsigned char fill = 0xCC)
        : bytes(total_size + guard, fill), total(total_size) {
        std::memcpy(bytes.data(), &total_size, sizeof total_size);
    }
    T* get() { return reinterpret_cast<T*>(bytes.data()); }
    [[nodiscard]] bool guard_intact(unsigned char fill = 0xCC) const {
        return std::all_of(bytes.begin() + total, bytes.end(),
                           [&](unsigned char b) { return b == fill; });
    }
    template <class M>
    M field(M T::*m) {
        return get()->*m;
    }
    std::u16string string_at(std::uint32_t off, std::uint32_t size) const {
        std::u16string s(size / 2, u'\0');
        std::memcpy(s.data(), bytes.data() + off, size);
        return s;
    }
};

// ---- fixed sizes per version

TEST(FixedSize, LineDevCapsVersionBoundaries) {
    EXPECT_EQ(sizeof(LINEDEVCAPS), 292u);
    EXPECT_EQ(fixed_size<LINEDEVCAPS>(tapi_version_2_0), 252u);
    EXPECT_EQ(fixed_size<LINEDEVCAPS>(tapi_version_2_1), 252u);
    EXPECT_EQ(fixed_size<LINEDEVCAPS>(tapi_version_2_2), 268u);
    EXPECT_EQ(fixed_size<LINEDEVCAPS>(tapi_version_3_0), 292u);
    EXPECT_EQ(fixed_size<LINEDEVCAPS>(tapi_version_3_1), 292u);
    EXPECT_EQ(fixed_size<LINEDEVCAPS>(0x00020001), offsetof(LINEDEVCAPS, PermanentLineGuid));
    EXPECT_EQ(fixed_size<LINEDEVCAPS>(0x0002FFFF), offsetof(LINEDEVCAPS, dwAddressTypes));
}

TEST(FixedSize, PhoneCapsVersionBoundaries) {
    EXPECT_EQ(fixed_size<PHONECAPS>(tapi_version_2_0), offsetof(PHONECAPS, PermanentPhoneGuid));
    EXPECT_EQ(fixed_size<PHONECAPS>(tapi_version_2_1), offsetof(PHONECAPS, PermanentPhoneGuid));
    EXPECT_EQ(fixed_size<PHONECAPS>(tapi_version_2_2), sizeof(PHONECAPS));
    EXPECT_EQ(fixed_size<PHONECAPS>(tapi_version_3_1), sizeof(PHONECAPS));
    EXPECT_EQ(sizeof(PHONECAPS) - fixed_size<PHONECAPS>(tapi_version_2_1), sizeof(GUID));
}

TEST(FixedSize, CallInfoAndCallParamsGrowAt30) {
    EXPECT_EQ(fixed_size<LINECALLINFO>(tapi_version_2_2), sizeof(LINECALLINFO) - 5 * sizeof(DWORD));
    EXPECT_EQ(fixed_size<LINECALLINFO>(tapi_version_3_0), sizeof(LINECALLINFO));
    EXPECT_EQ(fixed_size<LINECALLPARAMS>(tapi_version_2_2), sizeof(LINECALLPARAMS) - sizeof(DWORD));
    EXPECT_EQ(fixed_size<LINECALLPARAMS>(tapi_version_3_0), sizeof(LINECALLPARAMS));
}

TEST(FixedSize, UnchangedStructuresAreFullSizeFrom20) {
    for (auto v : all_versions) {
        EXPECT_EQ(fixed_size<LINEADDRESSCAPS>(v), sizeof(LINEADDRESSCAPS));
        EXPECT_EQ(fixed_size<LINEADDRESSSTATUS>(v), sizeof(LINEADDRESSSTATUS));
        EXPECT_EQ(fixed_size<LINEDEVSTATUS>(v), sizeof(LINEDEVSTATUS));
        EXPECT_EQ(fixed_size<LINECALLSTATUS>(v), sizeof(LINECALLSTATUS));
        EXPECT_EQ(fixed_size<PHONESTATUS>(v), sizeof(PHONESTATUS));
        EXPECT_EQ(fixed_size<PHONEBUTTONINFO>(v), sizeof(PHONEBUTTONINFO));
        EXPECT_EQ(fixed_size<VARSTRING>(v), sizeof(VARSTRING));
        EXPECT_EQ(fixed_size<LINECALLLIST>(v), sizeof(LINECALLLIST));
    }
    EXPECT_EQ(sizeof(VARSTRING), 24u);
    EXPECT_EQ(sizeof(LINECALLSTATUS), 56u);
}

TEST(FixedSize, OutOfRangeVersions) {
    EXPECT_EQ(fixed_size<LINEDEVCAPS>(0x00010004), fixed_size<LINEDEVCAPS>(tapi_version_2_0));
    EXPECT_EQ(fixed_size<LINEDEVCAPS>(0x00040000), sizeof(LINEDEVCAPS));
}

// ---- status / errors

TEST(VarWriter, NullPointerIsInvalPointer) {
    var_writer<LINEDEVCAPS> w(nullptr, fixed_size<LINEDEVCAPS>(tapi_version_3_1));
    EXPECT_FALSE(w.fits_fixed());
    EXPECT_EQ(w.status(), var_status::null_pointer);
    EXPECT_EQ(to_lineerr(w.status()), static_cast<LONG>(LINEERR_INVALPOINTER));
    EXPECT_EQ(to_phoneerr(w.status()), static_cast<LONG>(PHONEERR_INVALPOINTER));
    EXPECT_EQ(w.put_string(&LINEDEVCAPS::dwLineNameSize, &LINEDEVCAPS::dwLineNameOffset, u"x"), 0u);
    w.finish();  // must not crash
}

TEST(VarWriter, TooSmallOnlyBelowFixedPartOfNegotiatedVersion) {
    for (auto v : all_versions) {
        const std::uint32_t fixed = fixed_size<LINEDEVCAPS>(v);
        {
            buffer<LINEDEVCAPS> b(fixed - 1);
            var_writer<LINEDEVCAPS> w(b.get(), fixed);
            EXPECT_EQ(w.status(), var_status::too_small) << std::hex << v;
            EXPECT_EQ(to_lineerr(w.status()), static_cast<LONG>(LINEERR_STRUCTURETOOSMALL));
            w.finish();
            // Nothing written at all: dwTotalSize kept, the rest still the fill pattern.
            EXPECT_EQ(b.field(&LINEDEVCAPS::dwTotalSize), fixed - 1);
            EXPECT_TRUE(
                std::all_of(b.bytes.begin() + 4, b.bytes.end(), [](auto c) { return c == 0xCC; }));
        }
        {
            buffer<LINEDEVCAPS> b(fixed);
            var_writer<LINEDEVCAPS> w(b.get(), fixed);
            EXPECT_TRUE(w.fits_fixed()) << std::hex << v;
            EXPECT_EQ(to_lineerr(w.status()), 0);
        }
    }
    EXPECT_EQ(to_phoneerr(var_status::too_small), static_cast<LONG>(PHONEERR_STRUCTURETOOSMALL));
}

TEST(VarWriter, OldVersionBufferAccepted) {
    // A TAPI 2.0 caller allocating exactly the 2.0 LINEDEVCAPS must succeed, and 3.0 members
    // (which lie beyond its buffer) must never be written.
    const std::uint32_t fixed = fixed_size<LINEDEVCAPS>(tapi_version_2_0);
    buffer<LINEDEVCAPS> b(fixed);
    var_writer<LINEDEVCAPS> w(b.get(), fixed);
    ASSERT_TRUE(w.fits_fixed());
    EXPECT_TRUE(w.has(&LINEDEVCAPS::dwDeviceClassesOffset));
    EXPECT_FALSE(w.has(&LINEDEVCAPS::PermanentLineGuid));
    EXPECT_FALSE(w.has(&LINEDEVCAPS::dwAddressTypes));
    EXPECT_TRUE(w.set(&LINEDEVCAPS::dwNumAddresses, 1u));
    EXPECT_FALSE(w.set(&LINEDEVCAPS::dwAddressTypes, LINEADDRESSTYPE_PHONENUMBER));
    EXPECT_FALSE(w.set(&LINEDEVCAPS::PermanentLineGuid, GUID{1, 2, 3, {4, 5, 6, 7, 8, 9, 10, 11}}));
    w.finish();
    EXPECT_EQ(b.field(&LINEDEVCAPS::dwNumAddresses), 1u);
    EXPECT_EQ(b.field(&LINEDEVCAPS::dwNeededSize), fixed);
    EXPECT_EQ(b.field(&LINEDEVCAPS::dwUsedSize), fixed);
    EXPECT_TRUE(b.guard_intact());
}

TEST(VarWriter, FixedPartZeroedAndTotalSizeKept) {
    buffer<LINEDEVSTATUS> b(1000);
    var_writer<LINEDEVSTATUS> w(b.get(), fixed_size<LINEDEVSTATUS>(tapi_version_3_1));
    ASSERT_TRUE(w.fits_fixed());
    EXPECT_FALSE(w.set(&LINEDEVSTATUS::dwTotalSize, 5u));
    EXPECT_FALSE(w.set(&LINEDEVSTATUS::dwNeededSize, 5u));
    w.finish();
    EXPECT_EQ(b.field(&LINEDEVSTATUS::dwTotalSize), 1000u);
    EXPECT_EQ(b.field(&LINEDEVSTATUS::dwNumOpens), 0u);
    EXPECT_EQ(b.field(&LINEDEVSTATUS::dwDevSpecificOffset), 0u);
    EXPECT_EQ(b.field(&LINEDEVSTATUS::dwNeededSize), sizeof(LINEDEVSTATUS));
    EXPECT_EQ(b.field(&LINEDEVSTATUS::dwUsedSize), sizeof(LINEDEVSTATUS));
    // Bytes after the fixed part are untouched when no variable data is written.
    EXPECT_EQ(b.bytes[sizeof(LINEDEVSTATUS)], 0xCC);
}

// ---- variable fields

TEST(VarWriter, StringLayoutAndExactSizes) {
    const std::uint32_t fixed = sizeof(VARSTRING);  // 24
    buffer<VARSTRING> b(200);
    var_writer<VARSTRING> w(b.get(), fixed);
    w.set(&VARSTRING::dwStringFormat, STRINGFORMAT_UNICODE);
    const auto off = w.put_string(&VARSTRING::dwStringSize, &VARSTRING::dwStringOffset, u"abc");
    w.finish();
    EXPECT_EQ(off, 24u);
    EXPECT_EQ(b.field(&VARSTRING::dwStringFormat), static_cast<DWORD>(STRINGFORMAT_UNICODE));
    EXPECT_EQ(b.field(&VARSTRING::dwStringOffset), 24u);
    EXPECT_EQ(b.field(&VARSTRING::dwStringSize), 8u);  // 3 chars + NUL, 2 bytes each
    EXPECT_EQ(b.string_at(24, 8), std::u16string(u"abc\0", 4));
    EXPECT_EQ(b.field(&VARSTRING::dwNeededSize), 32u);
    EXPECT_EQ(b.field(&VARSTRING::dwUsedSize), 32u);
    EXPECT_EQ(b.field(&VARSTRING::dwTotalSize), 200u);
    EXPECT_TRUE(b.guard_intact());
}

TEST(VarWriter, EmptyStringIsOneTerminator) {
    buffer<VARSTRING> b(100);
    var_writer<VARSTRING> w(b.get(), sizeof(VARSTRING));
    w.put_string(&VARSTRING::dwStringSize, &VARSTRING::dwStringOffset, u"");
    w.finish();
    EXPECT_EQ(b.field(&VARSTRING::dwStringSize), 2u);
    EXPECT_EQ(b.field(&VARSTRING::dwNeededSize), 26u);
}

TEST(VarWriter, FieldsAreFourByteAligned) {
    buffer<LINEDEVCAPS> b(1000);
    var_writer<LINEDEVCAPS> w(b.get(), fixed_size<LINEDEVCAPS>(tapi_version_3_1));
    const auto a = w.put_string(&LINEDEVCAPS::dwProviderInfoSize,
                                &LINEDEVCAPS::dwProviderInfoOffset, u"ab");  // 6 bytes
    const auto c = w.put_string(&LINEDEVCAPS::dwSwitchInfoSize, &LINEDEVCAPS::dwSwitchInfoOffset,
                                u"x");  // 4 bytes
    w.finish();
    EXPECT_EQ(a, 292u);
    EXPECT_EQ(c, 300u);  // 292 + 6 = 298, aligned to 300
    EXPECT_EQ(b.field(&LINEDEVCAPS::dwNeededSize), 304u);
    EXPECT_EQ(b.field(&LINEDEVCAPS::dwUsedSize), 304u);
}

TEST(VarWriter, AllOrNothingAndNeededCountsEverything) {
    // Fixed 24 + "hello" (12 bytes) would need 36; give 30: the string must not be truncated.
    buffer<VARSTRING> b(30);
    var_writer<VARSTRING> w(b.get(), sizeof(VARSTRING));
    const auto off = w.put_string(&VARSTRING::dwStringSize, &VARSTRING::dwStringOffset, u"hello");
    w.finish();
    EXPECT_EQ(off, 0u);
    EXPECT_EQ(b.field(&VARSTRING::dwStringSize), 0u);
    EXPECT_EQ(b.field(&VARSTRING::dwStringOffset), 0u);
    EXPECT_EQ(b.field(&VARSTRING::dwNeededSize), 36u);
    EXPECT_EQ(b.field(&VARSTRING::dwUsedSize), 24u);
    EXPECT_TRUE(std::all_of(b.bytes.begin() + 24, b.bytes.end(), [](auto c) { return c == 0xCC; }));
}

TEST(VarWriter, ExactFitSucceeds) {
    buffer<VARSTRING> b(36);
    var_writer<VARSTRING> w(b.get(), sizeof(VARSTRING));
    EXPECT_EQ(w.put_string(&VARSTRING::dwStringSize, &VARSTRING::dwStringOffset, u"hello"), 24u);
    w.finish();
    EXPECT_EQ(b.field(&VARSTRING::dwNeededSize), 36u);
    EXPECT_EQ(b.field(&VARSTRING::dwUsedSize), 36u);
    EXPECT_TRUE(b.guard_intact());
}

TEST(VarWriter, LaterSmallerFieldStillFits) {
    // LINEDEVCAPS 3.1 fixed = 292. Total 310: a 20-byte field does not fit, a 4-byte one does.
    buffer<LINEDEVCAPS> b(310);
    var_writer<LINEDEVCAPS> w(b.get(), fixed_size<LINEDEVCAPS>(tapi_version_3_1));
    const auto big =
        w.put_string(&LINEDEVCAPS::dwProviderInfoSize, &LINEDEVCAPS::dwProviderInfoOffset,
                     u"provider.");  // 20 bytes
    const auto small =
        w.put_string(&LINEDEVCAPS::dwLineNameSize, &LINEDEVCAPS::dwLineNameOffset, u"L");
    w.finish();
    EXPECT_EQ(big, 0u);
    EXPECT_EQ(small, 292u);
    EXPECT_EQ(b.field(&LINEDEVCAPS::dwProviderInfoSize), 0u);
    EXPECT_EQ(b.field(&LINEDEVCAPS::dwProviderInfoOffset), 0u);
    EXPECT_EQ(b.field(&LINEDEVCAPS::dwLineNameSize), 4u);
    EXPECT_EQ(b.field(&LINEDEVCAPS::dwNeededSize), 292u + 20u + 4u);
    EXPECT_EQ(b.field(&LINEDEVCAPS::dwUsedSize), 296u);
    EXPECT_TRUE(b.guard_intact());
}

TEST(VarWriter, NeverWritesPastOddTotalSize) {
    for (std::uint32_t total = 24; total < 80; ++total) {
        buffer<VARSTRING> b(total);
        var_writer<VARSTRING> w(b.get(), sizeof(VARSTRING));
        w.put_string(&VARSTRING::dwStringSize, &VARSTRING::dwStringOffset,
                     u"0123456789");  // 22 bytes
        w.put_bytes(&VARSTRING::dwStringSize, &VARSTRING::dwStringOffset, "xyz", 3);
        w.finish();
        EXPECT_TRUE(b.guard_intact()) << total;
        EXPECT_LE(b.field(&VARSTRING::dwUsedSize), total);
        EXPECT_EQ(b.field(&VARSTRING::dwNeededSize), 24u + 22u + 2u + 3u);  // 46 -> 48 aligned, +3
    }
}

TEST(VarWriter, HugeTotalSizeDoesNotWrap) {
    // dwTotalSize near 4 GiB with a real 64-byte buffer: we only write what we have data for.
    buffer<VARSTRING> b(64);
    const DWORD huge = 0xFFFFFFFFu;
    std::memcpy(b.bytes.data(), &huge, sizeof huge);
    var_writer<VARSTRING> w(b.get(), sizeof(VARSTRING));
    ASSERT_TRUE(w.fits_fixed());
    w.put_string(&VARSTRING::dwStringSize, &VARSTRING::dwStringOffset, u"ok");
    w.finish();
    EXPECT_EQ(b.field(&VARSTRING::dwTotalSize), 0xFFFFFFFFu);
    EXPECT_EQ(b.field(&VARSTRING::dwUsedSize), 30u);
    EXPECT_TRUE(b.guard_intact());
}

TEST(VarWriter, FixedSizeArgumentIsClamped) {
    buffer<VARSTRING> b(sizeof(VARSTRING));
    var_writer<VARSTRING> w(b.get(), 10'000);  // bigger than sizeof: clamped to sizeof(VARSTRING)
    EXPECT_TRUE(w.fits_fixed());
    EXPECT_EQ(w.fixed_part(), sizeof(VARSTRING));
    var_writer<VARSTRING> w2(b.get(), 0);
    EXPECT_EQ(w2.fixed_part(), 12u);
}

TEST(VarWriter, BytesAndStringList) {
    buffer<LINEDEVCAPS> b(1000);
    var_writer<LINEDEVCAPS> w(b.get(), fixed_size<LINEDEVCAPS>(tapi_version_2_2));
    const std::array<std::u16string_view, 2> classes{u"tapi/line", u"wave"};
    const auto lo = w.put_string_list(&LINEDEVCAPS::dwDeviceClassesSize,
                                      &LINEDEVCAPS::dwDeviceClassesOffset, classes);
    const unsigned char blob[5] = {1, 2, 3, 4, 5};
    const auto bo = w.put_bytes(&LINEDEVCAPS::dwDevSpecificSize, &LINEDEVCAPS::dwDevSpecificOffset,
                                blob, sizeof blob);
    w.finish();
    EXPECT_EQ(lo, 268u);
    EXPECT_EQ(b.field(&LINEDEVCAPS::dwDeviceClassesSize), (9u + 1u + 4u + 1u + 1u) * 2u);  // 32
    EXPECT_EQ(b.string_at(268, 32), std::u16string(u"tapi/line\0wave\0\0", 16));
    EXPECT_EQ(bo, 300u);
    EXPECT_EQ(b.field(&LINEDEVCAPS::dwDevSpecificSize), 5u);
    EXPECT_EQ(std::memcmp(b.bytes.data() + 300, blob, 5), 0);
    EXPECT_EQ(b.field(&LINEDEVCAPS::dwNeededSize), 305u);
    EXPECT_EQ(b.field(&LINEDEVCAPS::dwUsedSize), 305u);
    // 2.2 caller: the 3.0 members after PermanentLineGuid were not written (they hold data now).
    EXPECT_FALSE(w.has(&LINEDEVCAPS::dwAvailableTracking));
}

TEST(VarWriter, EmptyStringListIsDoubleNul) {
    buffer<LINEDEVCAPS> b(1000);
    var_writer<LINEDEVCAPS> w(b.get(), fixed_size<LINEDEVCAPS>(tapi_version_3_1));
    w.put_string_list(&LINEDEVCAPS::dwDeviceClassesSize, &LINEDEVCAPS::dwDeviceClassesOffset, {});
    w.finish();
    EXPECT_EQ(b.field(&LINEDEVCAPS::dwDeviceClassesSize), 4u);
}

TEST(VarWriter, Utf8StringConverted) {
    buffer<VARSTRING> b(100);
    var_writer<VARSTRING> w(b.get(), sizeof(VARSTRING));
    w.put_string_utf8(&VARSTRING::dwStringSize, &VARSTRING::dwStringOffset,
                      "M\xC3\xBCller");  // Müller
    w.finish();
    EXPECT_EQ(b.field(&VARSTRING::dwStringSize), 14u);
    EXPECT_EQ(b.string_at(24, 14), std::u16string(u"M\u00FCller\0", 7));
}

TEST(VarWriter, ZeroLengthBytesAreAbsentField) {
    buffer<VARSTRING> b(100);
    var_writer<VARSTRING> w(b.get(), sizeof(VARSTRING));
    EXPECT_EQ(w.put_bytes(&VARSTRING::dwStringSize, &VARSTRING::dwStringOffset, nullptr, 0), 0u);
    w.finish();
    EXPECT_EQ(b.field(&VARSTRING::dwNeededSize), 24u);
}

TEST(VarWriter, PhoneCapsGuidOnlyFrom22) {
    for (auto v : all_versions) {
        const auto fixed = fixed_size<PHONECAPS>(v);
        buffer<PHONECAPS> b(fixed);
        var_writer<PHONECAPS> w(b.get(), fixed);
        const bool wrote = w.set(&PHONECAPS::PermanentPhoneGuid,
                                 GUID{0xAABBCCDD, 1, 2, {3, 4, 5, 6, 7, 8, 9, 10}});
        w.finish();
        EXPECT_EQ(wrote, v >= tapi_version_2_2);
        EXPECT_TRUE(b.guard_intact());
        EXPECT_EQ(b.field(&PHONECAPS::dwNeededSize), fixed);
    }
}

TEST(VarWriter, WorkedExampleFromDocs) {
    // docs/tapi-compat.md: TAPI 2.2, dwTotalSize 300.
    buffer<LINEDEVCAPS> b(300);
    var_writer<LINEDEVCAPS> w(b.get(), fixed_size<LINEDEVCAPS>(tapi_version_2_2));
    ASSERT_TRUE(w.fits_fixed());
    EXPECT_EQ(w.put_string_utf8(&LINEDEVCAPS::dwProviderInfoSize,
                                &LINEDEVCAPS::dwProviderInfoOffset, "ctigw"),
              268u);
    EXPECT_EQ(w.put_string_utf8(&LINEDEVCAPS::dwLineNameSize, &LINEDEVCAPS::dwLineNameOffset,
                                "Ext 201 M\xC3\xBCller"),
              0u);
    w.finish();
    EXPECT_EQ(b.field(&LINEDEVCAPS::dwProviderInfoSize), 12u);
    EXPECT_EQ(b.field(&LINEDEVCAPS::dwLineNameSize), 0u);
    EXPECT_EQ(b.field(&LINEDEVCAPS::dwLineNameOffset), 0u);
    EXPECT_EQ(b.field(&LINEDEVCAPS::dwNeededSize), 310u);
    EXPECT_EQ(b.field(&LINEDEVCAPS::dwUsedSize), 280u);
    EXPECT_TRUE(b.guard_intact());

    buffer<LINEDEVCAPS> small(260);
    var_writer<LINEDEVCAPS> w2(small.get(), fixed_size<LINEDEVCAPS>(tapi_version_2_2));
    EXPECT_EQ(to_lineerr(w2.status()), static_cast<LONG>(LINEERR_STRUCTURETOOSMALL));
    buffer<LINEDEVCAPS> b3(300);
    var_writer<LINEDEVCAPS> w3(b3.get(), fixed_size<LINEDEVCAPS>(tapi_version_3_0));
    // 3.0 caller, same 300 bytes: the fixed part (292) fits, "ctigw" (292 + 12 = 304) does not.
    EXPECT_EQ(w3.put_string_utf8(&LINEDEVCAPS::dwProviderInfoSize,
                                 &LINEDEVCAPS::dwProviderInfoOffset, "ctigw"),
              0u);
    EXPECT_EQ(w3.put_string_utf8(&LINEDEVCAPS::dwLineNameSize, &LINEDEVCAPS::dwLineNameOffset,
                                 "Ext 201 M\xC3\xBCller"),
              0u);
    w3.finish();
    EXPECT_EQ(b3.field(&LINEDEVCAPS::dwNeededSize), 334u);
    EXPECT_EQ(b3.field(&LINEDEVCAPS::dwUsedSize), 292u);
}

// ---- reading caller-supplied structures

TEST(ReadVar, BoundsChecked) {
    buffer<LINECALLPARAMS> b(sizeof(LINECALLPARAMS) + 16, 0);
    const std::uint32_t fixed = sizeof(LINECALLPARAMS);
    const char16_t text[] = u"201";
    std::memcpy(b.bytes.data() + fixed, text, sizeof text);
    auto s = read_var_string(b.get(), fixed, sizeof text, fixed);
    ASSERT_TRUE(s);
    EXPECT_EQ(*s, u"201");
    EXPECT_FALSE(read_var_string(b.get(), fixed, 8, fixed + 12));  // past dwTotalSize
    EXPECT_FALSE(read_var_string(b.get(), fixed, 8, 4));           // inside the fixed part
    EXPECT_FALSE(read_var_string(b.get(), fixed, 3, fixed));       // odd size
    EXPECT_FALSE(read_var_field(b.get(), fixed, 0xFFFFFFF0u, 0xFFFFFFF0u));  // no wrap-around
    EXPECT_FALSE(read_var_field(nullptr, fixed, 4, fixed));
    auto empty = read_var_field(b.get(), fixed, 0, 0);
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty->empty());
}

TEST(ReadVar, WideView) {
    EXPECT_TRUE(wide_view(nullptr).empty());
    const WCHAR s[] = u"12345";
    EXPECT_EQ(wide_view(s), u"12345");
    EXPECT_EQ(wide_view(s, 3), u"123");
}

// ---- UTF-8 <-> UTF-16

TEST(Utf, AsciiAndBmp) {
    EXPECT_EQ(utf8_to_utf16(""), u"");
    EXPECT_EQ(utf8_to_utf16("Ext 201"), u"Ext 201");
    EXPECT_EQ(utf8_to_utf16("\xE2\x82\xAC"), u"\u20AC");  // €
    EXPECT_EQ(utf16_to_utf8(u"\u20AC"), "\xE2\x82\xAC");
    EXPECT_EQ(utf16_to_utf8(u"M\u00FCller"), "M\xC3\xBCller");
}

TEST(Utf, NonBmpUsesSurrogatePairs) {
    const std::string emoji = "\xF0\x9F\x93\x9E";  // U+1F4DE telephone receiver
    const std::u16string u = utf8_to_utf16(emoji);
    ASSERT_EQ(u.size(), 2u);
    EXPECT_EQ(u[0], 0xD83D);
    EXPECT_EQ(u[1], 0xDCDE);
    EXPECT_EQ(utf16_to_utf8(u), emoji);
    EXPECT_EQ(utf8_to_utf16("\xF4\x8F\xBF\xBF"),
              std::u16string({char16_t(0xDBFF), char16_t(0xDFFF)}));
}

TEST(Utf, InvalidUtf8Replaced) {
    const std::u16string r = u"\uFFFD";
    EXPECT_EQ(utf8_to_utf16("\x80"), r);  // stray continuation
    EXPECT_EQ(utf8_to_utf16("a\xFF"
                            "b"),
              u"a\uFFFDb");                                       // invalid byte
    EXPECT_EQ(utf8_to_utf16("\xC0\xAF"), r + r);                  // overlong: C0 is never valid
    EXPECT_EQ(utf8_to_utf16("\xE0\x80\xAF"), r + r + r);          // overlong 3-byte
    EXPECT_EQ(utf8_to_utf16("\xED\xA0\x80"), r + r + r);          // encoded surrogate
    EXPECT_EQ(utf8_to_utf16("\xF4\x90\x80\x80"), r + r + r + r);  // above U+10FFFF
    EXPECT_EQ(utf8_to_utf16("\xE2\x82"), r);                      // truncated at end: one U+FFFD
    EXPECT_EQ(utf8_to_utf16("\xE2\x82x"), u"\uFFFDx");            // truncated before ASCII
    EXPECT_EQ(utf8_to_utf16("\xF0\x9F\x93"), r);
}

TEST(Utf, UnpairedSurrogatesReplaced) {
    EXPECT_EQ(utf16_to_utf8(std::u16string(1, char16_t(0xD800))), "\xEF\xBF\xBD");
    EXPECT_EQ(utf16_to_utf8(std::u16string(1, char16_t(0xDC00))), "\xEF\xBF\xBD");
    EXPECT_EQ(utf16_to_utf8(std::u16string({char16_t(0xD800), u'a'})),
              "\xEF\xBF\xBD"
              "a");
}

TEST(Utf, RoundTripAllScalarValuesSampled) {
    for (char32_t cp = 1; cp <= 0x10FFFF; cp += 97) {
        if (cp >= 0xD800 && cp <= 0xDFFF) continue;
        std::u16string u;
        if (cp < 0x10000) {
            u.push_back(static_cast<char16_t>(cp));
        } else {
            u.push_back(static_cast<char16_t>(0xD800 + ((cp - 0x10000) >> 10)));
            u.push_back(static_cast<char16_t>(0xDC00 + ((cp - 0x10000) & 0x3FF)));
        }
        ASSERT_EQ(utf8_to_utf16(utf16_to_utf8(u)), u) << std::hex << static_cast<std::uint32_t>(cp);
    }
}

}  // namespace
}  // namespace ctigw::tsp
