#!/usr/bin/env python3
"""Prints `N passed, N failed` over one or more meson JUnit logs and exits
non-zero on any failure. GoogleTest programs (protocol gtest) contribute one
test case each; a program that crashed before writing its XML counts as one
failure, as does a non-zero meson exit status that the logs do not explain,
and a log that is missing.

    count-tests.py [--status N] LOG.junit.xml [LOG.junit.xml ...]
"""
import sys
import xml.etree.ElementTree as ET


def main() -> int:
    args = sys.argv[1:]
    status = 0
    if len(args) >= 2 and args[0] == "--status":
        status = int(args[1])
        args = args[2:]
    passed = failed = skipped = 0
    for path in args:
        try:
            root = ET.parse(path).getroot()
        except (OSError, ET.ParseError) as err:
            print(f"cannot read {path}: {err}")
            failed += 1
            continue
        for case in root.iter("testcase"):
            if case.find("failure") is not None or case.find("error") is not None:
                failed += 1
            elif case.find("skipped") is not None or case.get("status") == "notrun":
                skipped += 1
            else:
                passed += 1
    if status != 0 and failed == 0:
        failed = 1  # meson failed for a reason the logs have no case for
    if skipped:
        print(f"{skipped} skipped")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
