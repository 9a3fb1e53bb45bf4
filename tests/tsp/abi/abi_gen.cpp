// Generates a C file of _Static_asserts describing OUR non-Windows TAPI header (sizes, alignments,
// member offsets and sizes, constant values/types, declared TSPI functions). run_abi_check.sh
// compiles that file with the mingw-w64 cross compiler against the REAL <windows.h>, <tapi.h>,
// <tspi.h> for Windows x64: it compiles iff our header matches.
//
// Usage: abi_gen <out.c> [--corrupt]
//   --corrupt  deliberately emits a few wrong facts; used by the test that proves a mismatch is
//              detected (the compile must fail).
#include "ctigw/tsp/tspi_exports.hpp"

#include "abi_table.hpp"

#include <cstddef>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <algorithm>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace {

struct member_info {
    std::string name;
    std::size_t offset;
    std::size_t size;
    bool arm = false;  ///< first member of a union arm: tiling restarts at the union's start
};

struct struct_info {
    std::string name;
    std::size_t size;
    std::size_t align;
    bool packed;
    std::vector<member_info> members;
};

struct counts {
    std::size_t types = 0;
    std::size_t structs = 0;
    std::size_t members = 0;
    std::size_t constants = 0;
    std::size_t functions = 0;
    std::size_t asserts = 0;
};

class emitter {
  public:
    explicit emitter(bool corrupt) : corrupt_(corrupt) {}

    void check(const std::string& expr, const std::string& what) {
        out_ << "_Static_assert(" << expr << ", \"" << what << "\");\n";
        ++n_.asserts;
    }

    template <class T>
    void add_type(const char* name) {
        ++n_.types;
        check("sizeof(" + std::string(name) + ") == " + std::to_string(sizeof(T)),
              std::string("sizeof ") + name);
        check("_Alignof(" + std::string(name) + ") == " + std::to_string(alignof(T)),
              std::string("alignof ") + name);
        if constexpr (std::is_integral_v<T>) {
            const bool is_signed = std::is_signed_v<T>;
            check("(((" + std::string(name) + ")-1) < ((" + std::string(name) +
                      ")0)) == " + (is_signed ? "1" : "0"),
                  std::string("signedness ") + name);
        } else {
            check("!__builtin_types_compatible_p(" + std::string(name) + ", float)",
                  std::string("declared ") + name);
        }
    }

    void begin_struct(const char* name, std::size_t size, std::size_t align, bool packed) {
        structs_.push_back({name, size, align, packed, {}});
    }

    void add_member(const char* name, std::size_t offset, std::size_t size, bool arm = false) {
        structs_.back().members.push_back({name, offset, size, arm});
    }

    template <class V>
    void constant(const char* name, V value) {
        ++n_.constants;
        static_assert(std::is_integral_v<V>);
        std::string lit;
        if constexpr (std::is_signed_v<V>) {
            long long v = static_cast<long long>(value);
            if (corrupt_ && std::strcmp(name, "LINECALLSTATE_CONNECTED") == 0) ++v;
            lit = "(" + std::to_string(v) + "LL)";
        } else {
            unsigned long long v = static_cast<unsigned long long>(value);
            if (corrupt_ && std::strcmp(name, "LINEERR_STRUCTURETOOSMALL") == 0) ++v;
            lit = std::to_string(v) + "ULL";
        }
        const std::string n(name);
        check("(" + n + ") == " + lit, "value " + n);
        check("sizeof(" + n + ") == " + std::to_string(sizeof(V)), "type size " + n);
        check("(((__typeof__(" + n + "))-1) < ((__typeof__(" + n +
                  "))0)) == " + (std::is_signed_v<V> ? "1" : "0"),
              "signedness " + n);
    }

    void function(const char* name) {
        ++n_.functions;
        functions_.push_back(name);
    }

    void pointer(const char* name) {
        check("sizeof(" + std::string(name) + ") == 8", std::string("pointer ") + name);
    }

    /// Validates the table (members must tile each structure) and emits the structure asserts.
    bool emit_structs() {
        bool ok = true;
        for (auto& s : structs_) {
            ++n_.structs;
            std::size_t expected = 0;
            std::size_t end = 0;  // the furthest member end: a union is as long as its longest arm
            std::optional<std::size_t> union_start;
            for (const auto& m : s.members) {
                ++n_.members;
                if (m.arm) {
                    if (!union_start) union_start = expected;
                    expected = *union_start;
                }
                if (s.packed ? m.offset != expected : m.offset < expected) {
                    std::cerr << "abi_table: " << s.name << "." << m.name << " at offset "
                              << m.offset << ", expected " << expected
                              << " (member missing from or out of order in abi_table.hpp?)\n";
                    ok = false;
                }
                expected = m.offset + m.size;
                end = std::max(end, expected);
            }
            const bool tail_ok = s.packed ? end == s.size : end <= s.size;
            if (!tail_ok) {
                std::cerr << "abi_table: " << s.name << " members end at " << end
                          << " but sizeof is " << s.size
                          << " (member missing from abi_table.hpp?)\n";
                ok = false;
            }
            std::size_t size = s.size;
            if (corrupt_ && s.name == "LINEDEVCAPS") size += 4;
            check("sizeof(" + s.name + ") == " + std::to_string(size), "sizeof " + s.name);
            check("_Alignof(" + s.name + ") == " + std::to_string(s.align), "alignof " + s.name);
            for (const auto& m : s.members) {
                std::size_t off = m.offset;
                if (corrupt_ && s.name == "LINECALLINFO" && m.name == "dwCallID") off += 4;
                check("offsetof(" + s.name + ", " + m.name + ") == " + std::to_string(off),
                      "offsetof " + s.name + "." + m.name);
                check("sizeof(((" + s.name + "*)0)->" + m.name + ") == " + std::to_string(m.size),
                      "member size " + s.name + "." + m.name);
            }
        }
        return ok;
    }

    std::string text() const {
        std::ostringstream f;
        f << "/* Generated by tests/tsp/abi/abi_gen.cpp from ctigw's non-Windows TAPI header. */\n"
          << "/* Compile for x86_64-w64-mingw32: it compiles iff that header matches the real one. "
             "*/\n"
          << "#define TAPI_CURRENT_VERSION 0x00030001\n"
          << "#include <windows.h>\n#include <tapi.h>\n#include <tspi.h>\n#include <stddef.h>\n\n"
          << out_.str() << "\n/* Every function we declare is declared by tspi.h ... */\n"
          << "static void ctigw_abi_functions_declared(void) __attribute__((unused));\n"
          << "static void ctigw_abi_functions_declared(void) {\n";
        for (const auto& fn : functions_) f << "    (void)&" << fn << ";\n";
        f << "}\n/* ... with exactly our signature (a mismatch is a conflicting-types error). */\n"
          << "#include \"ctigw/tsp/tapi/tspi_prototypes.h\"\n";
        return f.str();
    }

    const counts& stats() const { return n_; }

  private:
    bool corrupt_;
    std::ostringstream out_;
    std::vector<struct_info> structs_;
    std::vector<std::string> functions_;
    counts n_;
};

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: abi_gen <out.c> [--corrupt]\n";
        return 2;
    }
    const bool corrupt = argc > 2 && std::strcmp(argv[2], "--corrupt") == 0;
    emitter e(corrupt);

#define T(ty) e.add_type<ty>(#ty);
    CTIGW_ABI_TYPES(T)
#undef T

#define S(ty, pk) e.begin_struct(#ty, sizeof(ty), alignof(ty), (pk) != 0);
#define M(ty, mem) e.add_member(#mem, offsetof(ty, mem), sizeof(std::declval<ty&>().mem));
#define U(ty, mem) e.add_member(#mem, offsetof(ty, mem), sizeof(std::declval<ty&>().mem), true);
    CTIGW_ABI_STRUCTS(S, M, U)
#undef S
#undef M
#undef U

#define P(ty) e.pointer(#ty);
    CTIGW_ABI_STRUCT_POINTERS(P)
#undef P

    // Generated at configure time from every #define in ctigw/tsp/tapi/constants.hpp and every
    // declaration in ctigw/tsp/tapi/tspi_prototypes.h: nothing our header defines is left out.
#define C(name) e.constant(#name, (name));
#define F(name) e.function(#name);
#include "abi_constants.inc"
#include "abi_functions.inc"
#undef C
#undef F

    if (!e.emit_structs()) return 1;

    std::ofstream out(argv[1], std::ios::binary);
    out << e.text();
    if (!out) {
        std::cerr << "abi_gen: cannot write " << argv[1] << "\n";
        return 1;
    }
    const auto& n = e.stats();
    std::cout << "abi_gen: " << n.structs << " structures, " << n.members << " members, " << n.types
              << " types, " << n.constants << " constants, " << n.functions << " functions, "
              << n.asserts << " assertions -> " << argv[1]
              << (corrupt ? " (corrupted on purpose)" : "") << "\n";
    return 0;
}
