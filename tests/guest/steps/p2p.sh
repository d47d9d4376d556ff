# shellcheck shell=bash
# End to end with PCI P2PDMA memory: O_DIRECT between an NFSv4.2/RDMA file
# (rxe) and a buffer mmap()ed from the NVMe CMB's p2pmem (boot with
# scripts/vm --nvme-cmb).  P2PDMA pages must either be refused with
# EREMOTEIO or move the right bytes; never a wrong errno or wrong data.
# Refused both ways is a SKIP, not a pass: no P2P data moved.  The
# kernel log of the step is kept; the boot's log check covers WARNs.
. "$RB_REPO/tests/guest/steps/setup.sh"
. "$RB_REPO/tests/guest/nfs-lib.sh"
rb_p2p_odirect() {
	local dev alloc="" mnt=/mnt/nfs-p2p
	for dev in /sys/bus/pci/devices/*; do
		[ "$(cat "$dev/p2pmem/published" 2>/dev/null)" = 1 ] || continue
		alloc=$dev/p2pmem/allocate
		echo "P2PDMA provider: $(basename "$dev") $(cat "$dev/vendor"):$(cat "$dev/device"), $(cat "$dev/p2pmem/size") bytes"
		break
	done
	[ -n "$alloc" ] || { echo "no published p2pmem (boot with --nvme-cmb)"; return 1; }
	rb_mount "$RB_NET_RXE.1" 4.2 $mnt || return
	local n0
	n0=$(dmesg | wc -l)
	local out rc
	out=$(/usr/bin/python3 "$RB_REPO/tests/guest/p2p-odirect.py" "$alloc" $mnt/p2p-odirect 2>&1)
	rc=$?
	echo "kernel log during the test:"; dmesg | tail -n +$((n0 + 1))
	rm -f $mnt/p2p-odirect
	umount $mnt
	# Last, so that a skip (77) gives its reason: both directions refused.
	echo "$out"
	return $rc
}
rb_run p2p/nfs-v4.2-rxe-odirect-p2pmem rb_p2p_odirect
