# shellcheck shell=bash
# DMA accounting that DMA-API debug does not do: dma-debug tracks
# dma_map_phys()/dma_unmap_phys() (direction included), but not the IOVA API
# (dma_iova_try_alloc/link/unlink/destroy/free) that the series moves the
# data path onto.  Record every call of those, with its arguments, in a
# tracing instance of its own for the whole boot; the detectors at the end
# (rb_finish -> tests/guest/dma-acct.py) check that every IOVA space
# allocated was freed, every range linked was unlinked with the direction it
# was linked with, nothing was unlinked that was not linked, and no event was
# lost.  Run it first on the IOMMU vehicle boots.
rb_dmaacct_setup() {
	local t=/sys/kernel/tracing i=/sys/kernel/tracing/instances/rbacct
	[ -f $t/kprobe_events ] || mount -t tracefs nodev $t 2>/dev/null
	[ -f $t/kprobe_events ] || { echo "no kprobe events (CONFIG_KPROBE_EVENTS)"; return 1; }
	# Return probes with $argN (fetched at entry): a failed link or alloc
	# is seen with its return value and not counted.
	cat >> $t/kprobe_events <<'K' || return 1
r:rbacct/alloc dma_iova_try_alloc ok=$retval:u8 state=$arg2:x64 addr=+0($arg2):x64 size=+8($arg2):x64
r:rbacct/link dma_iova_link ret=$retval:s32 state=$arg2:x64 addr=+0($arg2):x64 off=$arg4:x64 size=$arg5:x64 dir=$arg6:s32
p:rbacct/unlink dma_iova_unlink state=$arg2:x64 addr=+0($arg2):x64 off=$arg3:x64 size=$arg4:x64 dir=$arg5:s32
p:rbacct/destroy dma_iova_destroy state=$arg2:x64 addr=+0($arg2):x64 len=$arg3:x64 dir=$arg4:s32
p:rbacct/free dma_iova_free state=$arg2:x64 addr=+0($arg2):x64
K
	mkdir -p $i || return 1
	echo 32768 > $i/buffer_size_kb || return 1
	# one order over both CPUs' buffers
	echo global > $i/trace_clock || return 1
	echo 1 > $i/events/rbacct/enable || return 1
	echo 1 > $i/tracing_on
	grep rbacct $t/kprobe_events
}
rb_run dmaacct/kprobes rb_dmaacct_setup
