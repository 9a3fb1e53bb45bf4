# Cross-build for Windows x64 with Debian's mingw-w64 (posix thread model: std::thread and
# std::mutex come from winpthreads, linked statically like libgcc and libstdc++, so ctigw.tsp
# needs no mingw runtime DLL next to it).
#
#   cmake -S . -B build-win -G Ninja \
#     -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/mingw-w64-x86_64.cmake \
#     -DCTIGW_WIN_DEPS=$(scripts/win-deps)
# `make win` does this. CTIGW_WIN_DEPS holds what Debian has no mingw package for
# (scripts/win-deps: OpenSSL and simdjson from Debian's source packages, header-only libraries).
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(_triple x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${_triple}-gcc-posix)
set(CMAKE_CXX_COMPILER ${_triple}-g++-posix)
set(CMAKE_RC_COMPILER ${_triple}-windres)
set(CMAKE_AR ${_triple}-ar CACHE FILEPATH "")
set(CMAKE_RANLIB ${_triple}-ranlib CACHE FILEPATH "")

set(CMAKE_CXX_FLAGS_RELEASE_INIT "-O2 -DNDEBUG")
set(CMAKE_C_FLAGS_RELEASE_INIT "-O2 -DNDEBUG")
# GCC 12 reports a bogus -Wrestrict inside libstdc++'s `"literal" + std::string&&` (GCC PR 105329,
# fixed in 13); with -Werror it stops the build. An explicit -Wno-* wins over -Wall.
set(CMAKE_CXX_FLAGS_INIT "-Wno-restrict")

set(CMAKE_FIND_ROOT_PATH /usr/${_triple})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Static runtime: libgcc, libstdc++ and winpthread inside the DLL/EXE.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -static-libgcc -static-libstdc++")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-static -static-libgcc -static-libstdc++")
# Release binaries without their symbol table (ctigw.tsp: 17 MB → a few MB); the build tree's
# RelWithDebInfo keeps them for debugging.
set(CMAKE_SHARED_LINKER_FLAGS_RELEASE_INIT "-s")
set(CMAKE_EXE_LINKER_FLAGS_RELEASE_INIT "-s")

# Tests of the cross-build run under Wine.
find_program(CTIGW_WINE NAMES wine wine64)
if(CTIGW_WINE)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${CTIGW_WINE})
endif()
