#!/usr/bin/python3
"""O_DIRECT I/O that keeps a ledger, for fault injection (make stress, faults).

While faults are injected an RPC may fail (the application sees an errno)
or be retried (it sees nothing); neither may ever lose or corrupt data.
"io" writes and reads fixed blocks of a few files in random order with
O_DIRECT and records, per block, the generation the last write that
returned success put there; every read that returns success must return
exactly that content (or, for a block whose last write failed, some content
written to it).  "verify" then, with no fault armed, reads every block back
and checks it against the ledger.  One JSON object per phase on stdout;
exit status 1 if any data was wrong or lost, 0 otherwise (errnos are
reported, not judged here).

Block sizes cover payloads sent inline from mapped pages (2000 bytes:
the Send paths' mapping on client and server), chunked RPCs (4 KiB,
64 KiB, 1 MiB) and unaligned file offsets and buffers (5000 bytes at
buffer offset 512), as tests/fio/verify.fio does.  An open that fails
(its RPC may meet a fault too) counts as an error of the operation.
"""
import argparse
import errno
import json
import mmap
import os
import random
import struct
import sys
import time

FILES = [("b2000", 2000, 0), ("b4k", 4096, 0), ("b64k", 65536, 0),
         ("b1m", 1 << 20, 0), ("b5000", 5000, 512)]
BLOCKS = 8


def head(data):
    """(name, block, generation) of a block's content, for reports"""
    got = struct.unpack("<16sII", data[:24]) if len(data) >= 24 else data
    return repr(got)[:80]


def pattern(name, blk, gen, size):
    """Content of block blk of file name at generation gen."""
    seed = struct.pack("<16sII", name.encode(), blk, gen)
    rnd = random.Random(seed)
    head = struct.pack("<16sII", name.encode(), blk, gen)
    return (head + rnd.randbytes(size))[:size]


class Files:
    def __init__(self, d):
        self.dir = d
        self.fds = {}
        # page-aligned buffers, used at the file's buffer offset
        self.buf = mmap.mmap(-1, (1 << 20) + 8192)

    def fd(self, name):
        if name not in self.fds:
            self.fds[name] = os.open(os.path.join(self.dir, name),
                                     os.O_RDWR | os.O_CREAT | os.O_DIRECT,
                                     0o644)
        return self.fds[name]

    def write(self, name, size, boff, blk, data):
        fd = self.fd(name)
        mv = memoryview(self.buf)[boff:boff + size]
        mv[:] = data
        n = os.pwrite(fd, mv, blk * size)
        mv.release()
        if n != size:
            raise OSError(errno.EIO, "short write %d of %d" % (n, size))

    def read(self, name, size, boff, blk):
        fd = self.fd(name)
        mv = memoryview(self.buf)[boff:boff + size]
        mv[:] = b"\0" * size
        n = os.preadv(fd, [mv], blk * size)
        data = bytes(mv[:n])
        mv.release()
        return data


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        return {}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("phase", choices=["io", "verify"])
    ap.add_argument("--dir", required=True)
    ap.add_argument("--ledger", required=True)
    ap.add_argument("--ops", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--server-dir",
                    help="the same directory on the server (this guest is "
                    "both): a wrong read also reports what the server's "
                    "file holds and what a second read over NFS returns")
    a = ap.parse_args()

    # the directory's own RPCs may meet a fault too: try again
    for attempt in range(10):
        try:
            os.makedirs(a.dir, exist_ok=True)
            break
        except OSError:
            if attempt == 9:
                raise
            time.sleep(1)
    f = Files(a.dir)
    # ledger: "name/blk" -> {"gen": last successful write's generation or
    # None, "maybe": generations of failed writes since}
    led = load(a.ledger)
    res = {"phase": a.phase, "writes": 0, "write_errors": {}, "reads": 0,
           "read_errors": {}, "wrong": [], "checked": 0}
    t0 = time.monotonic()
    hist = []       # (op, "w" or "r", block, generation or "EIO"...)

    def check(name, size, boff, blk, where):
        ent = led.get("%s/%d" % (name, blk))
        try:
            data = f.read(name, size, boff, blk)
        except OSError as e:
            k = errno.errorcode.get(e.errno, str(e.errno))
            res["read_errors"][k] = res["read_errors"].get(k, 0) + 1
            return
        res["reads"] += 1
        hist.append((len(hist), "r", "%s/%d" % (name, blk), head(data)))
        if ent is None:
            return
        ok = [ent["gen"]] if ent["gen"] is not None else []
        if ent["maybe"]:
            ok += ent["maybe"]
        good = [g for g in ok if data == pattern(name, blk, g, size)]
        # no write to the block has succeeded yet and the ones tried
        # failed: it may still be the hole it was
        if ent["gen"] is None and data == bytes(size):
            good = ["hole"]
        res["checked"] += 1
        if not good:
            w = {"where": where, "block": "%s/%d" % (name, blk),
                 "len": len(data), "want": ok, "got_head": head(data),
                 "last_write_failed": bool(ent["maybe"])}
            # Is the file wrong, or was only this read?
            if a.server_dir:
                try:
                    with open(os.path.join(a.server_dir, name), "rb") as sf:
                        sf.seek(blk * size)
                        w["server_head"] = head(sf.read(size))
                except OSError as e:
                    w["server_head"] = str(e)
            try:
                w["reread_head"] = head(f.read(name, size, boff, blk))
            except OSError as e:
                w["reread_head"] = str(e)
            w["op"] = len(hist) - 1
            res["wrong"].append(w)

    if a.phase == "io":
        rnd = random.Random(a.seed)
        for _ in range(a.ops):
            name, size, boff = rnd.choice(FILES)
            blk = rnd.randrange(BLOCKS)
            key = "%s/%d" % (name, blk)
            if key in led and rnd.random() < 0.4:
                check(name, size, boff, blk, "io")
                continue
            ent = led.setdefault(key, {"gen": None, "maybe": []})
            gen = led.get("_next", 1)
            led["_next"] = gen + 1
            try:
                f.write(name, size, boff, blk, pattern(name, blk, gen, size))
                ent["gen"], ent["maybe"] = gen, []
                res["writes"] += 1
                hist.append((len(hist), "w", key, gen))
            except OSError as e:
                k = errno.errorcode.get(e.errno, str(e.errno))
                hist.append((len(hist), "w", key, "%s %d" % (k, gen)))
                res["write_errors"][k] = res["write_errors"].get(k, 0) + 1
                # a failed write may have reached the file in part
                ent["maybe"].append(gen)
        with open(a.ledger + ".new", "w") as out:
            json.dump(led, out)
        os.replace(a.ledger + ".new", a.ledger)
    else:
        for name, size, boff in FILES:
            for blk in range(BLOCKS):
                if "%s/%d" % (name, blk) in led:
                    check(name, size, boff, blk, "verify")
        # a block whose last write failed may hold a mix of generations
        # within one RPC's reach, never bytes from elsewhere: only exact
        # generations are accepted above, so a mix shows as wrong; report
        # those apart from blocks with a successful last write.
    res["seconds"] = round(time.monotonic() - t0, 1)
    # what the io phase did up to a wrong block, failed writes of any block
    # included
    wrong = {w["block"] for w in res["wrong"]}
    if wrong:
        res["history"] = [h for h in hist if h[2] in wrong or
                          (h[1] == "w" and isinstance(h[3], str))]
    print(json.dumps(res))
    lost = [w for w in res["wrong"] if not w["last_write_failed"]]
    if a.phase == "verify" and res["read_errors"]:
        return 1
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
