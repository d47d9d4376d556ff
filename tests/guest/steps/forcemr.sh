# shellcheck shell=bash
# The force_mr boot tests what its name says: ib_core's force_mr parameter is
# really on, and the server's RDMA READs and WRITEs (rw.c, through svcrdma)
# really register MRs.  rxe is InfiniBand-like, so without force_mr rw.c
# posts RDMA READ/WRITE with plain SGEs and registers no MR at all; with it,
# every rw.c context takes its MRs from the QP's pool (ib_mr_pool_get()).
# Count those calls during 1 MiB O_DIRECT writes (server RDMA READs) and reads
# (server RDMA WRITEs) over NFSv4.2/rxe: each RPC needs at least one MR.
. "$RB_REPO/tests/guest/steps/setup.sh"
. "$RB_REPO/tests/guest/nfs-lib.sh"
# rw.c declares the parameter with permission 0, so it has no file under
# /sys/module/ib_core/parameters/: check that the kernel took it from the
# command line (an unknown parameter is listed as passed to user space);
# the MR count below shows it is in effect.
rb_forcemr_param() {
	local p=/sys/module/ib_core/parameters/force_mr
	grep -qw 'ib_core.force_mr=1' /proc/cmdline || { echo "no ib_core.force_mr=1 on the command line"; return 1; }
	if dmesg | grep 'Unknown kernel command line parameters' | grep -q 'force_mr'; then
		echo "the kernel did not know ib_core.force_mr"
		return 1
	fi
	if [ -e $p ]; then
		echo "$p: $(cat $p)"
		[ "$(cat $p)" = Y ] || return 1
	fi
	echo "ib_core.force_mr=1 accepted"
}
rb_forcemr_mrs() {
	local t=/sys/kernel/tracing mnt=/mnt/nfs-forcemr dir n rpcs
	[ -f $t/kprobe_events ] || mount -t tracefs nodev $t 2>/dev/null
	echo 'p:rbfmr/mr_pool_get ib_mr_pool_get' >> $t/kprobe_events || return 1
	rb_mount "$RB_NET_RXE.1" 4.2 $mnt || return 1
	for dir in write read; do
		[ $dir = read ] && echo 3 > /proc/sys/vm/drop_caches
		: > $t/trace
		echo 1 > $t/events/rbfmr/enable; echo 1 > $t/tracing_on
		if [ $dir = write ]; then
			dd if=/dev/urandom of=$mnt/forcemr bs=1M count=8 oflag=direct status=none || return 1
		else
			dd if=$mnt/forcemr of=/dev/null bs=1M count=8 iflag=direct status=none || return 1
		fi
		echo 0 > $t/tracing_on; echo 0 > $t/events/rbfmr/enable
		n=$(grep -c 'mr_pool_get:' $t/trace)
		echo "$dir 8 MiB in 1 MiB O_DIRECT requests: $n ib_mr_pool_get() calls"
		[ "$n" -ge 8 ] || { echo "fewer rw.c MRs than RPCs: force_mr is not in effect for $dir"; return 1; }
	done
	rm -f $mnt/forcemr
	umount $mnt
}
rb_run forcemr/param rb_forcemr_param
rb_run forcemr/rxe-server-rw-registers-mrs rb_forcemr_mrs
