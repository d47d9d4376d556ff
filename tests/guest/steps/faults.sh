# shellcheck shell=bash
# Fault injection (issue 13, make stress): fail the series' mapping and
# registration entry points on demand (fail_function; patches/test/ allows
# them) and inject RPC transport disconnects (fail_sunrpc), on the client's
# side or the server's, while tests/guest/faultio.py writes and reads
# O_DIRECT blocks over NFSv4.2 and keeps a ledger of what each successful
# write put where.  Each cell passes when:
#   - the fault was injected at least once (a point that is never reached
#     tests nothing and fails),
#   - the I/O ended within its time (nothing hangs) with success or an
#     errno, never with wrong data: every block reads back, with no fault
#     armed, what the last write that returned success wrote,
#   - the mount still works (that read-back is over the same mount).
# After each transport's cells the mount is unmounted and its device must
# hold no MR, and no page may stay pinned.  The boot's detectors then check
# kmemleak and DMA-API debug, and on the IOMMU vehicle the IOVA accounting
# (steps/dmaacct.sh) and the vehicle's own counters.
#
# Both transports mount the same export directory, so they share one
# ledger: a block holds what the last successful write over either put
# there (or, after failed writes, possibly what one of those put there).
#
# Sides: the fault attribute's stack trace filter limits a fault to calls
# with the side's code on the stack (rb_fault_range: xprtrdma's client or
# svcrdma; the same guest is client and server).  The task filter cannot:
# a kprobe handler runs from int3, as NMI, where no task matches.
. "$RB_REPO/tests/guest/steps/setup.sh"
. "$RB_REPO/tests/guest/nfs-lib.sh"
. "$RB_REPO/tests/guest/steps/faults-lib.sh"

FF=/sys/kernel/debug/fail_function
FS=/sys/kernel/debug/fail_sunrpc
RB_FAULTS_ONLY=$(sed -nE 's/.*rb_faults_only=([^ ]+).*/\1/p' /proc/cmdline)

rb_fault_clear() {
	echo > $FF/inject
	echo 0 > $FF/probability
	echo 0 > $FS/probability
}

# rb_fault_retval FUNCTION: the value a failed call returns
rb_fault_retval() {
	case $1 in
	dma_iova_try_alloc) echo 0 ;;			# false
	dma_map_phys) echo 0xffffffffffffffff ;;	# DMA_MAPPING_ERROR, (dma_addr_t)-1
	*) printf '%#x\n' -12 ;;			# -ENOMEM
	esac
}

# rb_fault_arm POINT SIDE: arm one fault point; prints the attribute dir.
# Every 2nd call with the side's code on the stack fails, 6 times at most.
# POINT may name several functions joined by "+": they share one
# attribute, so its every-2nd-call count runs over all of them.
# "dma_iova_try_alloc+dma_map_phys" makes a chunk's IOVA allocation fail
# (the mapping falls back to one dma_map_phys() per range) and then a
# later range of the same chunk: the caller's unmap of the ranges already
# mapped runs, which no single point reaches (an IOVA link failure is
# cleaned up inside the iterator; a lone dma_map_phys() fault lands on a
# chunk's first range).
rb_fault_arm() {
	local fn d=$FF
	if [ "$1" = sunrpc-disconnect ]; then
		d=$FS
		echo Y > $FS/ignore-cache-wait
		if [ "$2" = server ]; then
			echo Y > $FS/ignore-client-disconnect; echo N > $FS/ignore-server-disconnect
		else
			echo N > $FS/ignore-client-disconnect; echo Y > $FS/ignore-server-disconnect
		fi
	else
		for fn in ${1//+/ }; do
			echo "$fn" > $FF/inject || return
			rb_fault_retval "$fn" > $FF/$fn/retval || return
		done
		read -r start end < <(rb_fault_range "$2") && [ -n "$end" ] || return
		echo "$start" > $FF/require-start || return
		echo "$end" > $FF/require-end || return
		echo 32 > $FF/stacktrace-depth
	fi
	echo 1 > $d/verbose	# one log line per fault, no stack dump
	echo 2 > $d/interval
	echo 6 > $d/times
	echo 100 > $d/probability
	echo "$d"
}

# One cell: TRANSPORT POINT SIDE MNT
rb_fault_cell() {
	local tr=$1 point=$2 side=$3 mnt=$4 d left injected rc=0
	local name=faults/$tr/$point/$side log=$RB_OUT/logs/faults_${tr}_${point}_$side
	rb_log "START $name"
	rb_fault_clear
	d=$(rb_fault_arm "$point" "$side") || { rb_result fail "$name" "cannot arm $point"; return; }
	timeout -s KILL 300 /usr/bin/python3 "$RB_REPO/tests/guest/faultio.py" io \
		--dir "$mnt/faults" --ledger "$RB_OUT/logs/faults.ledger" \
		--ops 60 --seed "$RANDOM" --server-dir "$RB_EXPORT/faults" > "$log.io.json" 2> "$log.io.err" || rc=$?
	left=$(cat $d/times)
	rb_fault_clear
	injected=$((6 - left))
	if [ "$rc" = 137 ]; then
		rb_result fail "$name" "I/O hung: killed after 300 s ($injected faults injected)"
		return
	fi
	local vrc=0
	rb_fault_verify "$mnt/faults" "$RB_OUT/logs/faults.ledger" "$log" || vrc=$?
	local summary=$RB_FAULT_SUMMARY
	echo "$name: $injected injected; $summary" >> "$RB_OUT/logs/faults-summary.txt"
	if [ "$injected" -lt 1 ]; then
		rb_result fail "$name" "no fault injected: $point never reached on the $side side"
	elif [ "$rc" != 0 ] || [ "$vrc" != 0 ]; then
		rb_result fail "$name" "data lost or unreadable (io exit $rc, verify exit $vrc): $summary"
	else
		rb_result ok "$name" ""
	fi
}

# rb_faults TRANSPORT DEV POINT... : each point on the client's side, then
# on the server's; "POINT:client" or "POINT:server" where the other side
# never calls it.
rb_faults() {
	local tr=$1 dev=$2 ip mnt p side sides fn ok
	shift 2
	RB_TRANSPORT=$tr
	ip=$(rb_transport_ip) || return
	mnt=/mnt/nfs-faults-$tr
	rb_run "faults/$tr/mount" rb_mount "$ip" 4.2 "$mnt" || return
	for p in "$@"; do
		sides="client server"
		[[ $p == *:* ]] && sides=${p#*:}
		p=${p%:*}
		ok=1
		for fn in ${p//+/ }; do
			[ "$fn" = sunrpc-disconnect ] || grep -qw "^$fn" $FF/injectable || ok=0
		done
		if [ $ok = 0 ]; then
			rb_log "$p is not injectable in this kernel: not run"
			continue
		fi
		for side in $sides; do
			# rb_faults_only=REGEX on the kernel command line (development
			# boots): only the cells whose name matches
			[[ -z $RB_FAULTS_ONLY || faults/$tr/$p/$side =~ $RB_FAULTS_ONLY ]] || continue
			rb_fault_cell "$tr" "$p" "$side" "$mnt"
		done
	done
	rb_run "faults/$tr/umount" umount "$mnt"
	rb_run "faults/$tr/no-mr-or-pin-left" rb_fault_leaks "$dev"
}

rb_fault_setup() {
	[ -d $FF ] || { echo "no $FF (CONFIG_FAIL_FUNCTION)"; return 1; }
	[ -d $FS ] || { echo "no $FS (CONFIG_FAIL_SUNRPC)"; return 1; }
	[ -e $FF/require-start ] || { echo "no stack trace filter (CONFIG_FAULT_INJECTION_STACKTRACE_FILTER)"; return 1; }
	local c sv
	grep -E '^(dma_iova|dma_map_phys|ib_)' $FF/injectable || echo "none of the series' fault points"
	c=$(rb_fault_range client) && sv=$(rb_fault_range server) || return
	echo "client text: $c; server text: $sv"
}
# rxe: on the IOMMU vehicle every DMA entry point is reached; IB-like, so
# svcrdma's rw.c registers no MR (ib_map_mr_ranges on the client only).
# siw: a virtual DMA device (no DMA API calls), iWARP: the server's RDMA
# READs take MRs.  ib_dma_map_bvecs() is rw.c's MR path (siw's server);
# the client maps chunks with the bvec DMA iterator and rw.c's IOVA path
# maps directly, both reached through the DMA entry points on the vehicle.
if rb_run faults/setup rb_fault_setup; then
	rb_faults rxe rxe0 dma_iova_try_alloc dma_iova_link dma_map_phys \
		dma_iova_try_alloc+dma_map_phys:client \
		ib_dma_map_bvecs_sge ib_map_mr_ranges:client sunrpc-disconnect
	rb_faults siw siw0 ib_dma_map_bvecs:server ib_dma_map_bvecs_sge ib_map_mr_ranges sunrpc-disconnect
	rb_fault_clear
fi
