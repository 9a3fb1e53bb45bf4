#!/usr/bin/env python3
"""Checks the PE import and export tables of ctigw.tsp (read with mingw's objdump -p), and the
VERSIONINFO resource of each Windows binary.

  check_pe.py --objdump OBJDUMP --dll ctigw.tsp --def tsp/ctigw.def --mapping docs/tspi-mapping.md
  check_pe.py --objdump OBJDUMP --dll tool.exe --imports-only   (a tool: imports only)
  check_pe.py --dll ctigw.tsp --version 0.1.0.0 --product ctigw --original-name ctigw.tsp
  check_pe.py --self-test   (proves the checks reject a bad DLL, on canned objdump output and
                             canned version resources)

Imports: only DLLs that every Windows installation has (no mingw runtime, no OpenSSL DLL: those
are linked statically). Exports: exactly the TSPI_/TUISPI_ functions listed in docs/tspi-mapping.md's
"Exports of ctigw.tsp" section (itself checked against the tables' rows), exactly the names in
tsp/ctigw.def, nothing else (no C++ symbols, no OpenSSL).

Version: Windows Installer replaces a versioned file only with a higher version, and Explorer and
Get-Item show what is installed, so every binary must carry VS_VERSIONINFO with the build's version
in both the fixed part (what MSI compares) and the strings (what people read), the product name,
its real file name and a FILETYPE that matches the PE header (DLL or application).
"""
import argparse
import os
import re
import struct
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


VS_KEY = "VS_VERSION_INFO\0".encode("utf-16-le")
FIXED_SIGNATURE = 0xFEEF04BD
VFT_APP, VFT_DLL = 1, 2
IMAGE_FILE_DLL = 0x2000
# StringFileInfo values every binary must have (non-empty).
REQUIRED_STRINGS = ("CompanyName", "FileDescription", "FileVersion", "InternalName",
                    "LegalCopyright", "OriginalFilename", "ProductName", "ProductVersion")


def _align4(base, pos):
    return base + ((pos - base + 3) & ~3)


# Depth of the String blocks: VS_VERSION_INFO > StringFileInfo > StringTable ("040904B0") > String.
# Known by depth, not by wType: resource compilers mark StringFileInfo and StringTable as text too.
STRING_DEPTH = 3


def _parse_block(data, off, base, depth=0):
    """(key, value bytes, children, end) of one version block: wLength, wValueLength, wType,
    the key (UTF-16LE, NUL-terminated), padding, the value, padding, the child blocks."""
    length, value_len, _ = struct.unpack_from("<HHH", data, off)
    end = off + length
    if length < 6 or end > len(data):
        raise ValueError("version block runs past the end of the file")
    pos = off + 6
    key_end = pos
    while key_end + 1 < end and data[key_end:key_end + 2] != b"\0\0":
        key_end += 2
    key = data[pos:key_end].decode("utf-16-le")
    pos = _align4(base, key_end + 2)
    if depth == STRING_DEPTH:
        # A string: to the block's end, up to its NUL (compilers disagree whether wValueLength
        # counts characters or bytes).
        raw = data[pos:end]
        value = raw.decode("utf-16-le", "replace").split("\0", 1)[0].encode("utf-16-le")
        return key, value, [], end
    value = data[pos:pos + value_len]
    pos = _align4(base, pos + value_len)
    children = []
    while pos + 6 <= end:
        child = _parse_block(data, pos, base, depth + 1)
        children.append(child)
        if child[3] <= pos:
            break
        pos = _align4(base, child[3])
    return key, value, children, end


def _version_tuple(ms, ls):
    return (ms >> 16, ms & 0xFFFF, ls >> 16, ls & 0xFFFF)


def parse_version_info(data):
    """The first VS_VERSIONINFO in a PE file's bytes (found by its key, checked by the
    VS_FIXEDFILEINFO signature), as {"file_version", "product_version", "file_type", "strings"};
    None when there is none."""
    start = 0
    while True:
        at = data.find(VS_KEY, start)
        if at < 0:
            return None
        start = at + 2
        off = at - 6
        if off < 0:
            continue
        try:
            key, value, children, _ = _parse_block(data, off, off)
        except (ValueError, struct.error):
            continue
        if key != "VS_VERSION_INFO" or len(value) < 52:
            continue
        fixed = struct.unpack_from("<13I", value)
        if fixed[0] != FIXED_SIGNATURE:
            continue
        strings = {}
        for name, _, tables, _ in children:
            if name == "StringFileInfo":
                for _, _, entries, _ in tables:
                    for k, v, _, _ in entries:
                        strings.setdefault(k, v.decode("utf-16-le"))
        return {"file_version": _version_tuple(fixed[2], fixed[3]),
                "product_version": _version_tuple(fixed[4], fixed[5]),
                "file_type": fixed[9], "strings": strings}


def pe_is_dll(data):
    """IMAGE_FILE_DLL of the COFF header; None when this is not a PE file."""
    if data[:2] != b"MZ" or len(data) < 0x40:
        return None
    pe = struct.unpack_from("<I", data, 0x3C)[0]
    if data[pe:pe + 4] != b"PE\0\0":
        return None
    return bool(struct.unpack_from("<H", data, pe + 22)[0] & IMAGE_FILE_DLL)


def check_version(data, version, product, original_name):
    """Problems with the version resource of a PE file's bytes (empty list: all good)."""
    info = parse_version_info(data)
    if info is None:
        return ["no VERSIONINFO resource (VS_VERSION_INFO with a VS_FIXEDFILEINFO)"]
    problems = []
    want = tuple(int(x) for x in version.split("."))
    for field in ("file_version", "product_version"):
        got = info[field]
        if got != want:
            problems.append(f"fixed {field} is {'.'.join(map(str, got))}, expected {version}")
    strings = info["strings"]
    for k in REQUIRED_STRINGS:
        if not strings.get(k):
            problems.append(f"no {k} string")
    for k, expected in (("FileVersion", version), ("ProductVersion", version),
                        ("ProductName", product), ("OriginalFilename", original_name)):
        if expected is not None and k in strings and strings[k] != expected:
            problems.append(f"{k} is '{strings[k]}', expected '{expected}'")
    is_dll = pe_is_dll(data)
    if is_dll is None:
        problems.append("not a PE file")
    else:
        expected_type = VFT_DLL if is_dll else VFT_APP
        if info["file_type"] != expected_type:
            problems.append(f"FILETYPE is {info['file_type']}, expected {expected_type} "
                            f"({'VFT_DLL' if is_dll else 'VFT_APP'}: the PE header says "
                            f"{'DLL' if is_dll else 'executable'})")
    return problems


def _block(key, value=b"", children=(), text=False):
    """A version block as windres writes it (self-test input): text=True for StringFileInfo, the
    StringTable and the Strings (wType 1, wValueLength in characters)."""
    head_len = 6 + len((key + "\0").encode("utf-16-le"))
    out = bytearray(struct.pack("<HHH", 0, len(value) // 2 if text else len(value), 1 if text else 0))
    out += (key + "\0").encode("utf-16-le")
    out += b"\0" * (-head_len % 4)
    out += value
    for child in children:
        out += b"\0" * (-len(out) % 4)
        out += child
    struct.pack_into("<H", out, 0, len(out))
    return bytes(out)


def canned_pe(version=(0, 1, 0, 0), strings=None, file_type=VFT_DLL, dll=True, resource=True):
    """A minimal PE image (MZ stub, PE signature, COFF header) with a version resource after it."""
    head = bytearray(0x40 + 24)
    head[:2] = b"MZ"
    struct.pack_into("<I", head, 0x3C, 0x40)
    head[0x40:0x44] = b"PE\0\0"
    struct.pack_into("<HH", head, 0x44, 0x8664, 1)
    struct.pack_into("<H", head, 0x40 + 22, 0x2022 if dll else 0x0022)
    if not resource:
        return bytes(head) + b"\0" * 64
    ms, ls = (version[0] << 16) | version[1], (version[2] << 16) | version[3]
    fixed = struct.pack("<13I", FIXED_SIGNATURE, 0x10000, ms, ls, ms, ls, 0x3F, 0, 0x40004,
                        file_type, 0, 0, 0)
    if strings is None:
        dots = ".".join(map(str, version))
        strings = {"CompanyName": "ctigw project", "FileDescription": "test",
                   "FileVersion": dots, "InternalName": "ctigw", "LegalCopyright": "(c)",
                   "OriginalFilename": "ctigw.tsp", "ProductName": "ctigw", "ProductVersion": dots}
    entries = [_block(k, (v + "\0").encode("utf-16-le"), text=True) for k, v in strings.items()]
    table = _block("040904B0", children=entries, text=True)
    translation = _block("VarFileInfo",
                         children=[_block("Translation", struct.pack("<HH", 0x409, 1200))])
    root = _block("VS_VERSION_INFO", fixed,
                  [_block("StringFileInfo", children=[table], text=True), translation])
    return bytes(head) + b"\0" * (-len(head) % 4) + root


def self_test_version():
    """The version check accepts a good resource and rejects each fault; returns the number of
    deliberate problems reported."""
    args = ("0.1.0.0", "ctigw", "ctigw.tsp")
    good = canned_pe()
    info = parse_version_info(good)
    assert info and info["file_version"] == (0, 1, 0, 0), info
    good_strings = info["strings"]
    assert good_strings["OriginalFilename"] == "ctigw.tsp", info
    assert not check_version(good, *args), check_version(good, *args)
    # The fourth field is the build number (CTIGW_BUILD_NUMBER): read, not assumed 0.
    assert not check_version(canned_pe((0, 1, 0, 7)), "0.1.0.7", "ctigw", "ctigw.tsp")
    bad = {
        "no VERSIONINFO": canned_pe(resource=False),
        "fixed file_version is 0.2.0.0": canned_pe((0, 2, 0, 0)),
        "ProductName is 'other'": canned_pe(strings={**good_strings, "ProductName": "other"}),
        "FileVersion is '0.1.0.1'": canned_pe(strings={**good_strings, "FileVersion": "0.1.0.1"}),
        "OriginalFilename is 'ctigw-tsp.dll'": canned_pe(
            strings={**good_strings, "OriginalFilename": "ctigw-tsp.dll"}),
        "no LegalCopyright": canned_pe(
            strings={k: v for k, v in good_strings.items() if k != "LegalCopyright"}),
        "FILETYPE is 1, expected 2": canned_pe(file_type=VFT_APP),
        "FILETYPE is 2, expected 1": canned_pe(dll=False),
    }
    reported = 0
    for expected, data in bad.items():
        problems = check_version(data, *args)
        assert any(expected in p for p in problems), f"self-test: '{expected}' not reported in {problems}"
        reported += len(problems)
    return reported


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
    version_problems = self_test_version()
    print(f"OK: self-test, {len(problems)} deliberate PE table problems and {version_problems} "
          "deliberate version resource problems reported")
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
    ap.add_argument("--version", help="X.Y.Z.W: check the VERSIONINFO resource (no objdump needed)")
    ap.add_argument("--product", help="with --version: the expected ProductName")
    ap.add_argument("--original-name", help="with --version: the expected OriginalFilename")
    ap.add_argument("--self-test", action="store_true")
    a = ap.parse_args()
    if a.self_test:
        return self_test()
    if a.version:
        if not re.fullmatch(r"\d+\.\d+\.\d+\.\d+", a.version):
            ap.error("--version takes four numbers, X.Y.Z.W")
        with open(a.dll, "rb") as f:
            data = f.read()
        problems = check_version(data, a.version, a.product, a.original_name)
        for p in problems:
            print(f"FAIL: {a.dll}: {p}")
        if problems:
            return 1
        info = parse_version_info(data)
        print(f"OK: {os.path.basename(a.dll)}: version {a.version}, "
              + ", ".join(f"{k} '{v}'" for k, v in sorted(info["strings"].items())))
        return 0
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
