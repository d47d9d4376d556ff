#!/usr/bin/python3
"""Judge a write + verify_only pair of fio JSON outputs (tests/fio/verify.fio).

usage: fio-summary.py WRITE_JSON VERIFY_JSON
Prints "ok JOB" or "fail JOB REASON" per job.  A job passes only if the write
pass wrote its whole size without error and the verify pass read all of it
back and verified it without error: a verify pass that read nothing fails.
"""
import json
import sys


def load(path):
    try:
        text = open(path).read()
        return {j["jobname"]: j for j in json.loads(text[text.index("{"):])["jobs"]}
    except (OSError, ValueError, KeyError) as e:
        print(f"fail fio cannot read {path}: {e}")
        sys.exit(1)


written, verified = load(sys.argv[1]), load(sys.argv[2])
bad = 0
for name, w in written.items():
    size = int(w["job options"]["size"].rstrip("m")) << 20 if w["job options"]["size"].endswith("m") \
        else int(w["job options"]["size"])
    v = verified.get(name)
    why = None
    if w["error"] or w["write"]["io_bytes"] != size:
        why = f"write pass: error {w['error']}, wrote {w['write']['io_bytes']} of {size} bytes"
    elif v is None:
        why = "no verify pass"
    elif v["error"] or v["read"]["io_bytes"] != size:
        why = f"verify pass: error {v['error']}, read back {v['read']['io_bytes']} of {size} bytes"
    if why:
        bad += 1
        print(f"fail {name} {why}")
    else:
        print(f"ok {name}")
sys.exit(1 if bad else 0)
