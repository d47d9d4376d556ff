# shellcheck shell=bash
# In-kernel microbenchmark of the test series (patches/test/:
# rxe_dma_test/microbench): DMA mapping + MR registration + unmapping of
# bio_vec arrays of 1, 16 and 256 pages (aligned, and with an unaligned first
# and last bvec), the scatterlist way against the bio_vec DMA API, on three
# QEMU edu devices (1234:11e8), one per IOMMU mode, interleaved in one run:
#   edu #1 (lowest address; the vehicle's with rdma_rxe.dma_test=1): "DMA",
#          strict (the boot must use iommu.strict=1)
#   edu #2: IOMMU group type set to "identity" here: no translation
#   edu #3: IOMMU group type set to "DMA-FQ" here: lazy
# The run is one write to debugfs (synchronous); the JSON it leaves is saved
# to $RB_OUT/logs/microbench.json and checked: every mode x case present, on
# the right device and domain, sane statistics, the MR counts the old way must
# take, at least 1000 iterations (unless RB_MB_ITERATIONS asks for another
# number), DMA-API debug and the vehicle's counters unchanged.
#
# A guest step (sourced by rb_step: result microbench/run), or run directly
# (scripts/vm --exec, or by hand in the guest): exit 0 when it passed, 77
# when the kernel has no microbench (TREE=base: no bio_vec DMA API), other
# non-zero on any failure.
#   RB_MB_ITERATIONS=1000   iterations per case (the kernel takes 1..100000)
#   RB_MB_DEPTH=32          MR page list depth of the test provider

RB_MB_DIR=/sys/kernel/debug/rxe_dma_test
RB_MB_FILE=$RB_MB_DIR/microbench

# The edu devices, in address order.
rb_mb_edu_devices() {
	local d
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor" "$d/device" 2>/dev/null | tr '\n' ' ')" = "0x1234 0x11e8 " ] &&
			basename "$d"
	done
}

# The driver bound to PCI device $1, if any.
rb_mb_driver() {
	local l=/sys/bus/pci/devices/$1/driver
	[ -L "$l" ] && basename "$(readlink "$l")"
	return 0
}

# rb_mb_set_type BDF TYPE: give the IOMMU group of BDF (its only device) the
# default domain TYPE.  Only possible with no driver bound: an unbindable
# driver is unbound first; the vehicle's device (which cannot be unbound)
# must already have it.
rb_mb_set_type() {
	local pci=$1 want=$2 g=/sys/bus/pci/devices/$1/iommu_group t drv n
	[ -d "$g" ] || { echo "$pci: no IOMMU group (intel-iommu, intel_iommu=on?)"; return 1; }
	n=$(find "$g/devices/" -mindepth 1 -maxdepth 1 | wc -l)
	[ "$n" = 1 ] || { echo "$pci: its IOMMU group $(basename "$(readlink "$g")") holds $n devices"; return 1; }
	t=$(cat "$g/type")
	drv=$(rb_mb_driver "$pci")
	if [ "$drv" = rxe_dma_test ]; then
		echo "$pci: the vehicle's device, IOMMU group type $t"
		[ "$t" = "$want" ] || { echo "$pci: want $want: boot with iommu.strict=1"; return 1; }
		return 0
	fi
	if [ -n "$drv" ]; then
		[ -e "/sys/bus/pci/drivers/$drv/unbind" ] ||
			{ echo "$pci: bound to $drv, which cannot be unbound"; return 1; }
		echo "$pci: unbinding from $drv"
		echo "$pci" > "/sys/bus/pci/drivers/$drv/unbind" || return 1
	fi
	if [ "$t" != "$want" ]; then
		echo "$want" > "$g/type" || { echo "$pci: cannot set IOMMU group type $want (was $t)"; return 1; }
	fi
	t=$(cat "$g/type")
	echo "$pci: IOMMU group type $t"
	[ "$t" = "$want" ]
}

# Counters that must not move during the run: DMA-API debug errors, and the
# vehicle's faults and tracking errors (with rdma_rxe.dma_test=1).
rb_mb_counters() {
	local f
	for f in /sys/kernel/debug/dma-api/error_count $RB_MB_DIR/faults $RB_MB_DIR/tracking_errors; do
		[ -r "$f" ] && echo "$f=$(cat "$f")"
	done
	return 0
}

# rb_mb_check JSON ITERATIONS MIN_ITERATIONS DEPTH STRICT NONE LAZY
rb_mb_check() {
	/usr/bin/python3 - "$@" <<'EOF'
import json
import sys

path, iters, min_iters, depth, strict, none, lazy = sys.argv[1:8]
iters, min_iters, depth = int(iters), int(min_iters), int(depth)
errors = []
try:
    with open(path) as fh:
        d = json.load(fh)
except (OSError, ValueError) as e:
    print(f"{path}: {e}")
    sys.exit(1)

def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)

if d.get("iterations") != iters:
    errors.append(f"iterations {d.get('iterations')}, asked for {iters}")
if not is_int(d.get("iterations")) or d["iterations"] < min_iters:
    errors.append(f"iterations {d.get('iterations')} < {min_iters}")
if d.get("mr_depth") != depth:
    errors.append(f"mr_depth {d.get('mr_depth')}, asked for {depth}")
page = d.get("page_size")
if not is_int(page) or page <= 0:
    errors.append(f"bad page_size {page}")
    page = 4096
print(f"iterations={d.get('iterations')} mr_depth={d.get('mr_depth')} "
      f"page_size={page} tracking_probes={d.get('tracking_probes')} "
      f"dma_api_debug={d.get('dma_api_debug')} kasan={d.get('kasan')} "
      f"timer_ns={d.get('timer_ns')} duration_ms={d.get('duration_ms')}")
if d.get("tracking_probes"):
    print("note: the vehicle's tracking kprobes were armed; they cost the new "
          "way one hit per bvec (rdma_rxe.dma_test_bench=1 avoids them)")

devices = {"strict": strict, "none": none, "lazy": lazy}
domains = {"strict": {"DMA"}, "lazy": {"DMA-FQ"}, "none": {"identity", "none"}}
want = {(m, p, a) for m in devices for p in (1, 16, 256) for a in (True, False)}
stats = ("min_ns", "p10_ns", "median_ns", "p90_ns", "max_ns")
shape = ("dma_segments", "mrs", "mr_pages", "mr_page_size")
seen = set()
rows = []
for r in d.get("results", []):
    key = (r.get("mode"), r.get("pages"), r.get("aligned"))
    name = "%s/%s/%s" % (key[0], key[1], "aligned" if key[2] else "unaligned")
    if key not in want:
        errors.append(f"{name}: unexpected result")
        continue
    if key in seen:
        errors.append(f"{name}: reported twice")
    seen.add(key)
    mode, pages = key[0], key[1]
    if r.get("device") != devices[mode]:
        errors.append(f"{name}: device {r.get('device')}, not {devices[mode]}")
    if r.get("domain") not in domains[mode]:
        errors.append(f"{name}: domain {r.get('domain')}, not {'/'.join(sorted(domains[mode]))}")
    for way in ("old", "new"):
        w = r.get(way)
        if not isinstance(w, dict) or not all(is_int(w.get(k)) for k in stats + shape):
            errors.append(f"{name}: {way}: missing or non-integer fields")
            continue
        v = [w[k] for k in stats]
        if not 0 < v[0] <= v[1] <= v[2] <= v[3] <= v[4]:
            errors.append(f"{name}: {way}: statistics out of order: {v}")
        if min(w[k] for k in shape) < 1:
            errors.append(f"{name}: {way}: {dict((k, w[k]) for k in shape)}")
        if w.get("shape_changes"):
            print(f"warning: {name}: {way}: the mapping changed shape "
                  f"{w['shape_changes']} times during the run")
    o, n = r.get("old"), r.get("new")
    if not isinstance(o, dict) or not isinstance(n, dict) or \
       not is_int(o.get("median_ns")) or not is_int(n.get("median_ns")):
        continue
    # The old way: PAGE_SIZE MR pages, `depth` per MR, over `pages` pages
    if o.get("mrs") != -(-pages // depth) or r.get("mrs_old") != o.get("mrs"):
        errors.append(f"{name}: old way took {o.get('mrs')} MRs "
                      f"(mrs_old {r.get('mrs_old')}), expected {-(-pages // depth)}")
    if r.get("mrs_new") != n.get("mrs") or not is_int(n.get("mrs")) or \
       n["mrs"] > o.get("mrs", 0):
        errors.append(f"{name}: new way took {n.get('mrs')} MRs "
                      f"(mrs_new {r.get('mrs_new')}), old {o.get('mrs')}")
    ratio = r.get("ratio_new_old_x1000")
    expect = (n["median_ns"] * 1000 + max(o["median_ns"], 1) // 2) // max(o["median_ns"], 1)
    if not is_int(ratio) or abs(ratio - expect) > 1:
        errors.append(f"{name}: ratio_new_old_x1000 {ratio}, medians give {expect}")
    rows.append((mode, pages, key[2], o["median_ns"], n["median_ns"], ratio,
                 o.get("mrs"), n.get("mrs"), n.get("mr_page_size")))

for key in sorted(want - seen, key=str):
    errors.append("missing result %s/%s/%s" % (key[0], key[1], "aligned" if key[2] else "unaligned"))

print(f"{'mode':6} {'pages':>5} {'aligned':7} {'old ns':>10} {'new ns':>10} "
      f"{'new/old':>7} {'MRs old':>7} {'MRs new':>7} {'new pgsz':>9}")
for m, p, a, om, nm, ratio, mo, mn, pg in rows:
    print(f"{m:6} {p:5} {str(a).lower():7} {om:10} {nm:10} "
          f"{(ratio or 0) / 1000:7.3f} {str(mo):>7} {str(mn):>7} {str(pg):>9}")
for e in errors:
    print("error:", e)
sys.exit(1 if errors else 0)
EOF
}

rb_microbench() {
	local f=$RB_MB_FILE out edu p before after t0 t1 rc
	local it=${RB_MB_ITERATIONS:-1000} min=${RB_MB_ITERATIONS:-1000} depth=${RB_MB_DEPTH:-32}
	local strict none lazy cmd
	[ -n "${RB_OUT:-}" ] || { echo "RB_OUT is not set"; return 1; }
	out=$RB_OUT/logs/microbench.json
	mkdir -p "$RB_OUT/logs" || return 1
	rm -f "$out"
	if [ ! -e $f ]; then
		if [ -d $RB_MB_DIR ]; then
			echo "no $f: kernel without the bio_vec DMA API (TREE=base)"
			return 77
		fi
		echo "no $RB_MB_DIR: boot with rdma_rxe.dma_test=1 or rdma_rxe.dma_test_bench=1"
		return 1
	fi
	grep -o 'rdma_rxe\.dma_test[a-z_]*=[^ ]*' /proc/cmdline
	grep -o 'iommu[a-z_.]*=[^ ]*' /proc/cmdline

	mapfile -t edu < <(rb_mb_edu_devices)
	echo "edu devices: ${edu[*]}"
	[ ${#edu[@]} -ge 3 ] || { echo "need 3 edu devices (1234:11e8), found ${#edu[@]}"; return 1; }
	strict=${edu[0]} none=${edu[1]} lazy=${edu[2]}
	# The vehicle takes the first edu device (rb_vehicle_pci and the DMA
	# accounting check assume so); the others must be free.
	for p in "${edu[@]:1}"; do
		[ "$(rb_mb_driver "$p")" != rxe_dma_test ] ||
			{ echo "$p is the vehicle's device, expected ${edu[0]}"; return 1; }
	done
	rb_mb_set_type "$strict" DMA || return 1
	rb_mb_set_type "$none" identity || return 1
	rb_mb_set_type "$lazy" DMA-FQ || return 1

	before=$(rb_mb_counters)
	cmd="iterations=$it depth=$depth none=$none lazy=$lazy strict=$strict"
	echo "running: $cmd"
	t0=$(date +%s)
	# a failed run fails the write, with the errno on stderr
	rc=0
	if ! echo "$cmd" > $f; then
		rc=1
	fi
	t1=$(date +%s)
	echo "write $([ $rc = 0 ] && echo succeeded || echo failed) after $((t1 - t0)) s"
	dmesg | grep 'microbench' | tail -n 5
	[ $rc = 0 ] || { echo "the microbench run failed"; return 1; }
	cat $f > "$out" || { echo "cannot read $f"; return 1; }
	after=$(rb_mb_counters)
	if [ "$before" != "$after" ]; then
		echo "counters moved during the run:"
		diff <(echo "$before") <(echo "$after")
		return 1
	fi
	rb_mb_check "$out" "$it" "$min" "$depth" "$strict" "$none" "$lazy"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
	rb_microbench
	exit $?
fi
rb_run microbench/run rb_microbench
