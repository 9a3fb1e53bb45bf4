"""Validates config examples against the JSON Schema and checks that invalid files are rejected.

Usage: schema_check.py SCHEMA --valid FILE... --invalid FILE...
Comments (// and /* */) are stripped first, as the gateway allows them.
"""
import json
import sys

import jsonschema


def strip_comments(text):
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == '\\' else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith('//', i):
            while i < n and text[i] != '\n':
                i += 1
        elif text.startswith('/*', i):
            end = text.find('*/', i + 2)
            i = n if end < 0 else end + 2
        else:
            out.append(c)
            i += 1
    return ''.join(out)


def load(path):
    with open(path, encoding='utf-8') as f:
        return json.loads(strip_comments(f.read()))


def main(argv):
    schema = load(argv[1])
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    failures, mode = 0, None
    for arg in argv[2:]:
        if arg in ('--valid', '--invalid'):
            mode = arg
            continue
        errors = list(validator.iter_errors(load(arg)))
        if mode == '--valid' and errors:
            failures += 1
            print(f'FAIL {arg}: expected valid, got: {errors[0].message}')
        elif mode == '--invalid' and not errors:
            failures += 1
            print(f'FAIL {arg}: expected the schema to reject it')
        else:
            print(f'ok   {arg} ({len(errors)} schema errors)')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
