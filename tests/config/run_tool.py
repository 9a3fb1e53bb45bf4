"""Runs a command and checks its exit code and, optionally, a line of its standard output.

Usage: run_tool.py EXPECTED_EXIT [--expect-line TEXT] [--forbid TEXT] -- COMMAND...
--forbid fails when TEXT appears anywhere in the output (standard output or error).
"""
import subprocess
import sys


def main(argv):
    expected, expect_line, forbid = int(argv[1]), None, None
    rest = argv[2:]
    if rest[0] == '--expect-line':
        expect_line, rest = rest[1], rest[2:]
    if rest[0] == '--forbid':
        forbid, rest = rest[1], rest[2:]
    cmd = rest[1:]  # skip "--"
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    sys.stdout.write(proc.stdout)
    sys.stderr.write(proc.stderr)
    if proc.returncode != expected:
        print(f'FAIL: exit code {proc.returncode}, expected {expected}')
        return 1
    if expect_line is not None and expect_line not in proc.stdout.splitlines():
        print(f'FAIL: missing output line: {expect_line}')
        return 1
    if forbid is not None and (forbid in proc.stdout or forbid in proc.stderr):
        print(f'FAIL: the output contains: {forbid}')
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
