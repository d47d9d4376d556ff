# shellcheck shell=bash
# Helpers for guest test steps: KTAP-like result lines, logs, common setup.
# A result line goes to the console (prefixed "RB: ", where the host watchdog
# reads which test was running) and to $RB_OUT/results.tap.

RB_NET_RXE=10.99.1      # veth pair rbr0/rbr1, rxe0 on rbr0
RB_NET_SIW=10.99.2      # veth pair rbs0/rbs1, siw0 on rbs0
RB_EXPORT=/mnt/export
RB_MNT=/mnt/nfs

rb_log() {
	local up _
	read -r up _ < /proc/uptime
	echo "RB: [$up] $*" > /dev/console
}

# rb_result ok|fail|skip NAME [REASON]
rb_result() {
	local st=$1 name=$2 why=${3:-} line
	case $st in
	ok) line="ok - $name" ;;
	skip) line="ok - $name # SKIP $why" ;;
	*) line="not ok - $name${why:+ # $why}" ;;
	esac
	echo "$line" >> "$RB_OUT/results.tap"
	rb_log "$line"
}

# rb_run NAME CMD...: run CMD with output to logs/NAME.log, report its result.
rb_run() {
	local name=$1 rc log
	shift
	log=$RB_OUT/logs/${name//\//_}.log
	rb_log "START $name"
	"$@" > "$log" 2>&1
	rc=$?
	if [ $rc = 0 ]; then
		rb_result ok "$name"
	elif [ $rc = 77 ]; then
		rb_result skip "$name" "$(tail -n1 "$log")"
	else
		rb_result fail "$name" "exit $rc: $(tail -n2 "$log" | tr '\n' ' ' | cut -c1-200)"
	fi
	return $rc
}

# fio verification in two passes (tests/fio/*verify.fio): write with crc32c
# headers, drop the page cache, read everything back and verify.  JSON
# outputs in $RB_FIO_JSON.{write,verify}.json, judged by rb_fio_results.
rb_fio_write_verify() {	# JOBFILE DIRECT
	export RB_DIRECT=$2
	if [ "$2" = 1 ]; then export RB_ENGINE=libaio RB_IODEPTH=4
	else export RB_ENGINE=psync RB_IODEPTH=1; fi
	RB_DO_VERIFY=0 fio --output-format=json --output="$RB_FIO_JSON.write.json" "$1"
	sync
	echo 3 > /proc/sys/vm/drop_caches
	RB_DO_VERIFY=1 fio --output-format=json --output="$RB_FIO_JSON.verify.json" --verify_only "$1"
	return 0	# judged per job by rb_fio_results
}

# One result NAME/JOB per fio job of the last rb_fio_write_verify
rb_fio_results() {	# NAME
	local st job why
	while read -r st job why; do
		rb_result "$st" "$1/$job" "$why"
	done < <(python3 "$RB_REPO/tests/guest/fio-summary.py" \
		"$RB_FIO_JSON.write.json" "$RB_FIO_JSON.verify.json")
}

# The server address of $RB_TRANSPORT (rxe|siw): the rxe0 or siw0 side
rb_transport_ip() {
	case $RB_TRANSPORT in
	rxe) echo "$RB_NET_RXE.1" ;;
	siw) echo "$RB_NET_SIW.1" ;;
	*) rb_log "unknown transport '$RB_TRANSPORT'"; return 1 ;;
	esac
}

# Name prefix of rxe results: rxe, rxe-force_mr, rxe-iommu-strict, ...
rb_rxe_tag() {
	local tag=rxe a
	for a in $(cat /proc/cmdline); do
		case $a in
		ib_core.force_mr=1) tag+=-force_mr ;;
		rdma_rxe.dma_test=1) tag+=-iommu-$(sed -nE 's/.*rb_iommu=([a-z]+).*/\1/p' /proc/cmdline) ;;
		esac
	done
	echo "$tag"
}

rb_step() {
	local f=$RB_REPO/tests/guest/steps/$1.sh
	if [ ! -f "$f" ]; then
		rb_result fail "step-$1" "no such step $f"
		return
	fi
	rb_log "step $1"
	# shellcheck disable=SC1090
	. "$f"
}

# Detectors, checked after the last step.  Each is a result: a detector that
# is missing or turned itself off fails the boot instead of staying silent.
rb_check_kmemleak() {
	local k=/sys/kernel/debug/kmemleak n
	if dmesg | grep -E 'kmemleak: (Kernel memory leak detector disabled|Cannot|.*disabled)'; then
		echo "kmemleak turned itself off"
		return 1
	fi
	[ -w $k ] || { echo "no $k: kmemleak is not running (CONFIG_DEBUG_KMEMLEAK, kmemleak=on)"; return 1; }
	# Objects younger than 5 s are not reported: scan, wait, scan again.
	echo scan > $k || return 1
	sleep 6
	echo scan > $k || return 1
	# Not "[ -s ]": a debugfs file has no size.  Read it every time.
	cat $k > "$RB_OUT/kmemleak.txt" || return 1
	n=$(grep -c '^unreferenced object' "$RB_OUT/kmemleak.txt")
	echo "$n unreferenced objects (kmemleak.txt)"
	if [ "$n" != 0 ]; then
		echo "kmemleak: $n unreferenced objects, first ones:" > /dev/kmsg
		head -n 40 "$RB_OUT/kmemleak.txt" | tee /dev/kmsg
		return 1
	fi
}

rb_check_dma_api() {
	local d=/sys/kernel/debug/dma-api
	[ -d $d ] || { echo "no $d: DMA-API debug is not built (CONFIG_DMA_API_DEBUG)"; return 1; }
	echo "disabled=$(cat $d/disabled) error_count=$(cat $d/error_count)" \
		"free entries now/min=$(cat $d/num_free_entries)/$(cat $d/min_free_entries) of $(cat $d/nr_total_entries)"
	if dmesg | grep -E 'DMA-API: .*(out of memory|disabling|ENOMEM|disabled)'; then
		echo "DMA-API debug turned itself off"
		return 1
	fi
	[ "$(cat $d/disabled)" = N ] || { echo "DMA-API debug is disabled"; return 1; }
	[ "$(cat $d/error_count)" = 0 ] || { echo "DMA-API debug counted $(cat $d/error_count) errors"; return 1; }
}

# SLUB debug is compiled in but only works with slub_debug= (scripts/vm
# passes FZP): every cache must do sanity checks, red zones and poisoning.
rb_check_slub_debug() {
	local c f n=0 bad=0
	for c in /sys/kernel/slab/kmalloc-*; do
		[ -L "$c" ] && continue
		n=$((n + 1))
		for f in sanity_checks red_zone poison; do
			[ "$(cat "$c/$f" 2>/dev/null)" = 1 ] || { echo "${c##*/}: $f off"; bad=1; }
		done
	done
	echo "$n kmalloc caches checked"
	[ $n -gt 0 ] && [ $bad = 0 ]
}

# /proc/sys/kernel/tainted: only TAINT_TEST ('N', bit 18: KUnit suites ran)
# is expected; a WARN ('W'), a bad page ('B'), a machine check, an oops ('D')
# and the rest fail the boot.
rb_check_taint() {
	local t flags="PFSRMBUDAWCIOELKXTN" i out=""
	t=$(cat /proc/sys/kernel/tainted)
	for ((i = 0; i < ${#flags}; i++)); do
		(( t & (1 << i) )) && out+=${flags:i:1}
	done
	echo "tainted=$t (${out:-none})"
	(( (t & ~(1 << 18)) == 0 ))
}

# The IOMMU vehicle's PCI device (QEMU edu, 1234:11e8), if any.
rb_vehicle_pci() {
	local d
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor" "$d/device" 2>/dev/null | tr '\n' ' ')" = "0x1234 0x11e8 " ] &&
			{ basename "$d"; return 0; }
	done
	return 1
}

# IOVA API accounting (steps/dmaacct.sh) over the whole boot, the vehicle's
# fault and tracking counters, then what DMA-API debug still holds for the
# vehicle's device: after the teardown nothing may be mapped (dma_map_phys()
# and friends are tracked by dma-debug, which also checks each unmap's
# direction against its map).
rb_check_dma_accounting() {
	local i=/sys/kernel/tracing/instances/rbacct pci n
	echo 0 > $i/tracing_on
	if grep -E '^(overrun|commit overrun|dropped events): [1-9]' $i/per_cpu/cpu*/stats; then
		echo "trace events lost: the accounting is incomplete"
		return 1
	fi
	# A return probe that found no free instance missed its call.
	if awk '$1 ~ /^(alloc|link|unlink|destroy|free)$/ && $3 > 0 { print; bad = 1 } END { exit !bad }' \
		/sys/kernel/tracing/kprobe_profile; then
		echo "kprobes missed calls: the accounting is incomplete"
		return 1
	fi
	cat $i/trace > "$RB_OUT/logs/dma-acct-trace.txt" || return 1
	/usr/bin/python3 "$RB_REPO/tests/guest/dma-acct.py" "$RB_OUT/logs/dma-acct-trace.txt" \
		"$RB_OUT/logs/dma-acct.json" || return 1
	pci=$(rb_vehicle_pci) || { echo "no vehicle PCI device"; return 1; }
	# The vehicle's own counters: accesses that failed translation, broke
	# the mapping's DMA direction or came before dma_iova_sync(), and
	# mappings it could not track.
	local v=/sys/kernel/debug/rxe_dma_test f bad=0
	for f in faults direction_faults sync_faults tracking_errors; do
		[ -r $v/$f ] || { echo "no $v/$f"; bad=1; continue; }
		echo "rxe_dma_test/$f: $(cat $v/$f)"
		[ "$(cat $v/$f)" = 0 ] || bad=1
	done
	[ $bad = 0 ] || return 1
	# Reading dma-api/dump with DMA-API debug disabled oopses (7.3.4: the
	# hash buckets are never initialised): never read it then.
	[ "$(cat /sys/kernel/debug/dma-api/disabled 2>/dev/null)" = N ] ||
		{ echo "DMA-API debug is disabled: cannot check for outstanding mappings"; return 1; }
	n=$(grep -c " $pci " /sys/kernel/debug/dma-api/dump)
	echo "DMA-API debug: $n mappings of $pci outstanding"
	grep " $pci " /sys/kernel/debug/dma-api/dump | head -n 10
	[ "$n" = 0 ]
}

# Vehicle boots end by taking the rxe device away: nfsd stops (closing its
# RDMA listener) and rxe0 is deleted, so every xprtrdma/svcrdma resource of
# the device is released, and then so are the device's own DMA mappings (the
# MAD layer's 512 QP1 receive buffers, which live as long as the device).
# Afterwards nothing of the vehicle's PCI device may be mapped.
rb_vehicle_teardown() {
	rpc.nfsd 0 || return 1
	rdma link delete rxe0 || return 1
	rdma link show
	! rdma link show rxe0/1 2>/dev/null
}

rb_finish() {
	rb_log "step detectors"
	# Let transports of the last unmounts finish closing (they release their
	# mappings from workqueues) before the leak checks.
	sleep 5
	[ ! -d /sys/kernel/tracing/instances/rbacct ] ||
		rb_run detectors/vehicle-teardown rb_vehicle_teardown
	rb_run detectors/kmemleak rb_check_kmemleak
	rb_run detectors/dma-api-debug rb_check_dma_api
	rb_run detectors/tainted rb_check_taint
	rb_run detectors/slub-debug rb_check_slub_debug
	[ ! -d /sys/kernel/tracing/instances/rbacct ] ||
		rb_run detectors/dma-accounting rb_check_dma_accounting
	dmesg > "$RB_OUT/dmesg.txt"
}
