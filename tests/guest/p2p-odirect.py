#!/usr/bin/python3
"""O_DIRECT between an NFS/RDMA file and PCI P2PDMA memory (an NVMe CMB).

usage: p2p-odirect.py P2PMEM_ALLOCATE FILE

The buffer is mmap()ed from the provider's p2pmem/allocate, so its pages are
ZONE_DEVICE P2PDMA pages.  For each direction (write FILE from the buffer,
read FILE into the buffer) the outcome must be one of:
  - the kernel refuses the P2PDMA pages with EREMOTEIO (the errno of
    iov_iter_extract_pages() without ITER_ALLOW_P2PDMA), or
  - the I/O completes and the data is exactly what was written.
Anything else (another errno, a short transfer, wrong data) fails.
Exit status: 0 if data moved (and was right), 1 on any failure, 77 (skip)
if both directions were refused: nothing was tested end to end.
"""
import errno
import mmap
import os
import sys

alloc, path = sys.argv[1:3]
N = 256 * 1024
pfd = os.open(alloc, os.O_RDWR)
p2p = mmap.mmap(pfd, N)
pattern = os.urandom(N)
p2p[:] = pattern
assert p2p[:] == pattern, "p2pmem does not keep what the CPU wrote"
fail = 0


refused = 0


def outcome(what, fn):
    global fail, refused
    try:
        n = fn()
    except OSError as e:
        if e.errno == errno.EREMOTEIO:
            print(f"{what}: refused with EREMOTEIO (P2PDMA pages not extracted)")
            refused += 1
            return None
        print(f"{what}: FAIL: unexpected error {e}")
        fail = 1
        return None
    if n != N:
        print(f"{what}: FAIL: {n} of {N} bytes")
        fail = 1
        return None
    print(f"{what}: {n} bytes transferred")
    return n


# Host-memory reference copy of the file (page aligned for O_DIRECT).
host = mmap.mmap(-1, N)

# 1. write FILE from P2PDMA memory
fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_DIRECT)
if outcome("write from p2pmem", lambda: os.pwrite(fd, p2p, 0)):
    got = os.preadv(fd, [host], 0)
    if got != N or host[:] != pattern:
        print(f"write from p2pmem: FAIL: read back {got} bytes, data "
              f"{'matches' if host[:] == pattern else 'differs'}")
        fail = 1
    else:
        print("write from p2pmem: read back into host memory, data matches")
else:
    size = os.fstat(fd).st_size
    if size not in (0,):
        print(f"write from p2pmem: FAIL: refused, but the file has {size} bytes")
        fail = 1

# 2. read FILE into P2PDMA memory: write it from host memory first
other = os.urandom(N)
host[:] = other
if os.pwrite(fd, host, 0) != N:
    print("FAIL: could not write the file from host memory")
    sys.exit(1)
p2p[:] = bytes(N)
if outcome("read into p2pmem", lambda: os.preadv(fd, [p2p], 0)):
    if p2p[:] != other:
        print("read into p2pmem: FAIL: data differs")
        fail = 1
    else:
        print("read into p2pmem: data matches")
elif p2p[:] != bytes(N):
    print("read into p2pmem: FAIL: refused, but the buffer changed")
    fail = 1
os.close(fd)
if not fail and refused == 2:
    print("both directions refused with EREMOTEIO: no data moved")
    sys.exit(77)
sys.exit(fail)
