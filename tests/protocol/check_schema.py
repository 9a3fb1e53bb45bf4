#!/usr/bin/python3
"""Checks the ctigw.csta.v1 JSON Schema against the golden fixtures (docs/protocol.md §11).

Run with Debian's python3-jsonschema (4.10):
    /usr/bin/python3 tests/protocol/check_schema.py \
        --schema protocol/schema/ctigw-csta-v1.schema.json --fixtures tests/protocol/data

1. the schema itself must be a valid draft 2020-12 schema;
2. every *.json under the fixture root outside invalid/ must validate and be canonical (2-space pretty-printed, no null members);
3. every *.json under invalid/ must fail validation;
4. the built-in COMPAT cases must validate and the SCHEMA_ONLY_INVALID cases must fail;
5. coverage: every service in $defs/ServiceName has request/<Service>.json and
   response/<Service>.json, and every event in $defs/EventName has event/<Event>.json.

Prints one line per failure and a final "<n> passed, <m> failed"; exits 1 on any failure.
"""

import argparse
import json
import pathlib
import sys

import jsonschema

# Cases kept here rather than under the fixture root: the C++ fixture test requires every file there to
# round-trip (or, under invalid/, to be rejected by the codec), and these do neither.
# Valid but not canonical: forward-compatibility cases receivers must accept (docs/protocol.md §4.5, §10).
COMPAT = {
    'event-unknown-name':
        {"type": "event", "seq": 40, "event": "AgentStateChanged", "monitorRef": "m-2001", "data": {"agentID": "a-17", "state": "ready"}},
    'event-unknown-cause':
        {"type": "event", "seq": 19, "event": "Delivered", "monitorRef": "m-2005", "timestamp": "2026-11-24T10:00:02.603Z", "data": {"connection": {"callID": "c-1001", "deviceID": "2005"}, "alertingDevice": "2005", "callingDevice": "2001", "calledDevice": "2002", "lastRedirectionDevice": "2002", "correlatorData": "eyJjcm0iOiJ0aWNrZXQtNDcxMSJ9", "localConnectionInfo": "alerting", "cause": "callInterceptionForwarded"}},
    'response-unknown-device-category':
        {"type": "response", "id": "120", "service": "GetSwitchingFunctionDevices", "result": {"devices": [{"device": "9000", "category": "voicemailPilot", "name": "Voicemail"}]}},
    'request-unknown-members':
        {"type": "request", "id": "112", "service": "MakeCall", "params": {"callingDevice": "2001", "calledDirectoryNumber": "2002", "correlatorData": "eyJjcm0iOiJ0aWNrZXQtNDcxMSJ9", "autoOriginate": True, "priority": "high"}, "traceId": "t-1"},
    'response-capabilities-future-service-and-member':
        {"type": "response", "id": "104", "service": "MonitorStart", "result": {"monitorRef": "m-2001", "capabilities": {"unsupported": ["AgentLogon"], "supportedOptions": ["x"]}}},
    'response-unknown-error-value':
        {"type": "response", "id": "121", "service": "HoldCall", "error": {"category": "privateData", "value": "URM Denied"}},
}

# Invalid for a conforming sender but beyond what the headers' fields() describe (cross-member rules,
# value ranges, "senders never send null"); the schema must reject them.
SCHEMA_ONLY_INVALID = {
    'request-null-optional-member':
        {"type": "request", "id": "112", "service": "MakeCall", "params": {"callingDevice": "2001", "calledDirectoryNumber": "2002", "correlatorData": None, "autoOriginate": True}},
    'request-hello-empty-versions':
        {"type": "request", "id": "1", "service": "Hello", "params": {"versions": [], "clientName": "ctigw"}},
    'request-forwarding-activate-without-forwardTo':
        {"type": "request", "id": "7", "service": "SetForwarding", "params": {"device": "2002", "forwardingType": "forwardImmediate", "activateForward": True}},
    'request-volume-over-100':
        {"type": "request", "id": "9", "service": "SetRingerStatus", "params": {"device": "2008", "ringMode": "ringing", "volume": 101}},
    'request-digits-bad-character':
        {"type": "request", "id": "10", "service": "GenerateDigits", "params": {"connectionToSendDigits": {"callID": "c-1001", "deviceID": "2002"}, "charactersToSend": "12x"}},
    'request-pickup-both-targets':
        {"type": "request", "id": "11", "service": "DirectedPickupCall", "params": {"deviceToBePickedUp": "7001", "callToBePickedUp": {"callID": "c-1001", "deviceID": "7001"}, "requestingDevice": "2003"}},
    'request-pickup-no-target':
        {"type": "request", "id": "12", "service": "DirectedPickupCall", "params": {"requestingDevice": "2003"}},
    'response-batch-item-ref-and-error':
        {"type": "response", "id": "6", "service": "MonitorStartBatch", "result": {"results": [{"device": "2001", "monitorRef": "m-2001", "error": {"category": "operation", "value": "generic"}}]}},
    'request-status-batch-read-twice':
        {"type": "request", "id": "150", "service": "GetDeviceStatusBatch", "params": {"devices": ["2002"], "reads": ["forwarding", "forwarding"]}},
    'request-status-batch-no-reads':
        {"type": "request", "id": "150", "service": "GetDeviceStatusBatch", "params": {"devices": ["2002"], "reads": []}},
    'response-status-item-error-and-reads':
        {"type": "response", "id": "150", "service": "GetDeviceStatusBatch", "result": {"results": [{"device": "2002", "error": {"category": "operation", "value": "invalidDeviceID"}, "doNotDisturbOn": False}]}},
    'response-batch-item-capabilities-with-error':
        {"type": "response", "id": "6", "service": "MonitorStartBatch", "result": {"results": [{"device": "2001", "error": {"category": "operation", "value": "generic"}, "capabilities": {"unsupported": ["AnswerCall"]}}]}},
    'response-batch-item-neither-ref-nor-error':
        {"type": "response", "id": "6", "service": "MonitorStartBatch", "result": {"results": [{"device": "2001"}]}},
    'response-snapshot-item-connections-and-error':
        {"type": "response", "id": "6", "service": "SnapshotDeviceBatch", "result": {"results": [{"device": "2001", "connections": [], "error": {"category": "operation", "value": "invalidDeviceID"}}]}},
    'event-monitor-ended-without-monitorRef':
        {"type": "event", "seq": 5, "event": "MonitorEnded", "data": {"device": "2009"}},
    'event-unknown-name-data-not-object':
        {"type": "event", "seq": 5, "event": "FutureEvent", "data": "x"},
}


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
        if has_null(doc):
            fail(f"{rel}: canonical fixtures carry no null members")
            continue
        if text != json.dumps(doc, indent=2, ensure_ascii=False) + "\n":
            fail(f"{rel}: not canonical (2-space indent, one trailing newline)")
            continue
        ok()

    for name, doc in COMPAT.items():
        errors = list(validator.iter_errors(doc))
        if errors:
            fail(f"compat case {name}: rejected: {errors[0].message[:200]}")
        else:
            ok()
    for name, doc in SCHEMA_ONLY_INVALID.items():
        if validator.is_valid(doc):
            fail(f"schema-only invalid case {name}: accepted but must be rejected")
        else:
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
