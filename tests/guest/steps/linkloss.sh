# shellcheck shell=bash
# Link loss mid-I/O (issue 13, make stress): while tests/guest/faultio.py
# writes and reads O_DIRECT blocks over an NFSv4.2 mount (hard, the
# default) and keeps a ledger, one event at a time:
#   veth-down-up   the RDMA device's netdev goes down for 8 s and up again
#   device-remove  the rxe/siw link is deleted (device removal: xprtrdma and
#                  svcrdma must let go of every MR and mapping of it, or
#                  the removal blocks) and added again after 3 s
#   nfsd-restart   the server's threads and listeners stop (rpc.nfsd 0) and
#                  start again with the RDMA listener re-added
# Each event passes when the I/O finishes within its time (the client
# reconnected and resumed) and every block reads back what the last write
# that returned success wrote.  After the events the mount is unmounted and
# the device must hold no MR and no page may stay pinned
# (steps/faults.sh); the boot's detectors check kmemleak, DMA-API debug
# and, on the IOMMU vehicle, the IOVA accounting.
. "$RB_REPO/tests/guest/steps/setup.sh"
. "$RB_REPO/tests/guest/nfs-lib.sh"
. "$RB_REPO/tests/guest/steps/faults-lib.sh"

rb_link_event() {	# EVENT TYPE DEV NETDEV
	case $1 in
	veth-down-up)
		ip link set "$4" down || return
		sleep 8
		ip link set "$4" up ;;
	device-remove)
		timeout 120 rdma link delete "$3" ||
			{ echo "rdma link delete $3 failed or blocked (exit $?)"; return 1; }
		! rdma link show "$3/1" 2>/dev/null || return
		sleep 3
		rdma link add "$3" type "$2" netdev "$4" ;;
	nfsd-restart)
		rpc.nfsd 0 || return
		sleep 3
		rpc.nfsd 8 || return
		echo "rdma 20049" > /proc/fs/nfsd/portlist || return
		grep 'rdma 20049' /proc/fs/nfsd/portlist ;;
	esac
}

rb_linkloss() {	# TRANSPORT TYPE DEV NETDEV
	local tr=$1 ip mnt ev name log io rc iorc vrc ledger
	RB_TRANSPORT=$tr
	ip=$(rb_transport_ip) || return
	mnt=/mnt/nfs-link-$tr ledger=$RB_OUT/logs/link.ledger
	rb_run "link/$tr/mount" rb_mount "$ip" 4.2 "$mnt" || return
	for ev in veth-down-up device-remove nfsd-restart; do
		name=link/$tr/$ev log=$RB_OUT/logs/link_${tr}_$ev
		rb_log "START $name"
		timeout -s KILL 400 /usr/bin/python3 "$RB_REPO/tests/guest/faultio.py" io \
			--dir "$mnt/link" --ledger "$ledger" --ops 100 --seed "$RANDOM" --server-dir "$RB_EXPORT/link" \
			> "$log.io.json" 2> "$log.io.err" &
		io=$!
		sleep 4
		rb_link_event "$ev" "$2" "$3" "$4" > "$log.event.log" 2>&1
		rc=$?
		iorc=0; wait $io || iorc=$?
		# a mount that hung stays hung for the verify too: do not wait
		# another 300 s for it
		vrc=0
		if [ "$iorc" = 137 ]; then
			RB_FAULT_SUMMARY="no verify (the I/O hung)"
		else
			rb_fault_verify "$mnt/link" "$ledger" "$log" || vrc=$?
		fi
		echo "$name: event exit $rc; $RB_FAULT_SUMMARY" >> "$RB_OUT/logs/link-summary.txt"
		if [ "$rc" != 0 ]; then
			rb_result fail "$name" "event failed: $(tail -n2 "$log.event.log" | tr '\n' ' ' | cut -c1-160)"
		elif [ "$iorc" = 137 ]; then
			rb_result fail "$name" "I/O hung: killed after 400 s; $RB_FAULT_SUMMARY"
		elif [ "$iorc" != 0 ] || [ "$vrc" != 0 ]; then
			rb_result fail "$name" "data lost or unreadable (io exit $iorc, verify exit $vrc): $RB_FAULT_SUMMARY"
		else
			rb_result ok "$name"
		fi
	done
	rb_run "link/$tr/umount" umount "$mnt"
	rb_run "link/$tr/no-mr-or-pin-left" rb_fault_leaks "$3"
}

rb_linkloss rxe rxe rxe0 rbr0
rb_linkloss siw siw siw0 rbs0
