#!/usr/bin/env python3
"""Checks the kernel objects compiled with their own target flags.

A kernels file built with, say, -mavx512f must not hand the linker anything
it could pick instead of another file's copy (a weak or unique symbol: an
inline function, a template, a vtable), or the baseline code could end up
running AVX-512 instructions; and it must not run code at load (a static
initializer), which would run on every CPU. So each object may define
exactly one global symbol, its level's Fill function, and no
initialization section. Prints what it found, one line per library.

  check_objects.py NM OBJDUMP LIBRARY...
"""
import subprocess
import sys


def main():
    nm, objdump, libs = sys.argv[1], sys.argv[2], sys.argv[3:]
    bad = 0
    for lib in libs:
        out = subprocess.run([nm, "-C", "--defined-only", lib], check=True,
                             capture_output=True, text=True).stdout
        exported, shared = [], []
        for line in out.splitlines():
            parts = line.split(None, 2)
            if len(parts) < 3:
                continue
            kind, name = parts[1], parts[2]
            if kind in ("W", "V", "u", "w", "v"):
                shared.append(name)
            elif kind.isupper() and kind not in ("U",):
                exported.append(name)
        sections = subprocess.run([objdump, "-h", lib], check=True, capture_output=True,
                                  text=True).stdout
        inits = [s for s in (".init_array", ".ctors", ".preinit_array") if s in sections]
        fill = [e for e in exported if e.startswith("histeq::kernels::Fill")]
        problems = []
        if shared:
            problems.append("weak or unique symbols: " + "; ".join(shared[:5]))
        if len(fill) != 1 or len(exported) != 1:
            problems.append("global symbols other than one Fill function: " +
                            "; ".join(exported[:5]))
        if inits:
            problems.append("static initialization: " + ", ".join(inits))
        name = lib.rsplit("/", 1)[-1]
        if problems:
            bad += 1
            print(f"FAIL {name}: " + " | ".join(problems))
        else:
            print(f"ok {name}: exports {fill[0]} only, nothing weak, no initializers")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
