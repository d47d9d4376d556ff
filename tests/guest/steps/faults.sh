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
# Sides: the task filter of the fault attribute limits a fault to tasks
# marked make-it-fail.  Server: the nfsd threads, where svcrdma maps and
# registers.  Client: the kworkers (rpciod runs xprtrdma's marshalling,
# async as O_DIRECT RPCs are) and the I/O process; re-marked every half
# second, as worker pools start new kworkers.
. "$RB_REPO/tests/guest/steps/setup.sh"
. "$RB_REPO/tests/guest/nfs-lib.sh"
. "$RB_REPO/tests/guest/steps/faults-lib.sh"

FF=/sys/kernel/debug/fail_function
FS=/sys/kernel/debug/fail_sunrpc

rb_fault_mark() {	# client|server 0|1
	local p
	if [ "$1" = server ]; then
		for p in $(pgrep -x nfsd); do echo "$2" > /proc/$p/make-it-fail; done
	else
		for p in $(pgrep '^kworker/'); do echo "$2" > /proc/$p/make-it-fail 2>/dev/null; done
		echo "$2" > /proc/self/make-it-fail
	fi
}

rb_fault_clear() {
	echo > $FF/inject
	echo 0 > $FS/probability
	rb_fault_mark server 0
	rb_fault_mark client 0
}

# rb_fault_arm POINT SIDE: arm one fault point; prints the attribute dir.
# Every 3rd call made by the side's tasks fails, 6 times at most.
rb_fault_arm() {
	local fn=$1 retval d=$FF
	case $1 in
	dma_iova_try_alloc) retval=0 ;;			# false
	dma_map_phys) retval=0xffffffffffffffff ;;	# DMA_MAPPING_ERROR
	sunrpc-disconnect) d=$FS ;;
	*) retval=$(printf '%#x' -12) ;;		# -ENOMEM
	esac
	if [ $d = $FF ]; then
		echo "$fn" > $FF/inject || return
		echo "$retval" > $FF/$fn/retval || return
		echo Y > $d/task-filter
	else
		echo Y > $FS/ignore-cache-wait
		if [ "$2" = server ]; then
			echo Y > $FS/ignore-client-disconnect; echo N > $FS/ignore-server-disconnect
		else
			echo N > $FS/ignore-client-disconnect; echo Y > $FS/ignore-server-disconnect
		fi
		echo N > $d/task-filter
	fi
	echo 1 > $d/verbose	# one log line per fault, no stack dump
	echo 3 > $d/interval
	echo 6 > $d/times
	echo 100 > $d/probability
	echo "$d"
}

# One cell: TRANSPORT POINT SIDE MNT
rb_fault_cell() {
	local tr=$1 point=$2 side=$3 mnt=$4 d left injected rc=0 marker
	local name=faults/$tr/$point/$side log=$RB_OUT/logs/faults_${tr}_${point}_$side
	rb_log "START $name"
	rb_fault_clear
	d=$(rb_fault_arm "$point" "$side") || { rb_result fail "$name" "cannot arm $point"; return; }
	rb_fault_mark "$side" 1
	( while :; do rb_fault_mark "$side" 1; sleep 0.5; done ) & marker=$!
	timeout -s KILL 300 /usr/bin/python3 "$RB_REPO/tests/guest/faultio.py" io \
		--dir "$mnt/faults" --ledger "$RB_OUT/logs/faults-$tr.ledger" \
		--ops 120 --seed "$RANDOM" > "$log.io.json" 2> "$log.io.err" || rc=$?
	kill $marker; wait $marker 2>/dev/null
	left=$(cat $d/times)
	rb_fault_clear
	injected=$((6 - left))
	if [ "$rc" = 137 ]; then
		rb_result fail "$name" "I/O hung: killed after 300 s ($injected faults injected)"
		return
	fi
	local vrc=0
	rb_fault_verify "$mnt/faults" "$RB_OUT/logs/faults-$tr.ledger" "$log" || vrc=$?
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
# on the server's, except where the server never calls it (an entry
# "point:client" runs on the client only).
rb_faults() {
	local tr=$1 dev=$2 ip mnt p side sides
	shift 2
	RB_TRANSPORT=$tr
	ip=$(rb_transport_ip) || return
	mnt=/mnt/nfs-faults-$tr
	rb_run "faults/$tr/mount" rb_mount "$ip" 4.2 "$mnt" || return
	for p in "$@"; do
		sides="client server"
		[[ $p == *:client ]] && sides=client
		p=${p%:client}
		if [ "$p" != sunrpc-disconnect ] && ! grep -qw "^$p" $FF/injectable; then
			rb_log "$p is not injectable in this kernel: not run"
			continue
		fi
		for side in $sides; do
			rb_fault_cell "$tr" "$p" "$side" "$mnt"
		done
	done
	rb_run "faults/$tr/umount" umount "$mnt"
	rb_run "faults/$tr/no-mr-or-pin-left" rb_fault_leaks "$dev"
}

rb_fault_setup() {
	[ -d $FF ] || { echo "no $FF (CONFIG_FAIL_FUNCTION)"; return 1; }
	[ -d $FS ] || { echo "no $FS (CONFIG_FAIL_SUNRPC)"; return 1; }
	cat $FF/injectable | grep -E '^(dma_iova|dma_map_phys|ib_)' || true
}
# rxe: on the IOMMU vehicle every DMA entry point is reached; IB-like, so
# svcrdma's rw.c registers no MR (ib_map_mr_ranges on the client only).
# siw: a virtual DMA device (no DMA API calls), iWARP: the server's RDMA
# READs take MRs.
if rb_run faults/setup rb_fault_setup; then
	rb_faults rxe rxe0 dma_iova_try_alloc dma_iova_link dma_map_phys \
		ib_dma_map_bvecs ib_dma_map_bvecs_sge ib_map_mr_ranges:client sunrpc-disconnect
	rb_faults siw siw0 ib_dma_map_bvecs ib_dma_map_bvecs_sge ib_map_mr_ranges sunrpc-disconnect
	rb_fault_clear
fi
