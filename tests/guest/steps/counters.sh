# shellcheck shell=bash
# Mapping counters per RPC: with kprobe events on the mapping functions and
# the xprtrdma/sunrpc tracepoints that name the RPC task, write then read
# 64 MiB in 1 MiB O_DIRECT requests over NFSv4.2 (rxe, siw, or the IOMMU
# vehicle when booted with rdma_rxe.dma_test=1) and count the calls that
# map, register and sync.  logs/counters-TRANSPORT.json has one object per
# direction (kprobe'd function names are the keys); tests/guest/counters.py
# turns them into figures per READ/WRITE RPC and fails the result
# counters/TRANSPORT-per-rpc when one is over its limit (see PROFILES
# there: the vehicle in strict mode must show one mapping and one MR per
# chunk and side).
. "$RB_REPO/tests/guest/nfs-lib.sh"

RB_COUNTED="dma_iova_try_alloc dma_iova_link dma_iova_sync dma_iova_destroy
dma_iova_unlink dma_map_phys dma_unmap_phys dma_map_page_attrs
dma_unmap_page_attrs dma_map_sg_attrs dma_map_sgtable __dma_map_sg_attrs
dma_unmap_sg_attrs iommu_map iommu_unmap intel_iommu_iotlb_sync_map
intel_iommu_tlb_sync iommu_iotlb_sync iommu_dma_alloc_iova ib_map_mr_sg
ib_map_mr_ranges ib_dma_map_bvecs ib_mr_pool_get frwr_map frwr_unmap_sync
frwr_reminv rxe_reg_fast_mr rxe_invalidate_mr siw_invalidate_stag"
RB_COUNTED_EVENTS="sunrpc/rpc_request rpcrdma/xprtrdma_mr_fastreg
rpcrdma/xprtrdma_mr_localinv rpcrdma/xprtrdma_mr_reminv
rpcrdma/xprtrdma_chunk_read rpcrdma/xprtrdma_chunk_write
rpcrdma/xprtrdma_chunk_reply"
RB_COUNTED_MIB=${RB_COUNTED_MIB:-64}

# One kprobe event per counted function, in group "rbc"; functions that this
# kernel does not have (or inlines) are skipped.  iommu_dma_alloc_iova()
# also records its size: counters.py tells a data chunk's allocation from
# the small ones of other RPCs by it.
rb_counters_setup() {
	local t=/sys/kernel/tracing f n=0 args
	[ -f $t/kprobe_events ] || mount -t tracefs nodev $t 2>/dev/null
	[ -f $t/kprobe_events ] || { echo "no kprobe events (CONFIG_KPROBE_EVENTS)"; return 1; }
	echo 0 > $t/tracing_on
	echo 16384 > $t/buffer_size_kb
	RB_PROBED=""
	for f in $RB_COUNTED; do
		args=""
		[ $f = iommu_dma_alloc_iova ] && args=' size=$arg2:u64'
		echo "p:rbc/k$f $f$args" >> $t/kprobe_events 2>/dev/null || continue
		n=$((n + 1)) RB_PROBED="$RB_PROBED $f"
	done
	echo "counting $n functions:"; cat $t/kprobe_events
	for f in $RB_COUNTED_EVENTS; do
		[ -f $t/events/$f/enable ] || { echo "no trace event $f"; return 1; }
	done
	[ $n -gt 0 ]
}

# Turn the counted events on (1) or off (0)
rb_counters_enable() {
	local t=/sys/kernel/tracing f
	echo "$1" > $t/events/rbc/enable
	for f in $RB_COUNTED_EVENTS; do echo "$1" > $t/events/$f/enable; done
}

# Fail if the ring buffer lost events: the counts would be short
rb_counters_overrun() {
	if grep -q '^overrun: [1-9]' /sys/kernel/tracing/per_cpu/cpu*/stats; then
		echo "trace buffer overrun: counts incomplete" >&2
		return 1
	fi
}

# NFS ops count of $1 (READ or WRITE) in the mountstats of mount point $2.
rb_rpc_ops() {
	awk -v mnt=" $2 " -v op="$1:" '
		/^device / { on = index($0, mnt) > 0 }
		on && $1 == op { print $2; exit }' /proc/self/mountstats
}

rb_counters_run() {	# TRANSPORT
	local t=/sys/kernel/tracing ip dir ops0 ops1 sep="" mnt=/mnt/nfs-counters-$1
	local out=$RB_OUT/logs/counters-$1.json
	case $1 in
	rxe) ip=$RB_NET_RXE.1 ;;
	siw) ip=$RB_NET_SIW.1 ;;
	esac
	rb_mount "$ip" 4.2 "$mnt" || return
	grep " $mnt " /proc/mounts
	echo "{" > "$out"
	for dir in write read; do
		[ $dir = read ] && echo 3 > /proc/sys/vm/drop_caches
		ops0=$(rb_rpc_ops "${dir^^}" "$mnt")
		: > $t/trace
		rb_counters_enable 1
		echo 1 > $t/tracing_on
		if [ $dir = write ]; then
			dd if=/dev/urandom of="$mnt/counted" bs=1M count="$RB_COUNTED_MIB" oflag=direct status=none || return
		else
			dd if="$mnt/counted" of=/dev/null bs=1M count="$RB_COUNTED_MIB" iflag=direct status=none || return
		fi
		echo 0 > $t/tracing_on
		rb_counters_enable 0
		ops1=$(rb_rpc_ops "${dir^^}" "$mnt")
		rb_counters_overrun || return
		cp $t/trace "$RB_OUT/logs/counters-$1-$dir.trace"
		printf '%s "%s": ' "$sep" $dir >> "$out"
		/usr/bin/python3 "$RB_REPO/tests/guest/counters.py" count \
			"$RB_OUT/logs/counters-$1-$dir.trace" \
			$((RB_COUNTED_MIB << 20)) $((ops1 - ops0)) "$RB_PROBED" >> "$out" || return
		sep=","
	done
	echo "}" >> "$out"
	cat "$out"
	umount "$mnt"
	/usr/bin/python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$out"
}

# The figures per RPC against the limits of this boot's profile
rb_counters_check() {	# TRANSPORT
	local profile=$1
	if [ "$1" = rxe ] && grep -qw rdma_rxe.dma_test=1 /proc/cmdline; then
		grep -qw rb_iommu=strict /proc/cmdline || { echo "vehicle without strict IOMMU: no profile"; return 1; }
		profile=vehicle-strict
	fi
	echo "profile $profile"
	/usr/bin/python3 "$RB_REPO/tests/guest/counters.py" check \
		"$RB_OUT/logs/counters-$1.json" "$1" "$profile"
}

# One file for the run: {"rxe": {"write": {...}, "read": {...}}, "siw": ...}
rb_counters_merge() {
	python3 - "$RB_OUT/logs" <<'PY'
import glob, json, os, sys
d = sys.argv[1]
out = {}
for f in sorted(glob.glob(os.path.join(d, "counters-*.json"))):
    name = os.path.basename(f)[len("counters-"):-len(".json")]
    if "-" not in name:
        out[name] = json.load(open(f))
json.dump(out, open(os.path.join(d, "counters.json"), "w"), indent=1)
PY
}

# Transports: $RB_COUNTERS (default rxe; the main boot adds siw)
if rb_run counters/setup rb_counters_setup; then
	for tr in ${RB_COUNTERS:-rxe}; do
		rb_run "counters/nfs-v4.2-$tr-1m-direct" rb_counters_run "$tr" &&
			rb_run "counters/$tr-per-rpc" rb_counters_check "$tr"
	done
	rb_counters_merge
fi
