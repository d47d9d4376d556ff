#!/usr/bin/python3
"""Print a throughput/latency table from fio's JSON (json,normal output)."""
import json
import sys

text = open(sys.argv[1]).read()
doc = json.loads(text[text.index("{"):text.rindex("}") + 1])
print(f"{'job':<14} {'dir':<5} {'bs':>5} {'MiB/s':>9} {'IOPS':>9} {'clat avg us':>12} {'clat p99 us':>12}")
for job in doc["jobs"]:
    for d in ("read", "write"):
        r = job[d]
        if not r["io_bytes"]:
            continue
        clat = r["clat_ns"]
        p99 = clat.get("percentile", {}).get("99.000000", 0)
        bs = job["job options"].get("bs", doc["global options"].get("bs", "?"))
        if d == "read" and "write" in job["job options"].get("rw", ""):
            d = "vrfy"  # the write job reading back what it wrote
        print(f"{job['jobname']:<14} {d:<5} {bs:>5} {r['bw_bytes'] / 2**20:>9.1f} "
              f"{r['iops']:>9.0f} {clat['mean'] / 1000:>12.1f} {p99 / 1000:>12.1f}")
