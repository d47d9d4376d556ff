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
	local job=$RB_REPO/tests/fio/verify.fio
	export RB_DIR=$1 RB_DIRECT=$2
	if [ "$2" = 1 ]; then export RB_ENGINE=libaio RB_IODEPTH=4
	else export RB_ENGINE=psync RB_IODEPTH=1; fi
	mkdir -p "$1" || return
	RB_DO_VERIFY=0 fio --output-format=json --output="$RB_FIO_JSON.write.json" "$job"
	sync
	echo 3 > /proc/sys/vm/drop_caches
	RB_DO_VERIFY=1 fio --output-format=json --output="$RB_FIO_JSON.verify.json" --verify_only "$job"
	return 0	# judged per job by fio-summary.py
}

# NFS over RDMA matrix for one transport: NFSv3 and NFSv4.2; fio writes with
# crc32c verification then, after dropping the page cache, reads everything
# back over the wire and verifies it again; buffered and O_DIRECT; block sizes
# 4 KiB, 64 KiB, 1 MiB and an odd 5000 bytes (tests/fio/verify.fio).
# rb_nfs_matrix uses $RB_TRANSPORT (rxe|siw) and $RB_TAG (name prefix, e.g. rxe-force_mr).
rb_nfs_matrix() {
	local ip vers mode direct mnt name st job why
	case $RB_TRANSPORT in
	rxe) ip=$RB_NET_RXE.1 ;;
	siw) ip=$RB_NET_SIW.1 ;;
	esac
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
			while read -r st job why; do
				rb_result "$st" "$name/$job" "$why"
			done < <(python3 "$RB_REPO/tests/guest/fio-summary.py" \
				"$RB_FIO_JSON.write.json" "$RB_FIO_JSON.verify.json")
		done
		rb_run "nfs/$RB_TAG/v$vers/umount" umount "$mnt"
	done
}
