/**
 * @file
 * Prototypes of the TSPI_* / TUISPI_* functions ctigw.tsp exports.
 *
 * On Windows, <tspi.h> (pulled in by ctigw/tsp/tapi.hpp) declares them. Elsewhere this header
 * declares them with C linkage and the same signatures, so the Linux build of the provider
 * (libctigw-tsp.so) exports the same symbols the TAPISRV stand-in host looks up by name.
 */
#pragma once

#include "ctigw/tsp/tapi.hpp"

#if !defined(_WIN32)
extern "C" {
#include "ctigw/tsp/tapi/tspi_prototypes.h"
}
#endif
