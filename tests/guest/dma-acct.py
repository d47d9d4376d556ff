#!/usr/bin/python3
"""Check the IOVA API calls that tests/guest/steps/dmaacct.sh recorded.

usage: dma-acct.py TRACE OUT_JSON

TRACE is the text of the rbacct tracing instance: one line per call of
dma_iova_try_alloc (return probe), dma_iova_link (return probe),
dma_iova_unlink, dma_iova_destroy and dma_iova_free, with the state pointer,
the state's IOVA, offsets, sizes and directions.  The calls are replayed per
IOVA space (state->addr: a state may be filled in on the stack and copied
into the structure that keeps it, so its address is no key) and these are
errors:
  - an IOVA space allocated again before it was freed, or never freed;
  - a range linked over a linked range, or never unlinked;
  - an unlink that does not cover whole linked ranges, that covers bytes never
    linked, or whose direction differs from the direction of the link;
  - a free while ranges of the state are still linked.
dma_iova_destroy() is dma_iova_unlink(0, len) + dma_iova_free(); whether the
compiler inlined those two into it (then only the destroy is seen) or not
(then they follow it), the destroy is counted once.
Exits 1 on any error, printing the first ones; OUT_JSON gets the summary.
"""
import json
import re
import sys

LINE = re.compile(r"\[\d+\].*?\s([\d.]+): (\w+): \((.*?)\)(.*)$")
DIRS = {0: "bidirectional", 1: "to_device", 2: "from_device", 3: "none"}

trace, out = sys.argv[1:3]
allocs = {}     # state -> (iova, size)
links = {}      # state -> [(off, size, dir)]
pending = {}    # state -> [len, dir, unlinked]: a destroy whose unlink/free may follow
errors = []
count = {"alloc": 0, "alloc_failed": 0, "link": 0, "link_failed": 0, "unlink": 0,
         "destroy": 0, "free": 0}
linked_bytes = {d: 0 for d in DIRS.values()}


kinds = {}


def err(msg):
    errors.append(msg)
    kind = re.sub(r"(0x[0-9a-f]+|\[.*?\)|\d+)", "", msg.split(":")[0] if ":" in msg else msg).strip()
    kinds[kind] = kinds.get(kind, 0) + 1


def do_unlink(st, off, size, d, why):
    ranges = links.get(st, [])
    inside = [r for r in ranges if r[0] >= off and r[0] + r[1] <= off + size]
    partial = [r for r in ranges if r not in inside and r[0] < off + size and off < r[0] + r[1]]
    if partial:
        err(f"{why} IOVA {st:#x} [{off:#x}+{size:#x}) cuts linked range(s) {partial}")
    got = sum(r[1] for r in inside)
    if got != size:
        err(f"{why} IOVA {st:#x} [{off:#x}+{size:#x}): {size - got} bytes were never linked")
    for r in inside:
        if r[2] != d:
            err(f"{why} direction: IOVA {st:#x} [{r[0]:#x}+{r[1]:#x}) {DIRS.get(d, d)}, linked {DIRS.get(r[2], r[2])}")
    links[st] = [r for r in ranges if r not in inside]


def do_free(st, why):
    if st not in allocs:
        err(f"{why} IOVA {st:#x}: no IOVA space allocated")
    if links.get(st):
        err(f"{why} IOVA {st:#x}: {sum(r[1] for r in links[st])} bytes still linked {links[st][:3]}")
    allocs.pop(st, None)
    links.pop(st, None)


def finish_destroy(st):
    ln, d, unlinked = pending.pop(st)
    if not unlinked and ln:
        do_unlink(st, 0, ln, d, "destroy")
    do_free(st, "destroy")


for line in open(trace, errors="replace"):
    m = LINE.search(line)
    if not m:
        continue
    ev = m.group(2)
    f = dict(kv.split("=", 1) for kv in m.group(4).split() if "=" in kv)
    # Keyed by the IOVA (state->addr), not by the state pointer: a state may
    # be filled in on the stack and copied into the context that keeps it.
    try:
        st = int(f["addr"], 16)
    except (KeyError, ValueError):
        continue
    if st in pending and ev in ("alloc", "link", "destroy"):
        finish_destroy(st)   # destroy's own unlink and free were inlined
    if ev == "alloc":
        if f["ok"] in ("0", "0x0"):
            count["alloc_failed"] += 1
            continue
        count["alloc"] += 1
        if st in allocs:
            err(f"alloc IOVA {st:#x}: allocated again before it was freed")
        allocs[st] = (int(f["addr"], 16), int(f["size"], 16))
        links[st] = []
    elif ev == "link":
        if int(f["ret"]) != 0:
            count["link_failed"] += 1
            continue
        count["link"] += 1
        off, size, d = int(f["off"], 16), int(f["size"], 16), int(f["dir"])
        if st not in allocs:
            err(f"link IOVA {st:#x}: no IOVA space allocated")
        for r in links.get(st, []):
            if r[0] < off + size and off < r[0] + r[1]:
                err(f"link IOVA {st:#x} [{off:#x}+{size:#x}) over linked [{r[0]:#x}+{r[1]:#x})")
        links.setdefault(st, []).append((off, size, d))
        linked_bytes[DIRS.get(d, str(d))] += size
    elif ev == "unlink":
        count["unlink"] += 1
        off, size, d = int(f["off"], 16), int(f["size"], 16), int(f["dir"])
        p = pending.get(st)
        if p and not p[2] and off == 0 and size == p[0]:
            p[2] = True
        do_unlink(st, off, size, d, "unlink")
    elif ev == "destroy":
        count["destroy"] += 1
        pending[st] = [int(f["len"], 16), int(f["dir"]), int(f["len"], 16) == 0]
    elif ev == "free":
        count["free"] += 1
        if st in pending:
            finish_destroy(st)
        else:
            do_free(st, "free")

for st in list(pending):
    finish_destroy(st)
for st, (iova, size) in allocs.items():
    err(f"never freed: IOVA {st:#x} IOVA {iova:#x} size {size:#x}, "
        f"{sum(r[1] for r in links.get(st, []))} bytes still linked")
summary = {"calls": count, "linked_bytes": linked_bytes,
           "outstanding_allocs": len(allocs), "errors": len(errors), "errors_by_kind": kinds,
           "first_errors": errors[:20]}
json.dump(summary, open(out, "w"), indent=1)
print(json.dumps(count), json.dumps(linked_bytes))
if kinds:
    print("errors by kind:", json.dumps(kinds))
for e in errors[:20]:
    print("error:", e)
sys.exit(1 if errors else 0)
