#!/usr/bin/env python3
"""Summarise a make bench run directory: medians per kernel, B/A ratios.

Usage: bench-report.py RUN_DIR OUT_PREFIX --a DESC --b DESC
Reads RUN_DIR/<config>-<A|B>-<round>/fio-default.json and logs/counters.json,
writes OUT_PREFIX.json and OUT_PREFIX.png.
"""
import argparse
import json
import os
import re
import statistics
import sys

# (metric, fio job, how to read it, unit, higher is better)
FIO_METRICS = [
    ("seq_write_MiBps", "seq-write-1m", lambda j: j["write"]["bw_bytes"] / 2**20, "MiB/s", True),
    ("seq_read_MiBps", "seq-read-1m", lambda j: j["read"]["bw_bytes"] / 2**20, "MiB/s", True),
    ("rand_read_4k_iops", "rand-read-4k", lambda j: j["read"]["iops"], "IOPS", True),
    ("rand_read_4k_lat_us", "rand-read-4k", lambda j: j["read"]["lat_ns"]["mean"] / 1000, "us", False),
]
# Counters per RPC (tests/guest/steps/counters.sh), lower is less work
COUNTERS = {
    "mrs_per_rpc": ["ib_map_mr_sg", "ib_map_mr_ranges"],
    "sg_dma_maps_per_rpc": ["dma_map_sg_attrs"],
    "iova_links_per_rpc": ["dma_iova_link"],
    "iova_syncs_per_rpc": ["dma_iova_sync"],
    "map_phys_per_rpc": ["dma_map_phys"],
    "iotlb_sync_map_per_rpc": ["intel_iommu_iotlb_sync_map"],
    "iotlb_flush_per_rpc": ["intel_iommu_tlb_sync"],
}


def load_run(d):
    res = {}
    with open(os.path.join(d, "fio-default.json")) as f:
        fio = json.load(f)
    jobs = {j["jobname"]: j for j in fio["jobs"]}
    for name, job, get, _, _ in FIO_METRICS:
        if job in jobs:
            res[name] = get(jobs[job])
    cpath = os.path.join(d, "logs", "counters.json")
    if os.path.exists(cpath):
        with open(cpath) as f:
            c = json.load(f)
        for transport, tc in c.items():
            for direction in ("write", "read"):
                dd = tc.get(direction, {})
                rpcs = dd.get("rpcs") or 0
                if not rpcs:
                    continue
                res[f"{transport}_{direction}_rpcs"] = rpcs
                for name, keys in COUNTERS.items():
                    res[f"{transport}_{direction}_{name}"] = sum(dd.get(k, 0) for k in keys) / rpcs
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("run_dir")
    ap.add_argument("out")
    ap.add_argument("--a", default="base")
    ap.add_argument("--b", default="patched")
    args = ap.parse_args()

    runs = {}
    for name in sorted(os.listdir(args.run_dir)):
        m = re.fullmatch(r"(\w+)-([AB])-(\d+)", name)
        if not m:
            continue
        try:
            runs.setdefault(m[1], {}).setdefault(m[2], []).append(
                dict(round=int(m[3]), **load_run(os.path.join(args.run_dir, name))))
        except (OSError, KeyError, ValueError) as e:
            print(f"skipping {name}: {e}", file=sys.stderr)

    report = {"a": args.a, "b": args.b, "run_dir": args.run_dir, "configs": {}}
    for cfg, sides in runs.items():
        metrics = sorted({k for s in sides.values() for r in s for k in r if k != "round"})
        summary = {}
        for k in metrics:
            med = {}
            for side in ("A", "B"):
                vals = [r[k] for r in sides.get(side, []) if k in r]
                if vals:
                    med[side] = statistics.median(vals)
            entry = {"median_a": med.get("A"), "median_b": med.get("B")}
            if med.get("A"):
                entry["ratio_b_a"] = med["B"] / med["A"] if "B" in med else None
            summary[k] = entry
        report["configs"][cfg] = {"runs": sides, "summary": summary}

    with open(args.out + ".json", "w") as f:
        json.dump(report, f, indent=1, sort_keys=True)

    # Text table
    for cfg, c in report["configs"].items():
        n = {s: len(v) for s, v in c["runs"].items()}
        print(f"== {cfg}: A={args.a} ({n.get('A', 0)} runs), B={args.b} ({n.get('B', 0)} runs), medians")
        for k, e in c["summary"].items():
            a, b, r = e["median_a"], e["median_b"], e.get("ratio_b_a")
            fmt = lambda v: "-" if v is None else f"{v:.2f}"
            print(f"  {k:32s} A {fmt(a):>10s}  B {fmt(b):>10s}  B/A {fmt(r):>6s}")

    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib missing: no PNG", file=sys.stderr)
        return
    cfgs = list(report["configs"])
    fig, axes = plt.subplots(1, len(FIO_METRICS), figsize=(4 * len(FIO_METRICS), 3.6), squeeze=False)
    for ax, (name, _, _, unit, better_high) in zip(axes[0], FIO_METRICS):
        xs = range(len(cfgs))
        for off, side, label in ((-0.2, "A", args.a), (0.2, "B", args.b)):
            vals = [report["configs"][c]["summary"].get(name, {}).get(f"median_{side.lower()}") or 0 for c in cfgs]
            pts = [[r.get(name) for r in report["configs"][c]["runs"].get(side, []) if name in r] for c in cfgs]
            ax.bar([x + off for x in xs], vals, width=0.4, label=label)
            for x, p in zip(xs, pts):
                ax.plot([x + off] * len(p), p, "k.", markersize=4)
        ax.set_xticks(list(xs))
        ax.set_xticklabels(cfgs)
        ax.set_title(f"{name}\n({unit}, {'higher' if better_high else 'lower'} is better)", fontsize=9)
    axes[0][0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(args.out + ".png", dpi=90)


if __name__ == "__main__":
    main()
