#!/usr/bin/env python3
"""Prints `N passed, N failed` for a meson JUnit log and exits non-zero on
any failure. GoogleTest programs (protocol gtest) contribute one test case
each; a program that crashed before writing its XML counts as one failure,
as does a non-zero meson exit status that the log does not explain."""
import sys
import xml.etree.ElementTree as ET


def main() -> int:
    path, meson_status = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 0
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as err:
        print(f"cannot read {path}: {err}")
        print("0 passed, 1 failed")
        return 1
    passed = failed = skipped = 0
    for case in root.iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
        elif case.find("skipped") is not None or case.get("status") == "notrun":
            skipped += 1
        else:
            passed += 1
    if meson_status != 0 and failed == 0:
        failed = 1  # meson failed for a reason the log has no case for
    line = f"{passed} passed, {failed} failed"
    if skipped:
        line += f", {skipped} skipped"
    print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
