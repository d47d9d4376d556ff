# shellcheck shell=bash
# NVMe over Fabrics on RDMA, target and host in the same guest: the other
# in-kernel users of what the series changes.  The host (nvme-rdma) registers
# every data buffer it does not send inline with ib_map_mr_sg(), which now
# reaches the provider through map_mr_dma; the target (nvmet-rdma) moves data
# with rdma_rw_ctx_init() from scatterlists, which registers MRs on iWARP
# (siw) and with ib_core.force_mr=1.  rb_nvme_matrix: $RB_TRANSPORT (rxe|siw),
# $RB_TAG (name prefix) and $RB_NVME_MODES (default "direct"; buffered I/O
# through the block device's page cache costs a minute a transport, so only
# the main boot's rxe runs it).
RB_NVME_NQN=nqn.2026-11.invalid.rdma-bvec:nvme-test
RB_NVME_HOSTNQN=nqn.2014-08.org.nvmexpress:uuid:5ee0a6a6-5b1c-4e0b-9a55-rdmabvec0001
RB_NVME_HOSTID=5ee0a6a6-5b1c-4e0b-9a55-000000000001
RB_NVMET=/sys/kernel/config/nvmet

# Target: one subsystem with a 16 MiB file namespace on tmpfs (buffered: tmpfs
# has no O_DIRECT), and one RDMA port per transport, on 4420.
rb_nvmet_setup() {
	local s=$RB_NVMET/subsystems/$RB_NVME_NQN img=/run/nvmet-ns1.img port ip
	[ -d $RB_NVMET ] || mount -t configfs none /sys/kernel/config || return
	[ -d $RB_NVMET ] || { echo "no $RB_NVMET: CONFIG_NVME_TARGET"; return 1; }
	truncate -s 16M $img || return
	mkdir $s && echo 1 > $s/attr_allow_any_host &&
	mkdir $s/namespaces/1 && echo -n $img > $s/namespaces/1/device_path &&
	echo 1 > $s/namespaces/1/buffered_io &&
	echo 1 > $s/namespaces/1/enable || return
	for port in 1 2; do
		ip=$RB_NET_RXE.1; [ $port = 2 ] && ip=$RB_NET_SIW.1
		mkdir $RB_NVMET/ports/$port &&
		echo rdma > $RB_NVMET/ports/$port/addr_trtype &&
		echo ipv4 > $RB_NVMET/ports/$port/addr_adrfam &&
		echo $ip > $RB_NVMET/ports/$port/addr_traddr &&
		echo 4420 > $RB_NVMET/ports/$port/addr_trsvcid &&
		ln -s $s $RB_NVMET/ports/$port/subsystems/$RB_NVME_NQN || return
		echo "port $port: rdma $ip:4420"
	done
	dmesg | grep -i nvmet | tail -n 4
	dmesg | grep -q 'nvmet_rdma: enabling port' || { echo "nvmet-rdma enabled no port"; return 1; }
}

# The namespace's block device of the controller connected to $1 (traddr).
rb_nvme_dev() {
	local c n
	for c in /sys/class/nvme/nvme*; do
		[ "$(cat $c/transport 2>/dev/null)" = rdma ] || continue
		[ "$(cat $c/subsysnqn)" = $RB_NVME_NQN ] || continue
		grep -q "traddr=$1," $c/address || continue
		# With native multipath the block device is the subsystem's head
		for n in $c/nvme*n1 $(readlink -f $c/../../nvme-subsystem 2>/dev/null)/nvme*n1 \
			 /sys/class/nvme-subsystem/*/nvme*n1; do
			[ -e "$n" ] || continue
			n=$(basename "$n")
			[[ $n == *c*n* ]] && continue
			[ -b /dev/$n ] && { echo "/dev/$n $(basename $c)"; return; }
		done
	done
	return 1
}

rb_nvme_connect() {	# IP
	nvme connect -t rdma -a "$1" -s 4420 -n $RB_NVME_NQN \
		--hostnqn=$RB_NVME_HOSTNQN --hostid=$RB_NVME_HOSTID || return
	local i
	for i in $(seq 20); do
		rb_nvme_dev "$1" && return
		sleep 0.5
	done
	echo "connected, but no namespace block device for traddr=$1"
	return 1
}

rb_nvme_fio_verify() {	# DEV DIRECT
	export RB_DEV=$1
	rb_fio_write_verify "$RB_REPO/tests/fio/nvme-verify.fio" "$2"
}

# Counts of the calls that show which paths the I/O took, from kprobes.
rb_nvme_kprobes() {	# on|off|count NAME
	local t=/sys/kernel/tracing
	case $1 in
	on)
		[ -f $t/kprobe_events ] || mount -t tracefs nodev $t 2>/dev/null
		grep -q rbnvme/ $t/kprobe_events ||
			printf '%s\n' 'p:rbnvme/map_mr_sg ib_map_mr_sg' \
				'p:rbnvme/mr_pool_get ib_mr_pool_get' >> $t/kprobe_events || return
		: > $t/trace
		echo 1 > $t/events/rbnvme/enable && echo 1 > $t/tracing_on ;;
	off)
		echo 0 > $t/events/rbnvme/enable; echo 0 > $t/tracing_on ;;
	count)
		grep -c " $2:" $t/trace ;;
	esac
}

rb_nvme_host_mrs() {	# expect ib_map_mr_sg() calls for the host's data
	echo "ib_map_mr_sg(): $RB_NVME_MAP_MR_SG calls"
	# One per read, and per write that does not fit in the capsule (4 KiB):
	# the O_DIRECT pass alone reads back 2 x 256 4 KiB blocks
	[ "$RB_NVME_MAP_MR_SG" -ge 512 ]
}
rb_nvme_target_mrs() {	# rw.c MRs on the target: iWARP and force_mr only
	echo "ib_mr_pool_get(): $RB_NVME_MR_POOL_GET calls"
	# One per host write above 4 KiB at least: the O_DIRECT pass alone
	# writes 16 x 64 KiB, 2 x 1 MiB and 8 x 128 KiB
	[ "$RB_NVME_MR_POOL_GET" -ge 26 ]
}

rb_nvme_matrix() {
	local ip mode direct name dev ctrl
	ip=$(rb_transport_ip) || return
	if [ -z "${RB_NVMET_DONE:-}" ]; then
		RB_NVMET_DONE=1
		rb_run nvme/target-setup rb_nvmet_setup
	fi
	rb_run "nvme/$RB_TAG/connect" rb_nvme_connect "$ip" || return
	read -r dev ctrl < <(rb_nvme_dev "$ip")
	rb_log "nvme/$RB_TAG: $dev on $ctrl"
	rb_nvme_kprobes on
	for mode in ${RB_NVME_MODES:-direct}; do
		direct=0; [ $mode = direct ] && direct=1
		name=nvme/$RB_TAG/$mode
		export RB_FIO_JSON=$RB_OUT/logs/fio-nvme-$RB_TAG-$mode
		rb_log "START $name"
		rb_nvme_fio_verify "$dev" $direct > "$RB_OUT/logs/${name//\//_}.log" 2>&1
		rb_fio_results "$name"
	done
	rb_nvme_kprobes off
	RB_NVME_MAP_MR_SG=$(rb_nvme_kprobes count map_mr_sg)
	RB_NVME_MR_POOL_GET=$(rb_nvme_kprobes count mr_pool_get)
	rb_run "nvme/$RB_TAG/host-registers-mrs" rb_nvme_host_mrs
	if [ "$RB_TRANSPORT" = siw ] || grep -qw 'ib_core.force_mr=1' /proc/cmdline; then
		rb_run "nvme/$RB_TAG/target-rw-registers-mrs" rb_nvme_target_mrs
	fi
	rb_run "nvme/$RB_TAG/disconnect" nvme disconnect -n $RB_NVME_NQN
}

# The target is not torn down through configfs: unlinking a port's last
# subsystem disables it under nvmet_config_sem, taking the listening cm_id's
# handler_mutex, the reverse of a connect command handled from the CM
# handler (nvmet_rdma_queue_established() -> nvmet_find_get_subsys()), and
# lockdep reports that inversion (7.3.4's nvmet, not the series: seen on
# the vehicle boot of 2026-11-24).  The host disconnects, which frees the
# target's queues and their DMA mappings; the ports stay until power-off
# (on the vehicle, deleting rxe0 releases the listener).
