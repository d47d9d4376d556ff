#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A hostile RPC-over-RDMA version 1 client (RFC 8166) for svcrdma.

Each case opens its own RDMA connection to nfsd (rdma_cm, port 20049),
sends one malformed Call and classifies what the server did:

  reply      an RPC Reply (RDMA_MSG) with the Call's XID
  ERR_VERS   an RDMA_ERROR with err_vers
  ERR_CHUNK  an RDMA_ERROR with err_chunk
  closed     the connection went down: a flushed or failed completion, or,
             when nothing completed within the timeout, the server
             disconnected: the client's rdma_cm ID is in DISCONNECT (it
             got the DREQ or the TCP close), its QP left RTS, or the
             server's rdma_cm ID of this connection (the one whose
             destination is the client's address and port) is gone.
             rdma_cm's synchronous API delivers no DISCONNECTED event and
             leaves a user QP in RTS, and siw's client side may not see
             the close at all, so all three are read from `rdma resource
             show`.
  dropped    nothing within the timeout, and the connection still up
  refused    the connection could not be made

A case passes if the outcome is one the case allows, and if after it a
well-formed NULL Call on a new connection gets its reply (the server is
still up and serving).  One JSON object per case on stdout.

Runs in the guest with Debian's python3-pyverbs (/usr/bin/python3).
"""
import argparse
import json
import multiprocessing as mp
import os
import struct
import subprocess
import sys

import pyverbs.cm_enums as ce
import pyverbs.enums as e
from pyverbs.cmid import CMID, AddrInfo, ConnParam
from pyverbs.qp import QPCap, QPInitAttr

RDMA_MSG, RDMA_NOMSG, RDMA_DONE, RDMA_ERROR = 0, 1, 3, 4
ERR_VERS, ERR_CHUNK = 1, 2
BUF = 4096
NFS_PROG, NFS_V3 = 100003, 3


def u32(*vals):
    return b"".join(struct.pack(">I", v & 0xFFFFFFFF) for v in vals)


def u64(val):
    return struct.pack(">Q", val & 0xFFFFFFFFFFFFFFFF)


def seg(handle, length, offset):
    return u32(handle, length) + u64(offset)


def hdr(xid, vers=1, credits=32, proc=RDMA_MSG):
    return u32(xid, vers, credits, proc)


def rpc_null(xid):
    # xid, CALL, rpcvers 2, prog, vers, proc NULL, AUTH_NULL cred + verf
    return u32(xid, 0, 2, NFS_PROG, NFS_V3, 0, 0, 0, 0, 0)


NO_CHUNKS = u32(0, 0, 0)
RPC_LEN = len(rpc_null(0))


def read_seg(position, handle, length, offset):
    return u32(1, position) + seg(handle, length, offset)


# name -> (builder(xid, rkey, raddr) -> bytes, allowed outcomes)
CASES = {
    "valid-null": (lambda x, k, a: hdr(x) + NO_CHUNKS + rpc_null(x),
                   {"reply"}),
    "truncated-header": (lambda x, k, a: hdr(x)[:12], {"ERR_CHUNK"}),
    "bad-version": (lambda x, k, a: hdr(x, vers=2) + NO_CHUNKS + rpc_null(x),
                    {"ERR_VERS"}),
    "bad-proc": (lambda x, k, a: hdr(x, proc=9) + NO_CHUNKS + rpc_null(x),
                 {"ERR_CHUNK"}),
    "rdma-done-dropped": (lambda x, k, a: hdr(x, proc=RDMA_DONE) + NO_CHUNKS,
                          {"dropped"}),
    # chunk lists that claim more than the message holds
    "read-list-unterminated": (
        lambda x, k, a: hdr(x) + read_seg(0, k, 4096, a) * 3,
        {"ERR_CHUNK"}),
    "write-list-nsegs-huge": (
        lambda x, k, a: hdr(x) + u32(0, 1, 0xFFFFFFFF) + seg(k, 4096, a) +
        u32(0, 0) + rpc_null(x), {"ERR_CHUNK"}),
    "write-list-nsegs-past-buffer": (
        lambda x, k, a: hdr(x) + u32(0, 1, 1000) + seg(k, 4096, a) * 2,
        {"ERR_CHUNK"}),
    "reply-chunk-nsegs-huge": (
        lambda x, k, a: hdr(x) + u32(0, 0, 1, 0x10000000) + seg(k, 4096, a),
        {"ERR_CHUNK"}),
    "many-write-chunks": (
        lambda x, k, a: hdr(x) + u32(0) +
        (u32(1, 1) + seg(k, 16, a)) * 100 + u32(0, 0) + rpc_null(x),
        {"ERR_CHUNK", "reply", "closed"}),
    # read chunks the server must pull with RDMA READ
    "read-zero-length": (
        lambda x, k, a: hdr(x) + read_seg(RPC_LEN, k, 0, a) + u32(0, 0, 0) +
        rpc_null(x), {"ERR_CHUNK", "reply", "closed"}),
    "read-position-past-call": (
        lambda x, k, a: hdr(x) + read_seg(RPC_LEN + 4096, k, 64, a) +
        u32(0, 0, 0) + rpc_null(x), {"ERR_CHUNK", "closed"}),
    "read-offset-wraps": (
        lambda x, k, a: hdr(x) + read_seg(RPC_LEN, k, 8192,
                                          0xFFFFFFFFFFFFF000) +
        u32(0, 0, 0) + rpc_null(x), {"ERR_CHUNK", "closed"}),
    "read-length-huge": (
        lambda x, k, a: hdr(x) + read_seg(RPC_LEN, k, 0xFFFFFFF0, a) +
        u32(0, 0, 0) + rpc_null(x), {"ERR_CHUNK", "closed"}),
    "read-invalid-rkey": (
        lambda x, k, a: hdr(x) + read_seg(RPC_LEN, 0xDEADBEEF, 4096, a) +
        u32(0, 0, 0) + rpc_null(x), {"ERR_CHUNK", "closed"}),
    "read-unregistered-memory": (
        lambda x, k, a: hdr(x) + read_seg(RPC_LEN, k, 4096, a + (1 << 20)) +
        u32(0, 0, 0) + rpc_null(x), {"ERR_CHUNK", "closed"}),
    "read-overlapping-segments": (
        lambda x, k, a: hdr(x) + read_seg(RPC_LEN, k, 2048, a) +
        read_seg(RPC_LEN, k, 2048, a + 1024) + u32(0, 0, 0) + rpc_null(x),
        {"ERR_CHUNK", "reply", "closed"}),
    # a reply chunk the server must write the Reply into
    "reply-chunk-invalid-rkey": (
        lambda x, k, a: hdr(x) + u32(0, 0, 1, 1) +
        seg(0xDEADBEEF, 4096, a) + rpc_null(x),
        {"closed", "ERR_CHUNK"}),
    "reply-chunk-too-small": (
        lambda x, k, a: hdr(x, proc=RDMA_MSG) + u32(0, 0, 1, 1) +
        seg(k, 4, a) + rpc_null(x), {"reply", "ERR_CHUNK", "closed"}),
}


def classify(buf, xid):
    words = struct.unpack(">%dI" % (len(buf) // 4), buf[:len(buf) // 4 * 4])
    if len(words) < 4 or words[0] != xid:
        return "garbage"
    if words[3] == RDMA_ERROR and len(words) >= 5:
        return {ERR_VERS: "ERR_VERS", ERR_CHUNK: "ERR_CHUNK"}.get(
            words[4], "RDMA_ERROR %d" % words[4])
    if words[3] in (RDMA_MSG, RDMA_NOMSG):
        return "reply"
    return "proc %d" % words[3]


def run_case(name, server, port, out):
    """Child process: one connection, one Call, one classification."""
    build, _ = CASES[name]
    xid = 0x5EED0000 + list(CASES).index(name)
    try:
        ai = AddrInfo(dst=server, dst_service=str(port),
                      port_space=ce.RDMA_PS_TCP)
        cap = QPCap(max_send_wr=4, max_recv_wr=4, max_send_sge=1,
                    max_recv_sge=1)
        cmid = CMID(creator=ai,
                    qp_init_attr=QPInitAttr(qp_type=e.IBV_QPT_RC, cap=cap))
        recv_mr = cmid.reg_msgs(BUF)
        send_mr = cmid.reg_msgs(BUF)
        # memory the server may legitimately RDMA READ/WRITE
        target = cmid.reg_read(BUF)
        cmid.post_recv(recv_mr, BUF)
        cmid.connect(ConnParam())
    except Exception as exc:  # noqa: BLE001 - reported, not hidden
        out.put(("refused", repr(exc)))
        return
    out.put(("qp", cmid.dev_name, cmid.qpn, os.getpid()))
    msg = build(xid, target.rkey, target.buf)
    send_mr.write(msg, len(msg))
    try:
        cmid.post_send(send_mr, e.IBV_SEND_SIGNALED, len(msg))
        wc = cmid.get_send_comp()
        if wc.status != e.IBV_WC_SUCCESS:
            out.put(("closed", "send status %d" % wc.status))
            return
        wc = cmid.get_recv_comp()
    except Exception as exc:  # noqa: BLE001
        out.put(("closed", repr(exc)))
        return
    if wc.status != e.IBV_WC_SUCCESS:
        out.put(("closed", "recv status %d" % wc.status))
        return
    data = recv_mr.read(wc.byte_len, 0)
    out.put((classify(data, xid), data[:32].hex()))


def res_state(*args):
    """The state of the one resource `rdma resource show ARGS` lists."""
    try:
        res = subprocess.run(["rdma", "resource", "show"] + list(args),
                             capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError) as exc:
        return "unknown (%r)" % exc
    words = res.stdout.split()
    if "state" in words:
        return words[words.index("state") + 1]
    return "gone" if res.returncode == 0 else "unknown (%s)" % res.stderr.strip()


def conn_state(dev, qpn, pid):
    """(QP state, rdma_cm ID state) of the client's connection"""
    return (res_state("qp", "link", "%s/1" % dev, "lqpn", str(qpn)),
            res_state("cm_id", "pid", str(pid)))


def server_side(pid):
    """State of the server's rdma_cm ID of the client's (PID's)
    connection: "gone" when the server has none with the client's
    address and port as its destination."""
    try:
        res = subprocess.run(["rdma", "resource", "show", "cm_id"],
                             capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError) as exc:
        return "unknown (%r)" % exc
    lines = res.stdout.splitlines()
    mine = [ln.split() for ln in lines if " pid %d " % pid in ln + " "
            and "src-addr" in ln]
    if len(mine) != 1:
        return "unknown (%d client IDs)" % len(mine)
    src = mine[0][mine[0].index("src-addr") + 1]
    for ln in lines:
        w = ln.split()
        if "dst-addr" in w and w[w.index("dst-addr") + 1] == src:
            return w[w.index("state") + 1] if "state" in w else "?"
    return "gone"


def attempt(name, server, port, timeout):
    # SimpleQueue writes at put(): a Queue's feeder thread needs the GIL,
    # which the child holds while blocked in a verbs call
    out = mp.SimpleQueue()
    proc = mp.Process(target=run_case, args=(name, server, port, out))
    proc.start()
    proc.join(timeout)
    qp = None
    while not out.empty():
        item = out.get()
        if item[0] == "qp":
            qp = item[1:]
        else:
            proc.join()
            return item
    if proc.is_alive():
        qps, cms = conn_state(*qp) if qp else ("no QP", "no ID")
        srv = server_side(qp[2]) if qp else "unknown"
        proc.kill()
        proc.join()
        state = "client QP %s, rdma_cm ID %s; server's ID %s" % (qps, cms, srv)
        if qp and (qps != "RTS" or cms == "DISCONNECT" or srv == "gone"):
            return "closed", "nothing completed in %d s; %s" % (timeout, state)
        return "dropped", "nothing in %d s; %s" % (timeout, state)
    return "crashed", "client exit %s" % proc.exitcode


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--port", type=int, default=20049)
    ap.add_argument("--timeout", type=int, default=15)
    ap.add_argument("cases", nargs="*", default=list(CASES))
    args = ap.parse_args()
    failed = 0
    for name in args.cases:
        outcome, detail = attempt(name, args.server, args.port, args.timeout)
        control, cdetail = attempt("valid-null", args.server, args.port,
                                   args.timeout)
        ok = outcome in CASES[name][1] and control == "reply"
        failed += not ok
        print(json.dumps({"case": name, "outcome": outcome,
                          "allowed": sorted(CASES[name][1]),
                          "detail": detail, "control": control,
                          "control_detail": cdetail, "ok": ok}), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
