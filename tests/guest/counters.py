#!/usr/bin/python3
"""Mapping counters per NFS READ or WRITE RPC, from the trace of one phase.

count TRACE BYTES RPCS PROBED
    Print the JSON object of one phase (one direction): "bytes", "rpcs"
    (READ or WRITE ops from mountstats), one key per kprobe'd function
    with its hits (the function name is the key), "probed" (the functions
    that had a kprobe), and "task": what the xprtrdma tracepoints
    attribute to the READ/WRITE tasks (from sunrpc:rpc_request) alone.

check COUNTERS_JSON TRANSPORT PROFILE
    Print one line per direction and figure, and exit 1 if any figure is
    over its limit for PROFILE or anything it needs is missing.  Counts
    are deterministic: this is a test, not a benchmark.

Figures, per READ or WRITE RPC:
  sg_maps      scatterlist DMA maps (dma_map_sg_attrs, __dma_map_sg_attrs,
               dma_map_sgtable), whole phase
  mrs          FastReg WRs xprtrdma posted for the data tasks
               (xprtrdma_mr_fastreg), plus rw.c MRs (ib_mr_pool_get) of the
               phase
  fr_inv_wrs   FastReg + LocalInv WRs of the data tasks
               (xprtrdma_mr_fastreg + xprtrdma_mr_localinv), plus two per
               rw.c MR
  chunk_iova_allocs IOVA allocations at least as large as one RPC's
               payload (iommu_dma_alloc_iova's size argument): only a data
               chunk is that large, so this is exact for the data RPCs
  iova_allocs  all IOVA allocations of the phase (iommu_dma_alloc_iova: the
               two-step IOVA API, dma_map_phys and dma_map_sg all use it)
  iotlb_sync_map   intel_iommu_iotlb_sync_map, whole phase
  iotlb_flush_unmap intel_iommu_tlb_sync, whole phase
The phase-wide figures include the server's side and the phase's other
RPCs (OPEN, CLOSE, ...), whose number is not fixed: an OPEN answered with
NFS4ERR_DELAY is sent again (five OPENs in one CI run, one in the next).
So a profile gives those figures an allowance per other RPC the
sunrpc:rpc_request tracepoint saw (OTHER_RPC_ALLOWANCE: a Reply chunk
mapped by the client, written by the server, and a Send), which is taken
off the phase total before it is divided by the data RPCs.
"""
import json
import re
import sys

SG = ("dma_map_sg_attrs", "__dma_map_sg_attrs", "dma_map_sgtable")
TASK_EVENTS = ("xprtrdma_mr_fastreg", "xprtrdma_mr_localinv",
               "xprtrdma_mr_reminv", "xprtrdma_chunk_read",
               "xprtrdma_chunk_write", "xprtrdma_chunk_reply")
DATA_PROCS = ("READ", "WRITE")
# Phase-wide figures: what one other (non-data) RPC may add to the total
OTHER_RPC_ALLOWANCE = {"iova_allocs": 3, "iotlb_sync_map": 3,
                       "iotlb_flush_unmap": 3}

# Limits per profile: figure -> maximum per RPC.
PROFILES = {
    # IOMMU vehicle, strict: one IOVA mapping and one MR per chunk and side
    "vehicle-strict": {"sg_maps": 0, "mrs": 1.1, "chunk_iova_allocs": 2.2,
                       "iova_allocs": 2.2, "iotlb_sync_map": 3,
                       "iotlb_flush_unmap": 3, "fr_inv_wrs": 2.2},
    # rxe without IOMMU: virtual DMA, one range per page, so MRs of
    # re_max_fr_depth = 32 PAGE_SIZE pages: 256 / 32 = 8 per 1 MiB
    "rxe": {"sg_maps": 0, "mrs": 8.1, "fr_inv_wrs": 16.2},
    # siw: virtual DMA, but an MR takes 256 ranges: one MR per 1 MiB and
    # side.  iWARP needs an MR for RDMA READ, so a WRITE also takes the
    # server's (rw.c, ib_mr_pool_get), with its FastReg and invalidation.
    "siw": {"sg_maps": 0, "mrs": {"write": 2.2, "read": 1.1},
            "fr_inv_wrs": {"write": 3.3, "read": 2.2}},
}
# Functions a profile's figures rest on: each must have had a kprobe.
NEEDS = {
    "sg_maps": SG, "mrs": ("ib_mr_pool_get",),
    "fr_inv_wrs": ("ib_mr_pool_get",),
    "iova_allocs": ("iommu_dma_alloc_iova",),
    "chunk_iova_allocs": ("iommu_dma_alloc_iova",),
    "iotlb_sync_map": ("intel_iommu_iotlb_sync_map",),
    "iotlb_flush_unmap": ("intel_iommu_tlb_sync",),
}

LINE = re.compile(r"\]\s.*?\s[\d.]+: (\w+): (.*)$")
TASK = re.compile(r"task:([0-9a-f]+@[0-9a-f]+)")
SIZE = re.compile(r"\bsize=(\d+)")


def count(trace, nbytes, rpcs, probed):
    hits, proc, per_task = {}, {}, {}
    sized = [0, 0]      # allocations with a size; of those, chunk-sized
    with open(trace, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith("#"):
                continue
            m = LINE.search(line)
            if not m:
                continue
            event, rest = m.groups()
            if event.startswith("k") and event[1:] in probed:
                hits[event[1:]] = hits.get(event[1:], 0) + 1
                z = SIZE.search(rest)
                if event == "kiommu_dma_alloc_iova" and z:
                    sized[0] += 1
                    sized[1] += int(z.group(1)) >= nbytes // max(rpcs, 1)
                continue
            t = TASK.search(rest)
            if not t:
                continue
            if event == "rpc_request":
                words = rest.split()
                proc[t.group(1)] = words[2] if len(words) > 2 else "?"
            elif event in TASK_EVENTS:
                per_task.setdefault(t.group(1), {}).setdefault(event, 0)
                per_task[t.group(1)][event] += 1
    data = [k for k, p in proc.items() if p in DATA_PROCS]
    task = {"rpcs": len(data), "other_rpcs": len(proc) - len(data)}
    for e in TASK_EVENTS:
        task[e] = sum(per_task.get(k, {}).get(e, 0) for k in data)
        task["other_" + e] = sum(v.get(e, 0) for k, v in per_task.items()
                                 if k not in data)
    out = {"bytes": nbytes, "rpcs": rpcs, "probed": sorted(probed)}
    out.update(sorted(hits.items()))
    out["iommu_dma_alloc_iova_sized"] = sized[0]
    out["iommu_dma_alloc_iova_chunk"] = sized[1]
    out["task"] = task
    return out


def phase(c, key, fig):
    """Phase total of KEY less FIG's allowance for the other RPCs"""
    left = c.get(key, 0) - OTHER_RPC_ALLOWANCE[fig] * c["task"]["other_rpcs"]
    return max(left, 0) / c["rpcs"]


def figures(c):
    rpcs = c["rpcs"]
    t = c["task"]
    pool = c.get("ib_mr_pool_get", 0)
    return {
        "sg_maps": sum(c.get(f, 0) for f in SG) / rpcs,
        "mrs": t["xprtrdma_mr_fastreg"] / t["rpcs"] + pool / rpcs,
        "fr_inv_wrs": (t["xprtrdma_mr_fastreg"] + t["xprtrdma_mr_localinv"])
        / t["rpcs"] + 2 * pool / rpcs,
        "chunk_iova_allocs": c.get("iommu_dma_alloc_iova_chunk", 0) / rpcs,
        "iova_allocs": phase(c, "iommu_dma_alloc_iova", "iova_allocs"),
        "iotlb_sync_map": phase(c, "intel_iommu_iotlb_sync_map",
                                "iotlb_sync_map"),
        "iotlb_flush_unmap": phase(c, "intel_iommu_tlb_sync",
                                   "iotlb_flush_unmap"),
    }


def check(path, transport, profile):
    limits = PROFILES[profile]
    allc = json.load(open(path, encoding="utf-8"))
    bad = 0
    overs = []
    for d in ("write", "read"):
        c = allc.get(d)
        problems = []
        if not c:
            print(f"{transport} {d}: no counters")
            bad += 1
            continue
        if c["rpcs"] < 64:
            problems.append(f"only {c['rpcs']} RPCs (need >= 64)")
        if c["task"]["rpcs"] != c["rpcs"]:
            problems.append(f"{c['task']['rpcs']} READ/WRITE tasks traced "
                            f"for {c['rpcs']} RPCs in mountstats")
        for fig in limits:
            missing = [f for f in NEEDS.get(fig, ()) if f not in c["probed"]]
            if missing:
                problems.append(f"{fig}: no kprobe on {', '.join(missing)}")
        if ("chunk_iova_allocs" in limits and
                c.get("iommu_dma_alloc_iova_sized", 0)
                != c.get("iommu_dma_alloc_iova", 0)):
            problems.append("iommu_dma_alloc_iova traced without its size")
        if problems:
            print(f"{transport} {d}: " + "; ".join(problems))
            bad += 1
            continue
        fig = figures(c)
        if c["task"]["xprtrdma_mr_fastreg"] == 0:
            print(f"{transport} {d}: no MR registered: nothing was counted")
            bad += 1
        print(f"{transport} {d}: {c['task']['other_rpcs']} other RPCs in "
              "the phase, allowance per other RPC: "
              + ", ".join(f"{k} {v}" for k, v in OTHER_RPC_ALLOWANCE.items()))
        for name in ("sg_maps", "mrs", "fr_inv_wrs", "chunk_iova_allocs",
                     "iova_allocs", "iotlb_sync_map", "iotlb_flush_unmap"):
            lim = limits.get(name)
            if isinstance(lim, dict):
                lim = lim[d]
            over = lim is not None and fig[name] > lim
            bad += over
            if over:
                overs.append(f"{d} {name} {fig[name]:.2f} > {lim}")
            print(f"{transport} {d}: {name} {fig[name]:.2f} per RPC"
                  + ("" if lim is None else f" (limit {lim})")
                  + (" OVER" if over else ""))
        if profile == "vehicle-strict" and fig["chunk_iova_allocs"] == 0:
            print(f"{transport} {d}: no IOVA allocation: is the IOMMU on?")
            bad += 1
    if overs:
        print(f"{transport} over the limits of {profile}: " + "; ".join(overs))
    return 1 if bad else 0


def main(argv):
    if len(argv) == 6 and argv[1] == "count":
        json.dump(count(argv[2], int(argv[3]), int(argv[4]),
                        set(argv[5].split())), sys.stdout)
        print()
        return 0
    if len(argv) == 5 and argv[1] == "check":
        return check(argv[2], argv[3], argv[4])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
