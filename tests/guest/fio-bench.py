#!/usr/bin/python3
"""make bench, in the guest: judge the verification run, summarise the timed jobs.

verify VERIFY_JSON
    One line per job of tests/fio/bench-verify.fio ("ok JOB" or "fail JOB
    REASON"); exit 1 unless every job wrote its whole size and read all of it
    back (do_verify) without error.

summary OUT_JSON LOGDIR JOBS RUNTIME RAMP SIZE
    From LOGDIR/fio-bench-JOB.json (fio's JSON of the timed run) and
    LOGDIR/fio-bench-JOB.stat (samples: wall time in s, the "cpu" line of
    /proc/stat, a label: "pre" and "post" from fio's exec_prerun and
    exec_postrun, just before and after the I/O loop; "start" and "end"
    around the whole fio process), write OUT_JSON:
    the settings the guest ran with, the verification result, and per job
    bytes moved, bandwidth, IOPS, completion latency p50/p99 (ns) and the
    guest's CPU time over the window.  Exit 1 if a job is missing, failed
    or moved no data.

CPU: /proc/stat counts USER_HZ ticks per state, summed over all CPUs.
cpu_sys_softirq_s is (system + softirq) / USER_HZ over the window (the
figure make bench compares), cpu_irq_s the hard-irq ticks apart;
cpu_s_per_gib = cpu_sys_softirq_s / (read + write io_bytes / 2^30).  The
window is pre to post: fio's I/O loop, the run its bytes and runtime come
from (window_s against runtime_s shows the difference); outer_window_s
and outer_cpu_sys_softirq_s are start to end, fio's start and exit
included, for comparison.
"""
import json
import os
import sys

STAT_FIELDS = ("user", "nice", "system", "idle", "iowait", "irq", "softirq",
               "steal", "guest", "guest_nice")


def load_fio(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    # fio may print warnings before the JSON document
    return json.loads(text[text.index("{"):text.rindex("}") + 1])


def size_bytes(s):
    s = str(s).strip().lower()
    mult = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
    if s and s[-1] in mult:
        return int(s[:-1]) * mult[s[-1]]
    return int(s)


def verify(path):
    try:
        doc = load_fio(path)
    except (OSError, ValueError) as e:
        print(f"fail fio cannot read {path}: {e}")
        return 1, {}
    bad = 0
    jobs = {}
    for j in doc.get("jobs", []):
        name = j["jobname"]
        size = size_bytes(j["job options"]["size"])
        w, r = j["write"]["io_bytes"], j["read"]["io_bytes"]
        why = None
        if j.get("error"):
            why = f"error {j['error']}"
        elif w != size:
            why = f"wrote {w} of {size} bytes"
        elif r != size:
            why = f"read back and verified {r} of {size} bytes"
        jobs[name] = {"ok": why is None, "size": size, "written": w,
                      "verified": r, "error": j.get("error", 0)}
        if why:
            jobs[name]["reason"] = why
            bad += 1
            print(f"fail {name} {why}")
        else:
            print(f"ok {name} wrote and verified {size} bytes")
    if not jobs:
        print("fail no verification job ran")
        bad += 1
    return (1 if bad else 0), jobs


def read_stat(path):
    """{label: (wall_s, {field: ticks})}; each label exactly once."""
    samples = {}
    with open(path) as f:
        for line in f:
            w = line.split()
            if len(w) < 3 or w[1] != "cpu":
                continue
            label, ticks = w[-1], [int(x) for x in w[2:-1]]
            if label in samples:
                raise ValueError(f"{path}: sample '{label}' twice")
            samples[label] = (float(w[0]), dict(zip(STAT_FIELDS, ticks)))
    for label in ("pre", "post"):
        if label not in samples:
            raise ValueError(f"{path}: no '{label}' sample (fio exec_prerun/postrun)")
    return samples


def delta(samples, a, b):
    (t0, s0), (t1, s1) = samples[a], samples[b]
    return t1 - t0, {k: s1[k] - s0[k] for k in s0 if k in s1}


def job_summary(logdir, job, hz):
    doc = load_fio(os.path.join(logdir, f"fio-bench-{job}.json"))
    js = [j for j in doc.get("jobs", []) if j["jobname"] == job]
    if len(js) != 1:
        raise ValueError(f"fio ran {len(js)} jobs named {job}")
    j = js[0]
    samples = read_stat(os.path.join(logdir, f"fio-bench-{job}.stat"))
    window, d = delta(samples, "pre", "post")
    if window <= 0 or any(v < 0 for v in d.values()):
        raise ValueError(f"samples out of order: {window} s, {d}")
    total = sum(d[k] for k in ("user", "nice", "system", "idle", "iowait",
                               "irq", "softirq", "steal") if k in d)
    rw = j["job options"].get("rw", "")
    main = "write" if "write" in rw else "read"
    m = j[main]
    nbytes = j["read"]["io_bytes"] + j["write"]["io_bytes"]
    pct = m.get("clat_ns", {}).get("percentile", {})
    sys_softirq = (d["system"] + d["softirq"]) / hz
    gib = nbytes / 2**30
    out = {
        "error": j.get("error", 0),
        "rw": rw,
        "bs": j["job options"].get("bs"),
        "iodepth": j["job options"].get("iodepth"),
        "bytes": nbytes,
        "runtime_s": j.get("job_runtime", 0) / 1000,
        "window_s": round(window, 6),
        "bw_bytes": m["bw_bytes"],
        "iops": m["iops"],
        "clat_mean_ns": m.get("clat_ns", {}).get("mean"),
        "clat_p50_ns": pct.get("50.000000"),
        "clat_p99_ns": pct.get("99.000000"),
        "ticks": d,
        "cpu_sys_softirq_s": sys_softirq,
        "cpu_irq_s": d["irq"] / hz,
        "cpu_user_s": (d["user"] + d["nice"]) / hz,
        "cpu_busy_fraction": (total - d["idle"] - d["iowait"]) / total if total else None,
        "cpu_s_per_gib": sys_softirq / gib if gib else None,
        "cpu_irq_s_per_gib": d["irq"] / hz / gib if gib else None,
    }
    if "start" in samples and "end" in samples:
        ow, od = delta(samples, "start", "end")
        out["outer_window_s"] = round(ow, 6)
        out["outer_cpu_sys_softirq_s"] = (od["system"] + od["softirq"]) / hz
    return out


def kprobes():
    """Kprobes armed in this kernel (the IOMMU vehicle arms its own)."""
    try:
        with open("/sys/kernel/debug/kprobes/list") as f:
            names = sorted({ln.split()[2].split("+")[0] for ln in f if len(ln.split()) > 2})
        return {"count": len(names), "symbols": names}
    except OSError as e:
        return {"error": str(e)}


def summary(out, logdir, jobs, runtime, ramp, size):
    hz = os.sysconf("SC_CLK_TCK")
    res = {
        "settings": {"runtime_s": int(runtime), "ramp_s": int(ramp),
                     "jobs": [j for j in jobs.split(",") if j], "size": size},
        "user_hz": hz,
        "ncpu": os.cpu_count(),
        "kernel": os.uname().release,
        "cmdline": open("/proc/cmdline").read().strip(),
        "kprobes": kprobes(),
        "cpu_window": "fio exec_prerun to exec_postrun of the timed run: its I/O "
                      "loop (the ramp is a separate run before it)",
        "jobs": {},
    }
    vpath = os.path.join(logdir, "fio-bench-verify.json")
    vrc, vjobs = verify(vpath) if os.path.exists(vpath) else (1, {})
    res["verify"] = {"ok": vrc == 0, "jobs": vjobs}
    bad = 0
    for job in res["settings"]["jobs"]:
        try:
            s = job_summary(logdir, job, hz)
        except (OSError, ValueError, KeyError) as e:
            res["jobs"][job] = {"error": f"no result: {e}"}
            print(f"fail {job}: {e}")
            bad += 1
            continue
        res["jobs"][job] = s
        if s["error"] or not s["bytes"]:
            print(f"fail {job}: error {s['error']}, {s['bytes']} bytes")
            bad += 1
        print(f"{job}: {s['bytes'] / 2**20:.1f} MiB in {s['runtime_s']:.2f} s "
              f"(window {s['window_s']:.2f} s), {s['bw_bytes'] / 2**20:.2f} MiB/s, "
              f"{s['iops']:.0f} IOPS, clat p50 {s['clat_p50_ns']} p99 {s['clat_p99_ns']} ns, "
              f"sys+softirq {s['cpu_sys_softirq_s']:.2f} s = {s['cpu_s_per_gib'] or 0:.3f} s/GiB, "
              f"busy {100 * (s['cpu_busy_fraction'] or 0):.0f}%")
    with open(out, "w") as f:
        json.dump(res, f, indent=1, sort_keys=True)
    return 1 if bad else 0


def main(argv):
    if len(argv) == 3 and argv[1] == "verify":
        return verify(argv[2])[0]
    if len(argv) == 8 and argv[1] == "summary":
        return summary(*argv[2:8])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
