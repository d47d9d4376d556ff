# shellcheck shell=bash
# Standard setup: one veth pair with rxe0, one with siw0, an NFS server
# exporting a tmpfs over TCP and RDMA (port 20049).  Every action is a result.

rb_setup_link() {	# TYPE DEV VETH PREFIX
	ip link add "$3" type veth peer name "${3%0}1" &&
	ip addr add "$4.1/24" dev "$3" &&
	ip addr add "$4.2/24" dev "${3%0}1" &&
	ip link set "$3" up && ip link set "${3%0}1" up &&
	rdma link add "$2" type "$1" netdev "$3" &&
	# Not "tee /dev/stderr": that reopens the step's log at offset 0.
	local link
	link=$(rdma link show "$2/1")
	echo "$link"
	[[ $link == *"state ACTIVE"* ]]
}

rb_setup_nfsd() {
	mkdir -p $RB_EXPORT /var/lib/nfs/rpc_pipefs /var/lib/nfs/v4recovery \
		/var/lib/nfs/sm /var/lib/nfs/sm.bak /run/rpcbind || return
	: > /var/lib/nfs/etab; : > /var/lib/nfs/rmtab
	mount -t nfsd nfsd /proc/fs/nfsd || return
	mount -t rpc_pipefs sunrpc /var/lib/nfs/rpc_pipefs || return
	rpcbind -w || return
	# fsid=0: tmpfs has no UUID, and it makes the export the NFSv4 root.
	exportfs -o rw,no_root_squash,insecure,no_subtree_check,fsid=0 "*:$RB_EXPORT" || return
	# Short grace and lease: the server starts fresh on every boot.
	echo 10 > /proc/fs/nfsd/nfsv4gracetime
	echo 10 > /proc/fs/nfsd/nfsv4leasetime
	# 1 MiB READ/WRITE payloads (the xprtrdma maximum): nfsd would pick
	# 512 KiB from the guest's RAM size.
	echo 1048576 > /proc/fs/nfsd/max_block_size || return
	rpc.mountd || return
	rpc.statd --no-notify || return
	rpc.nfsd 8 || return
	echo "rdma 20049" > /proc/fs/nfsd/portlist || return
	cat /proc/fs/nfsd/portlist
	grep -q 'rdma 20049' /proc/fs/nfsd/portlist || return
	echo Y > /proc/fs/nfsd/v4_end_grace 2>/dev/null
	return 0
}

if [ -z "${RB_SETUP_DONE:-}" ]; then
	RB_SETUP_DONE=1
	rb_run setup/rxe-link rb_setup_link rxe rxe0 rbr0 $RB_NET_RXE
	rb_run setup/siw-link rb_setup_link siw siw0 rbs0 $RB_NET_SIW
	rb_run setup/nfsd-rdma rb_setup_nfsd
fi
