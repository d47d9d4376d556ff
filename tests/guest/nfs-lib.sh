# shellcheck shell=bash
# NFS/RDMA helpers: rb_mount, rb_fio_verify, rb_nfs_matrix.
rb_mount() {	# SERVER VERS DIR
	local src=$1:/
	[ "$2" = 3 ] && src=$1:$RB_EXPORT
	mkdir -p "$3" &&
	mount -t nfs -o "vers=$2,proto=rdma,port=20049" "$src" "$3" || return
	# Prove the transport: the mount must really be RDMA.
	# Not "tee /dev/stderr": that reopens the step's log at offset 0.
	local m
	m=$(grep " $3 " /proc/mounts)
	echo "$m"
	[[ $m == *proto=rdma* ]]
}
rb_fio_verify() {	# DIR DIRECT: write pass, drop caches, verify pass
	export RB_DIR=$1
	mkdir -p "$1" || return
	rb_fio_write_verify "$RB_REPO/tests/fio/verify.fio" "$2"
}

# NFS over RDMA matrix for one transport: NFSv3 and NFSv4.2; fio writes with
# crc32c verification then, after dropping the page cache, reads everything
# back over the wire and verifies it again; buffered and O_DIRECT; block sizes
# 4 KiB, 64 KiB, 1 MiB and an odd 5000 bytes (tests/fio/verify.fio).
# rb_nfs_matrix uses $RB_TRANSPORT (rxe|siw) and $RB_TAG (name prefix, e.g. rxe-force_mr).
rb_nfs_matrix() {
	local ip vers mode direct mnt name
	ip=$(rb_transport_ip) || return
	for vers in 3 4.2; do
		mnt=/mnt/nfs-$RB_TAG-v$vers
		if ! rb_run "nfs/$RB_TAG/v$vers/mount" rb_mount "$ip" "$vers" "$mnt"; then
			continue
		fi
		for mode in buffered direct; do
			direct=0; [ $mode = direct ] && direct=1
			name=nfs/$RB_TAG/v$vers/$mode
			export RB_FIO_JSON=$RB_OUT/logs/fio-$RB_TAG-v$vers-$mode
			rb_log "START $name"
			rb_fio_verify "$mnt/$mode" $direct > "$RB_OUT/logs/${name//\//_}.log" 2>&1
			rb_fio_results "$name"
		done
		rb_run "nfs/$RB_TAG/v$vers/umount" umount "$mnt"
	done
}
