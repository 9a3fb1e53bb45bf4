# VERSIONINFO resources for the Windows binaries: Explorer, Get-Item's VersionInfo and Windows
# Installer read them (an MSI upgrade replaces a versioned file only with a higher version).
# File and product version = PROJECT_VERSION + "." + CTIGW_BUILD_NUMBER (CI sets the build number;
# a resource version has four 16-bit fields, hence the range check).
set(CTIGW_BUILD_NUMBER 0 CACHE STRING "Fourth field of the Windows file and product versions")
if(NOT CTIGW_BUILD_NUMBER MATCHES "^[0-9]+$" OR CTIGW_BUILD_NUMBER GREATER 65535)
  message(FATAL_ERROR "CTIGW_BUILD_NUMBER must be a number from 0 to 65535 (got '${CTIGW_BUILD_NUMBER}')")
endif()
# Included from the top-level CMakeLists: PROJECT_VERSION_* are ctigw's own here, even when ctigw is
# built as a subproject.
set(CTIGW_VERSION_INFO_DOTS
    "${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR}.${PROJECT_VERSION_PATCH}.${CTIGW_BUILD_NUMBER}")
if(WIN32)
  enable_language(RC)  # windres with mingw (the toolchain file names it), rc.exe with MSVC
endif()

# ctigw_add_version_info(<target> DESCRIPTION "<text>"): adds a VERSIONINFO resource to an
# executable or DLL target; FILETYPE from the target's type, OriginalFilename its real output name
# (ctigw.tsp, not ctigw-tsp.dll). Does nothing outside Windows.
function(ctigw_add_version_info target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "DESCRIPTION" "")
  if(NOT arg_DESCRIPTION OR arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "ctigw_add_version_info(${target} DESCRIPTION \"<text>\")")
  endif()
  if(NOT WIN32)
    return()
  endif()
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "EXECUTABLE")
    set(CTIGW_VI_FILETYPE VFT_APP)
  elseif(type STREQUAL "SHARED_LIBRARY" OR type STREQUAL "MODULE_LIBRARY")
    set(CTIGW_VI_FILETYPE VFT_DLL)
  else()
    message(FATAL_ERROR "ctigw_add_version_info: ${target} is a ${type}, not an EXE or a DLL")
  endif()
  string(REPLACE "." "," CTIGW_VI_COMMAS "${CTIGW_VERSION_INFO_DOTS}")
  set(CTIGW_VI_DOTS "${CTIGW_VERSION_INFO_DOTS}")
  string(REPLACE "\"" "\"\"" CTIGW_VI_DESCRIPTION "${arg_DESCRIPTION}")  # RC's quote escape
  # The names as generator expressions, evaluated at generate time: OUTPUT_NAME, PREFIX and
  # SUFFIX may be set after this call.
  set(CTIGW_VI_FILENAME "$<TARGET_FILE_NAME:${target}>")
  set(CTIGW_VI_INTERNAL "$<TARGET_FILE_BASE_NAME:${target}>")
  set(configured ${CMAKE_CURRENT_BINARY_DIR}/${target}_version.rc.in)
  set(rc ${CMAKE_CURRENT_BINARY_DIR}/${target}_version.rc)
  configure_file(${CMAKE_CURRENT_FUNCTION_LIST_DIR}/version.rc.in ${configured} @ONLY)
  file(GENERATE OUTPUT ${rc} INPUT ${configured})
  target_sources(${target} PRIVATE ${rc})
endfunction()
