# shellcheck shell=bash
# Mapping counters per RPC: with kprobe events on the mapping functions,
# write then read 16 MiB in 1 MiB O_DIRECT requests over NFSv4.2/rxe (the
# IOMMU vehicle when booted with rdma_rxe.dma_test=1) and count the calls that
# map, register and sync, and the NFS READ/WRITE RPCs that carried the data.  Written to
# logs/counters.json (one object per direction) for the benchmark report;
# the test only checks that the counters were read, never their values.
. "$RB_REPO/tests/guest/nfs-lib.sh"

RB_COUNTED="dma_iova_try_alloc dma_iova_link dma_iova_sync dma_iova_destroy
dma_iova_unlink dma_map_phys dma_unmap_phys dma_map_page_attrs
dma_unmap_page_attrs dma_map_sg_attrs dma_map_sgtable __dma_map_sg_attrs
dma_unmap_sg_attrs iommu_map iommu_unmap intel_iommu_iotlb_sync_map
intel_iommu_tlb_sync iommu_iotlb_sync ib_map_mr_sg ib_map_mr_ranges
ib_dma_map_bvecs frwr_map frwr_unmap_sync frwr_reminv"

# One kprobe event per counted function, in group "rbc"; functions that this
# kernel does not have (or inlines) are skipped.
rb_counters_setup() {
	local t=/sys/kernel/tracing f n=0
	[ -f $t/kprobe_events ] || mount -t tracefs nodev $t 2>/dev/null
	[ -f $t/kprobe_events ] || { echo "no kprobe events (CONFIG_KPROBE_EVENTS)"; return 1; }
	echo 0 > $t/tracing_on
	echo 16384 > $t/buffer_size_kb
	for f in $RB_COUNTED; do
		echo "p:rbc/k$f $f" >> $t/kprobe_events 2>/dev/null && n=$((n + 1))
	done
	echo "counting $n functions:"; cat $t/kprobe_events
	[ $n -gt 0 ]
}

# Count the events in the trace buffer: "name hits", and fail if the ring
# buffer overran (the counts would be short).
rb_counters_read() {
	local t=/sys/kernel/tracing
	if grep -q '^overrun: [1-9]' $t/per_cpu/cpu*/stats; then
		echo "trace buffer overrun: counts incomplete" >&2
		return 1
	fi
	awk '$1 != "#" { for (i = 1; i <= NF; i++) if ($i ~ /^k.*:$/) { n = substr($i, 2, length($i) - 2); h[n]++; break } }
	     END { for (f in h) print f, h[f] }' $t/trace
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
		echo 1 > $t/events/rbc/enable
		echo 1 > $t/tracing_on
		if [ $dir = write ]; then
			dd if=/dev/urandom of="$mnt/counted" bs=1M count=16 oflag=direct status=none || return
		else
			dd if="$mnt/counted" of=/dev/null bs=1M count=16 iflag=direct status=none || return
		fi
		echo 0 > $t/tracing_on
		echo 0 > $t/events/rbc/enable
		ops1=$(rb_rpc_ops "${dir^^}" "$mnt")
		{
			printf '%s "%s": {"bytes": 16777216, "rpcs": %d' "$sep" $dir $((ops1 - ops0))
			rb_counters_read > "$RB_OUT/logs/counters-$1-$dir.txt" || return
			sort "$RB_OUT/logs/counters-$1-$dir.txt" | while read -r f h; do printf ', "%s": %d' "$f" "$h"; done
			printf '}\n'
		} >> "$out"
		sep=","
	done
	echo "}" >> "$out"
	cat "$out"
	umount "$mnt"
	python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$out"
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
		rb_run "counters/nfs-v4.2-$tr-1m-direct" rb_counters_run "$tr"
	done
	rb_counters_merge
fi
