#!/usr/bin/env python3
"""Print the mapping counters of tests/guest/steps/counters.sh per RPC.

Usage: counters-table.py counters.json\n\ncounters.json: {transport: {write|read: {bytes, rpcs, function: calls}}}
"""
import json
import sys

ROWS = [
    ("MRs registered", ["ib_map_mr_sg", "ib_map_mr_ranges"]),
    ("frwr_map calls", ["frwr_map"]),
    ("scatterlist DMA maps", ["dma_map_sg_attrs"]),
    ("dma_iova_link", ["dma_iova_link"]),
    ("dma_iova_sync", ["dma_iova_sync"]),
    ("dma_map_phys", ["dma_map_phys"]),
    ("dma_map_page_attrs", ["dma_map_page_attrs"]),
    ("IOTLB sync (map)", ["intel_iommu_iotlb_sync_map"]),
    ("IOTLB flush (unmap)", ["intel_iommu_tlb_sync"]),
    ("IOVA allocations", ["iommu_dma_alloc_iova"]),
    ("rxe FastReg + invalidations", ["rxe_reg_fast_mr", "rxe_invalidate_mr"]),
]


def main():
    data = json.load(open(sys.argv[1]))
    for transport, tdata in data.items():
        for direction in ("write", "read"):
            d = tdata.get(direction)
            if not d or not d.get("rpcs"):
                continue
            rpcs = d["rpcs"]
            cells = []
            for label, keys in ROWS:
                n = sum(d.get(k, 0) for k in keys)
                cells.append(f"{label} {n / rpcs:.2f}")
            print(f"{transport} {direction} {d['bytes'] >> 20} MiB in {rpcs} RPCs, per RPC: " + ", ".join(cells))


if __name__ == "__main__":
    main()
