#!/usr/bin/env python3
"""Cuts one inner loop out of aarch64 assembly for llvm-mca (scripts/mca-estimate.sh).

  mca-loops.py gcc FILE.s FUNCTION PATTERN
      FILE.s is GCC's -S output; FUNCTION a substring of the function's
      (mangled) name. Prints the innermost loop of that function (from its
      label to the branch back to it) whose body matches the regular
      expression PATTERN, directives dropped.
  mca-loops.py objdump LISTING START PATTERN
      LISTING is `objdump -d --no-show-raw-insn` text of a stripped library;
      START the function's address (hex). The same for that function, with
      branch targets turned into labels. A call to lrintf (OpenCV's rounding)
      becomes the two instructions of glibc's aarch64 lrintf (frintx,
      fcvtzs), so the estimate leaves out the call, its PLT stub and return:
      it is a lower bound for those loops.

  mca-loops.py path FILE.s FUNCTION PATTERN...
      A loop GCC rotated, or with a loop inside: the blocks (from a label,
      or the instruction after a branch, to the next branch) whose text
      (lines joined by newlines) matches each PATTERN, in order, as one
      iteration's path; N*PATTERN takes that block N times.
  mca-loops.py vtable LIBRARY TYPENAME SLOT
      The address (hex) of virtual function SLOT (0: the first after the
      two destructors) of the class whose RTTI name ends with TYPENAME, in a
      stripped shared library: name -> type_info -> vtable, through the
      library's R_AARCH64_RELATIVE relocations (readelf -r).

Loads and stores that write their base register back (post- or
pre-indexed) are given as the access and an add: llvm-mca (14 and 16) makes
the written-back base wait for a store's data, which the cores' separate
address uop does not, and the next iteration's loads would wait on it.

Exits non-zero, saying why, if no loop matches: a loop that moved or
changed shape must be looked at again, not silently measured wrong.
"""
import re
import sys

BRANCH = re.compile(r"^(b|b\.\w+|bne|beq|bgt|bge|blt|ble|bhi|bls|bcc|bcs|bmi|bpl|cbz|cbnz|tbz|tbnz)$")


def innermost(lines, labels, pattern):
    """lines: (label or None, instruction text). Loops are [start, end] with a
    back-branch at end to the label at start; returns the innermost one whose
    body matches pattern."""
    loops = []
    for end, (_, ins) in enumerate(lines):
        parts = ins.split(None, 1)
        if not parts or not BRANCH.match(parts[0]):
            continue
        target = parts[1].split(",")[-1].strip()
        start = labels.get(target)
        if start is not None and start <= end:
            loops.append((start, end))
    inner = [l for l in loops
             if not any(o != l and l[0] <= o[0] and o[1] <= l[1] for o in loops)]
    rx = re.compile(pattern)
    for start, end in inner:
        body = [ins for _, ins in lines[start:end + 1]]
        if any(rx.search(ins) for ins in body):
            return lines[start][0], body
    sys.exit("mca-loops: no innermost loop matching %r (loops: %s)" % (pattern, inner))


def gcc_lines(path, function):
    text = open(path).read().splitlines()
    lines, labels, inside, pending = [], {}, False, None
    for raw in text:
        s = raw.split("//")[0].strip()
        if not inside:
            if s.endswith(":") and function in s and not s.startswith("."):
                inside = True
            continue
        if s.startswith(".size"):
            break
        if not s:
            continue
        m = re.match(r"^([.\w]+):$", s)
        if m:
            pending = m.group(1)
            continue
        if s.startswith("."):
            continue
        if pending:
            labels[pending] = len(lines)
        lines.append((pending, s))
        pending = None
    if not lines:
        sys.exit("mca-loops: no function matching %r in %s" % (function, path))
    return lines, labels


def from_gcc(path, function, pattern):
    lines, labels = gcc_lines(path, function)
    return innermost(lines, labels, pattern)


def path_of(path, function, patterns):
    lines, labels = gcc_lines(path, function)
    starts = set(labels.values())
    starts |= {i + 1 for i, (_, ins) in enumerate(lines) if BRANCH.match(ins.split(None, 1)[0])}
    starts = sorted(s for s in starts if s < len(lines))
    body = []
    for pattern in patterns:
        times = 1
        m = re.match(r"^(\d+)\*(.*)$", pattern)
        if m:
            times, pattern = int(m.group(1)), m.group(2)
        rx = re.compile(pattern)
        for start in starts:
            end = start
            while end < len(lines) and not BRANCH.match(lines[end][1].split(None, 1)[0]):
                end += 1
            block = [ins for _, ins in lines[start:end + 1]]
            if rx.search("\n".join(block)):
                body += block * times
                break
        else:
            sys.exit("mca-loops: no block matching %r" % pattern)
    return ".Lpath", body


def vtable_slot(library, typename, slot):
    import subprocess
    data = open(library, "rb").read()
    relocs = subprocess.run(["aarch64-linux-gnu-readelf", "-r", "-W", library],
                            capture_output=True, text=True, check=True).stdout
    rel = {}
    for line in relocs.splitlines():
        f = line.split()
        if len(f) >= 4 and "RELATIVE" in line:
            rel[int(f[0], 16)] = int(f[-1], 16)
    by_target = {}
    for at, target in rel.items():
        by_target.setdefault(target, []).append(at)
    found = []
    key = typename.encode() + b"\0"
    i = data.find(key)
    while i >= 0:
        name = i
        while data[name - 1] != 0:
            name -= 1
        # .rodata's file offsets are its addresses in these libraries
        for at in by_target.get(name, []):
            info = at - 8  # type_info: vptr, then the name
            for vt in by_target.get(info, []):
                found.append(rel.get(vt - 8 + 16 + 8 * (2 + slot)))
        i = data.find(key, i + 1)
    found = sorted(set(a for a in found if a))
    if len(found) != 1:
        sys.exit("mca-loops: %d vtables for %r" % (len(found), typename))
    return found[0]


LRINTF = ["frintx\ts0, s0", "fcvtzs\tx0, s0"]


def from_objdump(path, start, pattern):
    start = int(start, 16)
    lines, addrs = [], []
    row = re.compile(r"^\s*([0-9a-f]+):\s+(\S.*)$")
    began = False
    for raw in open(path):
        m = row.match(raw)
        if not m:
            if began and re.match(r"^[0-9a-f]+ <", raw):
                break
            continue
        a = int(m.group(1), 16)
        if a < start:
            continue
        began = True
        ins = re.sub(r"\s*//.*$", "", m.group(2))
        if re.match(r"bl\s.*<lrintf@plt>", ins):
            ins = "lrintf"
        ins = re.sub(r"\s*<[^>]*>", "", ins).strip()
        addrs.append(a)
        lines.append(ins)
    labels, out = {}, []
    targets = set()
    for ins in lines:
        parts = ins.split(None, 1)
        if parts and BRANCH.match(parts[0]):
            targets.add(int(parts[1].split(",")[-1].strip(), 16))
    for a, ins in zip(addrs, lines):
        label = ".L%x" % a if a in targets else None
        parts = ins.split(None, 1)
        if parts[0] == "nop":
            if label:  # keep the label on a harmless instruction
                labels[label] = len(out)
                out.append((label, "mov\tx17, x17"))
            continue
        if ins == "lrintf":
            for k, r in enumerate(LRINTF):
                if k == 0 and label:
                    labels[label] = len(out)
                out.append((label if k == 0 else None, r))
            continue
        if parts and BRANCH.match(parts[0]):
            head, _, t = ins.rpartition(",") if "," in parts[1] else (parts[0], "", parts[1])
            t = ".L%x" % int(t.strip(), 16)
            ins = (head + ", " + t) if "," in parts[1] else (parts[0] + "\t" + t)
        if label:
            labels[label] = len(out)
        out.append((label, ins))
    return innermost(out, labels, pattern)


POST = re.compile(r"^(\S+)\s+(.*), \[(\w+)\], #?(-?\w+)$")
PRE = re.compile(r"^(\S+)\s+(.*), \[(\w+), #?(-?\w+)\]!$")


def split_writeback(body):
    out = []
    for ins in body:
        m = POST.match(ins)
        if m:
            op, regs, base, step = m.groups()
            step = step if re.match(r"^[wx]\d+$", step) else "#" + step
            out += ["%s\t%s, [%s]" % (op, regs, base), "add\t%s, %s, %s" % (base, base, step)]
            continue
        m = PRE.match(ins)
        if m:
            op, regs, base, step = m.groups()
            out += ["add\t%s, %s, #%s" % (base, base, step), "%s\t%s, [%s]" % (op, regs, base)]
            continue
        out.append(ins)
    return out


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    mode = sys.argv[1]
    if mode == "gcc":
        label, body = from_gcc(sys.argv[2], sys.argv[3], sys.argv[4])
    elif mode == "path":
        label, body = path_of(sys.argv[2], sys.argv[3], sys.argv[4:])
    elif mode == "vtable":
        print("%x" % vtable_slot(sys.argv[2], sys.argv[3], int(sys.argv[4])))
        return
    elif mode == "objdump":
        label, body = from_objdump(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit(__doc__)
    print("%s:" % label)
    for ins in split_writeback(body):
        print("\t" + ins)


if __name__ == "__main__":
    main()
