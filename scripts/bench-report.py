#!/usr/bin/env python3
"""make bench: the record of each boot, and the report of a run.

bench-report.py meta RUN_DIR [--set K=V]... [--set-json K=JSON]... [--append K=V]...
    Create or update RUN_DIR/bench-meta.json (knobs, kernels, host).  A key
    a.b sets b in the object a; --append adds V to the list K.

bench-report.py boot BOOT_DIR [--set K=V]... [--set-json K=JSON]...
        [--reason TEXT]... [--ignored LINE]...
        [--expect-runtime S --expect-ramp S --expect-jobs J1,J2,... --expect-size SIZE]
    Write BOOT_DIR/bench-boot.json: the fields given, and "status" ok or
    failed with its "reasons": those given (QEMU exit, "not ok" results,
    kernel reports, found by scripts/bench) plus what is wrong with
    BOOT_DIR/logs/fio-bench.json (missing, verification failed, a job
    without data, settings other than the ones asked for).  Prints the
    status; exit 0 if ok, 1 if failed.

bench-report.py report RUN_DIR OUT_PREFIX [--microbench FILE]
        [--resamples N] [--seed N]
    Read every boot of RUN_DIR, write OUT_PREFIX.json, .md and .png, print
    a summary.  Per configuration and round, the A and B boots form a pair;
    a pair is used only if both boots are ok (the others are listed as
    dropped, with their reasons); warm-up boots are listed, never used.
    Per job and metric: the paired ratios B/A, their median, min-max, and a
    percentile bootstrap 95% interval of the median (N resamples of the
    pairs with replacement, fixed seed, both recorded), and the A and B
    medians.  Targets (fixed, never tuned): fio throughput B/A >= 1.00 on
    every job and configuration; CPU (system + softirq) per GiB B/A <= 0.90
    on the IOMMU vehicle (config "iommu").  A target is "met" when the
    whole interval is on its side, "missed" when the whole interval is on
    the other side, "inconclusive" when it straddles.  Exit 3 if a
    configuration has no usable pair, else 0.
"""
import argparse
import datetime
import glob
import json
import math
import os
import random
import statistics
import sys

FIO_TARGET = 1.00        # throughput B/A, every job and configuration
CPU_TARGET = 0.90        # CPU s/GiB B/A, on the vehicle
CPU_TARGET_CONFIGS = ("iommu",)
CONFIG_NAMES = {"rxe": "rxe (virtual DMA)", "iommu": "IOMMU vehicle, strict"}

# metric -> (label, unit, getter(job summary of fio-bench.json), higher is better)
METRICS = {
    "throughput": ("throughput", "MiB/s", lambda j: j["bw_bytes"] / 2**20, True),
    "cpu_s_per_gib": ("CPU sys+softirq per GiB", "s/GiB", lambda j: j["cpu_s_per_gib"], False),
    "clat_p50_us": ("clat p50", "us", lambda j: j["clat_p50_ns"] / 1000, False),
    "clat_p99_us": ("clat p99", "us", lambda j: j["clat_p99_ns"] / 1000, False),
}


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def write_json(path, obj):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=1, sort_keys=True)
        f.write("\n")
    os.replace(tmp, path)


def apply_sets(obj, sets, set_json, append=None):
    """K=V (a string), K=JSON, K=V appended to a list; a.b=V sets obj[a][b]."""
    def put(kv, conv, add=False):
        k, _, v = kv.partition("=")
        *path, last = k.split(".")
        o = obj
        for p in path:
            o = o.setdefault(p, {})
        if add:
            o.setdefault(last, []).append(conv(v))
        else:
            o[last] = conv(v)
    for kv in sets or []:
        put(kv, str)
    for kv in set_json or []:
        put(kv, json.loads)
    for kv in append or []:
        put(kv, str, add=True)


# ---------------------------------------------------------------- meta, boot

def cmd_meta(args):
    path = os.path.join(args.dir, "bench-meta.json")
    meta = load_json(path) if os.path.exists(path) else {}
    apply_sets(meta, args.set, args.set_json, args.append)
    write_json(path, meta)
    return 0


def check_fio_bench(d, runtime, ramp, jobs, size=None):
    """Reasons why BOOT_DIR/logs/fio-bench.json cannot be used (empty: fine)."""
    path = os.path.join(d, "logs", "fio-bench.json")
    try:
        fb = load_json(path)
    except (OSError, ValueError) as e:
        return [f"no usable logs/fio-bench.json ({e.__class__.__name__}: {e})"]
    why = []
    s = fb.get("settings", {})
    if runtime is not None and s.get("runtime_s") != runtime:
        why.append(f"guest ran RUNTIME={s.get('runtime_s')}, asked for {runtime}")
    if ramp is not None and s.get("ramp_s") != ramp:
        why.append(f"guest ran RAMP={s.get('ramp_s')}, asked for {ramp}")
    if jobs is not None and s.get("jobs") != jobs:
        why.append(f"guest ran jobs {s.get('jobs')}, asked for {jobs}")
    if size is not None and s.get("size") != size:
        why.append(f"guest used BENCH_SIZE={s.get('size')}, asked for {size}")
    if not fb.get("verify", {}).get("ok"):
        bad = {k: v.get("reason") for k, v in fb.get("verify", {}).get("jobs", {}).items() if not v.get("ok")}
        why.append(f"verification failed: {bad or 'no verification result'}")
    for name in jobs or s.get("jobs", []):
        j = fb.get("jobs", {}).get(name)
        if not j:
            why.append(f"job {name}: no result")
        elif isinstance(j.get("error"), str):
            why.append(f"job {name}: {j['error']}")
        elif j.get("error") or not j.get("bytes") or j.get("cpu_s_per_gib") is None:
            why.append(f"job {name}: error {j.get('error')}, {j.get('bytes')} bytes")
    return why


def cmd_boot(args):
    path = os.path.join(args.dir, "bench-boot.json")
    rec = load_json(path) if os.path.exists(path) else {}
    apply_sets(rec, args.set, args.set_json)
    jobs = args.expect_jobs.split(",") if args.expect_jobs else None
    reasons = list(args.reason or []) + check_fio_bench(
        args.dir, args.expect_runtime, args.expect_ramp, jobs, args.expect_size)
    rec["reasons"] = reasons
    rec["ignored_not_ok"] = list(args.ignored or [])
    rec["status"] = "failed" if reasons else "ok"
    write_json(path, rec)
    print(rec["status"] + ("".join(f"\n  {r}" for r in reasons)))
    return 1 if reasons else 0


# ---------------------------------------------------------------- statistics

def bootstrap_ci(vals, resamples, seed, stat=statistics.median, level=0.95):
    """Percentile bootstrap interval of stat(vals)."""
    rng = random.Random(seed)
    n = len(vals)
    st = sorted(stat([vals[rng.randrange(n)] for _ in range(n)]) for _ in range(resamples))
    lo = st[int(math.floor((1 - level) / 2 * resamples))]
    hi = st[int(math.ceil((1 + level) / 2 * resamples)) - 1]
    return lo, hi


# Fewer pairs than this never give a verdict: with 2-5 pairs the bootstrap
# interval of the median is about [min, max], and at a true ratio of exactly
# the target it says "met" 27% (2 pairs) to 4.5% (5 pairs) of the time,
# against the 2.5% a 95% interval promises (simulated with these functions).
MIN_PAIRS = 6


def verdict(ci, target, higher_ok, n):
    """met / missed / inconclusive for a ratio target, from the interval."""
    if ci is None or n < MIN_PAIRS:
        return "inconclusive"
    lo, hi = ci
    if higher_ok:
        return "met" if lo >= target else "missed" if hi < target else "inconclusive"
    return "met" if hi <= target else "missed" if lo > target else "inconclusive"


def combine(verdicts):
    if not verdicts:
        return "inconclusive"
    if "missed" in verdicts:
        return "missed"
    return "met" if all(v == "met" for v in verdicts) else "inconclusive"


# ---------------------------------------------------------------- report

def load_boots(run):
    boots = []
    for p in sorted(glob.glob(os.path.join(run, "*", "bench-boot.json"))):
        b = load_json(p)
        b["dir"] = os.path.dirname(p)
        b["name"] = os.path.basename(b["dir"])
        boots.append(b)
    boots.sort(key=lambda b: int(b.get("seq", 0)))
    return boots


def counters_per_rpc(c):
    """{transport: {direction: {function: calls per RPC}}}; numeric keys only."""
    out = {}
    for tr, td in c.items():
        for d in ("write", "read"):
            dd = td.get(d) or {}
            rpcs = dd.get("rpcs") or 0
            if not rpcs:
                continue
            row = {"rpcs": rpcs}
            for k, v in dd.items():
                if k in ("rpcs", "bytes") or isinstance(v, bool) or not isinstance(v, (int, float)):
                    continue
                row[k] = v / rpcs
            out.setdefault(tr, {})[d] = row
    return out


def fmt(v, nd=2):
    if v is None:
        return "-"
    if abs(v) >= 1000:
        return f"{v:.0f}"
    return f"{v:.{nd}f}"


def cmd_report(args):
    run = args.run_dir
    meta_path = os.path.join(run, "bench-meta.json")
    meta = load_json(meta_path) if os.path.exists(meta_path) else {}
    boots = load_boots(run)
    knobs = meta.get("knobs", {})
    smoke = str(knobs.get("BENCH_SMOKE", "")) == "1"
    configs = knobs.get("CONFIGS", "").split() or sorted({b["config"] for b in boots})
    jobs_wanted = knobs.get("JOBS", "").split() or None

    for b in boots:
        b["fio"] = b["counters"] = None
        if b.get("status") != "ok":
            continue
        b["fio"] = load_json(os.path.join(b["dir"], "logs", "fio-bench.json"))
        cp = os.path.join(b["dir"], "logs", "counters.json")
        if os.path.exists(cp):
            try:
                b["counters"] = counters_per_rpc(load_json(cp))
            except (ValueError, AttributeError) as e:
                b["counters_error"] = str(e)

    report = {
        "generated": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "run_dir": os.path.abspath(run),
        "smoke": smoke,
        "meta": meta,
        "statistics": {
            "pair": "one boot of each kernel in the same round and configuration, "
                    "consecutive, order alternating A B / B A by round",
            "ratio": "B/A per pair (patched over base)",
            "point": "median of the paired ratios",
            "interval": "percentile bootstrap 95% interval of the median of the paired ratios",
            "resamples": args.resamples,
            "seed": args.seed,
            "seed_per_metric": "random.Random('SEED:CONFIG:JOB:METRIC')",
        },
        "targets": {
            "rule": "met: the whole 95% interval on the target's side; missed: the whole "
                    "interval on the other side; inconclusive: it straddles the target "
                    f"(or fewer than {MIN_PAIRS} pairs were kept)",
            "fio": {"what": f"throughput B/A >= {FIO_TARGET:.2f} on every job and configuration"},
            "cpu": {"what": f"CPU (system+softirq) per GiB B/A <= {CPU_TARGET:.2f} on "
                            + ", ".join(CPU_TARGET_CONFIGS) + " (the IOMMU vehicle, strict)"},
        },
        "configs": {},
        "warmups": [],
        "boots": [],
    }
    for b in boots:
        report["boots"].append({k: v for k, v in b.items() if k not in ("fio", "counters", "dir")})
        if b.get("kind") == "warmup":
            report["warmups"].append({k: b.get(k) for k in ("name", "config", "side", "status", "reasons")})

    fio_verdicts, cpu_verdicts = [], []
    warnings = []
    for side in ("A", "B"):
        shas = {b.get("kernel_sha256") for b in boots if b.get("side") == side}
        if len(shas) > 1:
            warnings.append(f"kernel {side} changed during the run: sha256 {sorted(map(str, shas))}")
    for cfg in configs:
        # Every round the plan has, booted or not (an interrupted run
        # reported by hand lists the rounds that never started as dropped)
        rounds = {}
        for p in meta.get("plan", []):
            f = p.split()
            if len(f) >= 3 and f[0] == "round" and f[1] == cfg:
                rounds.setdefault(int(f[2]), {})
        for b in boots:
            if b.get("config") == cfg and b.get("kind") == "round":
                rounds.setdefault(int(b["round"]), {})[b["side"]] = b
        kept, dropped = [], []
        for r in sorted(rounds):
            p = rounds[r]
            bad = [f"{s}: " + ("; ".join(p[s].get("reasons") or []) or p[s].get("status", "?"))
                   if s in p else f"{s}: no boot" for s in ("A", "B")
                   if s not in p or p[s].get("status") != "ok"]
            if bad:
                dropped.append({"round": r, "why": bad})
            else:
                kept.append((r, p["A"], p["B"]))
        c = {"name": CONFIG_NAMES.get(cfg, cfg), "pairs_planned": len(rounds),
             "pairs_kept": len(kept), "pairs_dropped": dropped, "jobs": {}, "counters": {}}
        if not kept:
            warnings.append(f"{cfg}: no usable pair")
        elif len(kept) < MIN_PAIRS:
            warnings.append(f"{cfg}: only {len(kept)} of {len(rounds)} pairs kept: "
                            f"no target verdict below {MIN_PAIRS}")
        jobs = jobs_wanted or sorted({j for _, a, b in kept for j in a["fio"]["jobs"]})
        for job in jobs:
            jm = {}
            for m, (label, unit, get, higher) in METRICS.items():
                rows = []
                for r, a, b in kept:
                    try:
                        va, vb = get(a["fio"]["jobs"][job]), get(b["fio"]["jobs"][job])
                    except (KeyError, TypeError):
                        continue
                    if va is None or vb is None or not va:
                        continue
                    rows.append({"round": r, "a": va, "b": vb, "ratio": vb / va,
                                 "first": a["name"] if int(a.get("slot", 1)) == 1 else b["name"]})
                e = {"label": label, "unit": unit, "higher_is_better": higher, "n": len(rows),
                     "pairs": rows}
                if rows:
                    ratios = [x["ratio"] for x in rows]
                    e.update(median_a=statistics.median(x["a"] for x in rows),
                             median_b=statistics.median(x["b"] for x in rows),
                             ratio_median=statistics.median(ratios),
                             ratio_min=min(ratios), ratio_max=max(ratios))
                    if len(rows) >= 2:
                        e["ci95"] = list(bootstrap_ci(ratios, args.resamples,
                                                      f"{args.seed}:{cfg}:{job}:{m}"))
                if m == "throughput":
                    e["target"] = {"ratio": FIO_TARGET, "direction": ">=",
                                   "verdict": verdict(e.get("ci95"), FIO_TARGET, True, len(rows))}
                    fio_verdicts.append(e["target"]["verdict"])
                elif m == "cpu_s_per_gib" and cfg in CPU_TARGET_CONFIGS:
                    e["target"] = {"ratio": CPU_TARGET, "direction": "<=",
                                   "verdict": verdict(e.get("ci95"), CPU_TARGET, False, len(rows))}
                    cpu_verdicts.append(e["target"]["verdict"])
                jm[m] = e
            # IOPS for the table (same ratio as throughput: the block size is fixed)
            iops = [(a["fio"]["jobs"][job]["iops"], b["fio"]["jobs"][job]["iops"])
                    for _, a, b in kept if job in a["fio"]["jobs"] and job in b["fio"]["jobs"]]
            if iops:
                jm["iops"] = {"median_a": statistics.median(x for x, _ in iops),
                              "median_b": statistics.median(y for _, y in iops)}
            c["jobs"][job] = jm
        # Counters: median per RPC over the kept boots of each kernel
        cnt = {}
        for side, idx in (("A", 1), ("B", 2)):
            per = [t[idx]["counters"] for t in kept if t[idx].get("counters")]
            for pc in per:
                for tr, td in pc.items():
                    for d, row in td.items():
                        for k in row:
                            cnt.setdefault(tr, {}).setdefault(d, {}).setdefault(k, {})
            for tr, td in cnt.items():
                for d, row in td.items():
                    for k, e in row.items():
                        vals = [pc[tr][d][k] for pc in per if k in pc.get(tr, {}).get(d, {})]
                        if vals:
                            e[side] = statistics.median(vals)
                            e[side + "_n"] = len(vals)
                            if max(vals) - min(vals) > 1e-9:
                                e[side + "_range"] = [min(vals), max(vals)]
        c["counters"] = cnt
        # Kprobes armed while the jobs ran (the vehicle's own tracking)
        c["kprobes"] = {side: sorted({(t[idx]["fio"].get("kprobes") or {}).get("count", -1) for t in kept})
                        for side, idx in (("A", 1), ("B", 2))}
        report["configs"][cfg] = c

    report["targets"]["fio"]["verdict"] = combine(fio_verdicts)
    report["targets"]["cpu"]["verdict"] = combine(cpu_verdicts)

    # Host load and guest settings as recorded
    la = [float(str(b.get(k, "nan")).split()[0]) for b in boots
          for k in ("loadavg_before", "loadavg_after") if b.get(k)]
    report["host"] = {
        "loadavg_1min_min": min(la) if la else None,
        "loadavg_1min_max": max(la) if la else None,
        "boots_with_other_qemu": [b["name"] for b in boots if int(b.get("qemu_procs_before") or 0) > 0],
    }
    if report["host"]["boots_with_other_qemu"]:
        warnings.append("another QEMU was running when these boots started: "
                        + ", ".join(report["host"]["boots_with_other_qemu"]))
    if smoke:
        warnings.insert(0, "BENCH_SMOKE=1: a check of the harness, not a measurement")

    mb_path = args.microbench
    if not mb_path:
        found = sorted(glob.glob(os.path.join(run, "*", "logs", "microbench.json")))
        mb_path = found[0] if found else None
    if mb_path:
        report["microbench"] = {"file": os.path.abspath(mb_path), "data": load_json(mb_path)}
    report["warnings"] = warnings

    write_json(args.out + ".json", report)
    md = markdown(report, os.path.basename(args.out))
    with open(args.out + ".md", "w", encoding="utf-8") as f:
        f.write(md)
    print(md)
    plot(report, args.out + ".png")
    return 3 if any(not c["pairs_kept"] for c in report["configs"].values()) else 0


def markdown(rep, base):
    meta = rep["meta"]
    knobs = meta.get("knobs", {})
    date = (meta.get("start") or rep["generated"])[:10]
    st = rep["statistics"]
    out = [f"### {date}: make bench, base (A) against patched (B)", ""]
    for w in rep["warnings"]:
        out.append(f"**Warning:** {w}  ")
    if rep["warnings"]:
        out.append("")
    ka, kb = meta.get("kernel_A", {}), meta.get("kernel_B", {})
    out += [
        f"A: `{ka.get('describe', '?')}` (bzImage sha256 `{str(ka.get('sha256', '?'))[:16]}`), "
        f"B: `{kb.get('describe', '?')}` (`{str(kb.get('sha256', '?'))[:16]}`); "
        f"{knobs.get('ROUNDS', '?')} rounds, {knobs.get('WARMUP', '?')} warm-up boot(s) per "
        f"configuration (not used), time-based jobs of {knobs.get('RUNTIME', '?')} s after a "
        f"{knobs.get('RAMP', '?')} s ramp run; host: {meta.get('host', {}).get('nproc', '?')} CPUs, "
        f"load (1 min) {fmt(rep['host']['loadavg_1min_min'])}–{fmt(rep['host']['loadavg_1min_max'])}, "
        f"{meta.get('host', {}).get('qemu', '?')}.",
        "",
        f"Boots: {len(rep['boots'])}, {sum(b.get('status') != 'ok' for b in rep['boots'])} failed; "
        "warm-ups (not used): " + (", ".join(
            f"{w['name']} {w['status']}" + (f" ({'; '.join(w.get('reasons') or [])})" if w["status"] != "ok" else "")
            for w in rep["warmups"]) or "none") + ".",
        "",
        f"B/A per pair; median [min–max], 95% interval: {st['interval']} "
        f"({st['resamples']} resamples, seed {st['seed']}).",
        "",
        "| target | verdict |", "|---|---|",
        f"| {rep['targets']['fio']['what']} | **{rep['targets']['fio']['verdict']}** |",
        f"| {rep['targets']['cpu']['what']} | **{rep['targets']['cpu']['verdict']}** |",
        "",
    ]
    for cfg, c in rep["configs"].items():
        kp = c.get("kprobes", {})
        out.append(f"**{c['name']}**: {c['pairs_kept']} of {c['pairs_planned']} pairs used"
                   + (f", {len(c['pairs_dropped'])} dropped" if c["pairs_dropped"] else "")
                   + (f"; kprobes armed during the jobs: A {'/'.join(map(str, kp.get('A', [])))}, "
                      f"B {'/'.join(map(str, kp.get('B', [])))}" if c["pairs_kept"] else ""))
        out += ["", "| job | metric | A median | B median | B/A median [min–max] | 95% interval | target |",
                "|---|---|---|---|---|---|---|"]
        for job, jm in c["jobs"].items():
            for m, e in jm.items():
                if m == "iops" or not e.get("n"):
                    continue
                ci = e.get("ci95")
                t = e.get("target")
                extra = ""
                if m == "throughput" and "iops" in jm and "rand" in job:
                    extra = f" ({fmt(jm['iops']['median_a'], 0)} → {fmt(jm['iops']['median_b'], 0)} IOPS)"
                out.append(
                    f"| {job} | {e['label']} ({e['unit']}) | {fmt(e['median_a'])} | {fmt(e['median_b'])}{extra} | "
                    f"{e['ratio_median']:.3f} [{e['ratio_min']:.3f}–{e['ratio_max']:.3f}] | "
                    + (f"{ci[0]:.3f}–{ci[1]:.3f}" if ci else "-") + " | "
                    + (f"{t['direction']} {t['ratio']:.2f}: {t['verdict']}" if t else "") + " |")
        for d in c["pairs_dropped"]:
            out.append(f"\nDropped round {d['round']}: " + "; ".join(d["why"]))
        if c["counters"]:
            out += ["", f"Counters per RPC ({c['name']}), base → patched (median over the boots used):", "",
                    "| transport | dir | function | A | B |", "|---|---|---|---|---|"]
            for tr, td in c["counters"].items():
                for d, row in td.items():
                    for k, e in sorted(row.items(), key=lambda kv: (kv[0] != "rpcs", kv[0])):
                        if k != "rpcs" and not e.get("A") and not e.get("B"):
                            continue
                        out.append(f"| {tr} | {d} | `{k}` | {fmt(e.get('A'))} | {fmt(e.get('B'))} |")
        out.append("")
    mb = rep.get("microbench")
    if mb:
        d = mb["data"]
        out += [f"Microbenchmark (`{os.path.basename(mb['file'])}`: {d.get('iterations')} iterations, "
                f"MR depth {d.get('mr_depth')}, tracking probes {d.get('tracking_probes')}), "
                "median ns per map + register + unmap, scatterlist (old) against bio_vec (new):", "",
                "| mode | pages | aligned | old ns | new ns | new/old |", "|---|---|---|---|---|---|"]
        for r in d.get("results", []):
            out.append(f"| {r.get('mode')} | {r.get('pages')} | {str(r.get('aligned')).lower()} | "
                       f"{r.get('old', {}).get('median_ns')} | {r.get('new', {}).get('median_ns')} | "
                       f"{(r.get('ratio_new_old_x1000') or 0) / 1000:.3f} |")
        out.append("")
    out.append(f"![make bench {date}]({base}.png)")
    out.append("")
    return "\n".join(out)


def plot(rep, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib missing (python3-matplotlib, make deps): no PNG", file=sys.stderr)
        return
    cfgs = list(rep["configs"])
    mb = rep.get("microbench")
    nrows = len(cfgs) + (1 if mb else 0)
    shown = ("throughput", "cpu_s_per_gib", "clat_p99_us")
    short = {"throughput": "thrpt", "cpu_s_per_gib": "CPU/GiB", "clat_p99_us": "p99"}
    fig, axes = plt.subplots(nrows, 1, figsize=(11, 3.6 * nrows), squeeze=False)
    for ax, cfg in zip(axes[:, 0], cfgs):
        c = rep["configs"][cfg]
        labels, x = [], 0
        for job, jm in c["jobs"].items():
            for m in shown:
                e = jm.get(m)
                if not e:
                    continue
                labels.append(f"{job}\n{short[m]}")
                colour = {"throughput": "tab:blue", "cpu_s_per_gib": "tab:red",
                          "clat_p99_us": "tab:gray"}[m]
                rs = [p["ratio"] for p in e["pairs"]]
                n = len(rs)
                ax.plot([x - 0.15 + 0.3 * i / max(n - 1, 1) for i in range(n)], rs, ".",
                        color=colour, alpha=0.6, markersize=6)
                if rs:
                    ci = e.get("ci95")
                    if ci:
                        ax.errorbar([x + 0.25], [e["ratio_median"]],
                                    yerr=[[e["ratio_median"] - ci[0]], [ci[1] - e["ratio_median"]]],
                                    fmt="D", color=colour, capsize=4, markersize=5)
                    else:
                        ax.plot([x + 0.25], [e["ratio_median"]], "D", color=colour)
                if m == "cpu_s_per_gib" and cfg in CPU_TARGET_CONFIGS:
                    ax.hlines(CPU_TARGET, x - 0.4, x + 0.4, colors="tab:red", linestyles="dashed",
                              linewidth=1)
                x += 1
        ax.axhline(1.0, color="black", linewidth=0.8)
        ax.set_xticks(range(len(labels)))
        ax.set_xticklabels(labels, fontsize=7)
        ax.set_ylabel("B/A (patched / base)")
        ax.set_title(f"{c['name']}: {c['pairs_kept']} pairs used, {len(c['pairs_dropped'])} dropped; "
                     "dots: rounds, diamond + bar: median, 95% bootstrap interval"
                     + (f"; dashed: CPU target {CPU_TARGET}" if cfg in CPU_TARGET_CONFIGS else ""),
                     fontsize=8)
        ax.grid(axis="y", alpha=0.3)
    if mb:
        ax = axes[len(cfgs), 0]
        res = mb["data"].get("results", [])
        modes = sorted({r.get("mode") for r in res})
        labels = []
        for i, r in enumerate(res):
            labels.append(f"{r.get('mode')}\n{r.get('pages')}p{'' if r.get('aligned') else ' u'}")
            ax.bar(i, (r.get("ratio_new_old_x1000") or 0) / 1000,
                   color=f"C{modes.index(r.get('mode')) % 10}")
        ax.axhline(1.0, color="black", linewidth=0.8)
        ax.set_xticks(range(len(labels)))
        ax.set_xticklabels(labels, fontsize=6)
        ax.set_ylabel("new/old median")
        ax.set_title("microbenchmark: bio_vec DMA API (new) over scatterlist (old), map + register + "
                     "unmap; u: unaligned first/last bvec", fontsize=8)
    date = (rep["meta"].get("start") or rep["generated"])[:10]
    fig.suptitle(f"make bench {date}" + (" (SMOKE: not a measurement)" if rep["smoke"] else ""),
                 fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=90)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("meta")
    m.add_argument("dir")
    b = sub.add_parser("boot")
    b.add_argument("dir")
    b.add_argument("--reason", action="append")
    b.add_argument("--ignored", action="append")
    b.add_argument("--expect-runtime", type=int)
    b.add_argument("--expect-ramp", type=int)
    b.add_argument("--expect-jobs")
    b.add_argument("--expect-size")
    m.add_argument("--append", action="append", metavar="K=V")
    for p in (m, b):
        p.add_argument("--set", action="append", metavar="K=V")
        p.add_argument("--set-json", action="append", metavar="K=JSON")
    r = sub.add_parser("report")
    r.add_argument("run_dir")
    r.add_argument("out")
    r.add_argument("--microbench")
    r.add_argument("--resamples", type=int, default=10000)
    r.add_argument("--seed", type=int, default=20261124)
    args = ap.parse_args(argv[1:])
    return {"meta": cmd_meta, "boot": cmd_boot, "report": cmd_report}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
