#!/usr/bin/python3
"""Checks the ctigw.csta.v1 JSON Schema against the golden fixtures (docs/protocol.md §11).

Run with Debian's python3-jsonschema (4.10):
    /usr/bin/python3 tests/protocol/check_schema.py \
        --schema protocol/schema/ctigw-csta-v1.schema.json --fixtures tests/protocol/data

1. the schema itself must be a valid draft 2020-12 schema;
2. every *.json under the fixture root outside invalid/ must validate; those outside invalid/ and
   compat/ must also be canonical (2-space pretty-printed, no null members);
3. every *.json under invalid/ must fail validation;
4. coverage: every service in $defs/ServiceName has request/<Service>.json and
   response/<Service>.json, and every event in $defs/EventName has event/<Event>.json.

Prints one line per failure and a final "<n> passed, <m> failed"; exits 1 on any failure.
"""

import argparse
import json
import pathlib
import sys

import jsonschema


def has_null(value):
    if value is None:
        return True
    if isinstance(value, dict):
        return any(has_null(v) for v in value.values())
    if isinstance(value, list):
        return any(has_null(v) for v in value)
    return False


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schema", required=True, type=pathlib.Path)
    parser.add_argument("--fixtures", required=True, type=pathlib.Path)
    args = parser.parse_args()

    passed = 0
    failures = []

    def ok():
        nonlocal passed
        passed += 1

    def fail(line):
        failures.append(line)
        print(f"FAIL {line}")

    schema = json.loads(args.schema.read_text(encoding="utf-8"))
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
        ok()
    except jsonschema.exceptions.SchemaError as e:
        fail(f"{args.schema}: not a valid draft 2020-12 schema: {e.message}")
        print(f"{passed} passed, {len(failures)} failed")
        return 1
    validator = jsonschema.Draft202012Validator(schema)

    root = args.fixtures
    files = sorted(p for p in root.rglob("*.json") if p.is_file())
    if not files:
        fail(f"{root}: no fixtures found")
    for path in files:
        rel = path.relative_to(root).as_posix()
        top = rel.split("/", 1)[0]
        text = path.read_text(encoding="utf-8")
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as e:
            fail(f"{rel}: not JSON: {e}")
            continue
        if top == "invalid":
            if validator.is_valid(doc):
                fail(f"{rel}: accepted by the schema but must be rejected")
            else:
                ok()
            continue
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
        if errors:
            e = errors[0]
            where = "/".join(str(x) for x in e.absolute_path) or "(root)"
            fail(f"{rel}: rejected at {where}: {e.message[:200]}")
            continue
        if top != "compat":
            if has_null(doc):
                fail(f"{rel}: canonical fixtures carry no null members")
                continue
            if text != json.dumps(doc, indent=2, ensure_ascii=False) + "\n":
                fail(f"{rel}: not canonical (2-space indent, one trailing newline)")
                continue
        ok()

    defs = schema.get("$defs", {})
    services = defs.get("ServiceName", {}).get("enum", [])
    events = defs.get("EventName", {}).get("enum", [])
    if not services or not events:
        fail(f"{args.schema}: $defs/ServiceName or $defs/EventName has no enum")
    for name in services:
        for rel in (f"request/{name}.json", f"response/{name}.json"):
            if (root / rel).is_file():
                ok()
            else:
                fail(f"{rel}: missing fixture for service {name}")
    for name in events:
        rel = f"event/{name}.json"
        if (root / rel).is_file():
            ok()
        else:
            fail(f"{rel}: missing fixture for event {name}")
    for rel in ("system/heartbeat.json", "system/heartbeatAck.json", "system/systemStatus.json"):
        if (root / rel).is_file():
            ok()
        else:
            fail(f"{rel}: missing fixture")

    print(f"{passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
