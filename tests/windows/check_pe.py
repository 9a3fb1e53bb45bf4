#!/usr/bin/env python3
"""Checks the PE import and export tables of ctigw.tsp (read with mingw's objdump -p).

  check_pe.py --objdump OBJDUMP --dll ctigw.tsp --def tsp/ctigw.def --mapping docs/tspi-mapping.md
  check_pe.py --objdump OBJDUMP --dll tool.exe --imports-only   (a tool: imports only)
  check_pe.py --self-test   (proves the checks reject a bad DLL, on canned objdump output)

Imports: only DLLs that every Windows installation has (no mingw runtime, no OpenSSL DLL: those
are linked statically). Exports: exactly the TSPI_/TUISPI_ functions listed in docs/tspi-mapping.md's
"Exports of ctigw.tsp" section (itself checked against the tables' rows), exactly the names in
tsp/ctigw.def, nothing else (no C++ symbols, no OpenSSL).
"""
import argparse
import re
import subprocess
import sys

# Windows system DLLs ctigw.tsp may import (lower case). msvcrt.dll is the system C runtime that
# mingw-w64 targets; it ships with every Windows since 2000.
SYSTEM_DLLS = {
    "kernel32.dll", "advapi32.dll", "user32.dll", "gdi32.dll", "comctl32.dll", "comdlg32.dll",
    "shell32.dll", "shlwapi.dll", "ole32.dll", "ws2_32.dll", "mswsock.dll", "crypt32.dll",
    "bcrypt.dll", "secur32.dll", "iphlpapi.dll", "msvcrt.dll", "ntdll.dll", "userenv.dll",
}


def parse_objdump(text):
    """(imported DLL names, exported names) from `objdump -p` output."""
    imports = re.findall(r"^\s*DLL Name:\s*(\S+)", text, re.M)
    exports = []
    m = re.search(r"\[Ordinal/Name Pointer\] Table\n(.*?)(?:\n\s*\n|\Z)", text, re.S)
    if m:
        for line in m.group(1).splitlines():
            n = re.match(r"\s*\[\s*\d+\]\s+(\S+)", line)
            if n:
                exports.append(n.group(1))
    return imports, exports


EXPORTS_HEADING = "## Exports of ctigw.tsp"


def documented_exports(mapping_text):
    """The names listed under the '## Exports of ctigw.tsp' heading, after checking that the
    tables agree: every full name in a row marked 'yes' is listed, and every listed name has a
    table row (rows may abbreviate: 'TSPI_phoneOpen / phoneClose', 'lineHold / lineUnhold')."""
    if EXPORTS_HEADING not in mapping_text:
        raise ValueError(f"docs/tspi-mapping.md has no '{EXPORTS_HEADING}' section")
    section = mapping_text.split(EXPORTS_HEADING, 1)[1]
    section = re.split(r"\n## ", section, 1)[0]
    listed = set(re.findall(r"\bT(?:UI)?SPI_\w+", section))
    rows = [line for line in mapping_text.splitlines() if line.lstrip().startswith("|")]
    problems = []
    for line in rows:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[1].lower().startswith("yes"):
            for name in re.findall(r"\bT(?:UI)?SPI_\w+", cells[0]):
                if name not in listed:
                    problems.append(f"{name} is marked 'yes' in a table but not listed under '{EXPORTS_HEADING}'")
    first_cells = " ".join(line.strip().strip("|").split("|")[0] for line in rows)
    for name in sorted(listed):
        short = name.split("_", 1)[1]
        if not re.search(r"(?<![A-Za-z])" + re.escape(short) + r"\b", first_cells):
            problems.append(f"{name} is listed under '{EXPORTS_HEADING}' but has no table row")
    return listed, problems


def def_exports(def_text):
    names, in_exports = set(), False
    for raw in def_text.splitlines():
        line = raw.split(";", 1)[0].strip()
        if not line:
            continue
        if line.upper() == "EXPORTS":
            in_exports = True
            continue
        if in_exports:
            names.add(line.split()[0])
    return names


def check_imports(imports, allowed=()):
    problems = []
    for dll in imports:
        if dll.lower() not in SYSTEM_DLLS and dll.lower() not in allowed:
            problems.append(f"imports {dll}, which is not a Windows system DLL")
    if not imports:
        problems.append("no import table found (is this a PE file?)")
    return problems


def check(imports, exports, documented, from_def):
    problems = check_imports(imports)
    got = set(exports)
    if len(got) != len(exports):
        problems.append("duplicate export names")
    for name in sorted(got - documented):
        problems.append(f"exports {name}, which docs/tspi-mapping.md does not mark as exported")
    for name in sorted(documented - got):
        problems.append(f"does not export {name}, which docs/tspi-mapping.md marks as exported")
    if from_def != documented:
        for name in sorted(from_def ^ documented):
            problems.append(f"ctigw.def and docs/tspi-mapping.md disagree about {name}")
    return problems


SELF_TEST_OBJDUMP = """
The Import Tables (interpreted .idata section contents)
\tDLL Name: KERNEL32.dll
\tDLL Name: libstdc++-6.dll
\tDLL Name: libcrypto-3-x64.dll

[Ordinal/Name Pointer] Table
\t[   0] TSPI_lineOpen
\t[   1] TSPI_providerInit
\t[   2] _ZN5ctigw3tsp8provider4initEv
"""


def self_test():
    imports, exports = parse_objdump(SELF_TEST_OBJDUMP)
    assert imports == ["KERNEL32.dll", "libstdc++-6.dll", "libcrypto-3-x64.dll"], imports
    assert exports == ["TSPI_lineOpen", "TSPI_providerInit", "_ZN5ctigw3tsp8provider4initEv"], exports
    mapping = ("| TSPI_lineOpen / lineClose | yes (S) | x |\n| TSPI_providerInit | yes (S) | x |\n"
               "| TSPI_lineAccept | no | x |\n| TSPI_lineDrop | yes | x |\n"
               "## Exports of ctigw.tsp\n`TSPI_lineOpen` `TSPI_lineClose` `TSPI_providerInit` `TSPI_phoneOpen`\n"
               "## Next\n`TSPI_lineMakeCall`\n")
    documented, doc_problems = documented_exports(mapping)
    assert documented == {"TSPI_lineOpen", "TSPI_lineClose", "TSPI_providerInit", "TSPI_phoneOpen"}, documented
    assert any("TSPI_lineDrop is marked 'yes'" in p for p in doc_problems), doc_problems
    assert any("TSPI_phoneOpen is listed" in p for p in doc_problems), doc_problems
    assert len(doc_problems) == 2, doc_problems
    documented = {"TSPI_lineOpen", "TSPI_providerInit", "TSPI_lineClose"}
    problems = check(imports, exports, documented, {"TSPI_lineOpen", "TSPI_providerInit"})
    expected = ["libstdc++-6.dll", "libcrypto-3-x64.dll", "_ZN5ctigw3tsp8provider4initEv",
                "does not export TSPI_lineClose", "disagree about TSPI_lineClose"]
    for e in expected:
        assert any(e in p for p in problems), f"self-test: '{e}' not reported in {problems}"
    assert not check(["KERNEL32.dll"], ["TSPI_lineOpen"], {"TSPI_lineOpen"}, {"TSPI_lineOpen"})
    print(f"OK: self-test, {len(problems)} deliberate problems reported")
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--objdump")
    ap.add_argument("--dll")
    ap.add_argument("--def", dest="def_file")
    ap.add_argument("--mapping")
    ap.add_argument("--imports-only", action="store_true")
    # A TAPI application (ctigw-acdproxy) may import tapi32.dll; the provider never may.
    ap.add_argument("--allow", action="append", default=[], help="another DLL this file may import")
    ap.add_argument("--self-test", action="store_true")
    a = ap.parse_args()
    if a.self_test:
        return self_test()
    text = subprocess.run([a.objdump, "-p", a.dll], check=True, capture_output=True, text=True).stdout
    imports, exports = parse_objdump(text)
    if a.imports_only:
        problems = check_imports(imports, [d.lower() for d in a.allow])
        for p in problems:
            print(f"FAIL: {a.dll}: {p}")
        if not problems:
            print(f"OK: {a.dll} imports only {', '.join(sorted(set(imports)))}")
        return 1 if problems else 0
    with open(a.mapping, encoding="utf-8") as f:
        documented, problems = documented_exports(f.read())
    with open(a.def_file, encoding="utf-8") as f:
        from_def = def_exports(f.read())
    problems += check(imports, exports, documented, from_def)
    for p in problems:
        print(f"FAIL: {a.dll}: {p}")
    if problems:
        return 1
    print(f"OK: {a.dll} imports only {', '.join(sorted(set(imports)))}")
    print(f"OK: {a.dll} exports exactly the {len(exports)} functions of docs/tspi-mapping.md and ctigw.def")
    return 0


if __name__ == "__main__":
    sys.exit(main())
