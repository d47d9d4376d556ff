# shellcheck shell=bash
# NFS/RDMA helpers: rb_mount, rb_fio_verify, rb_nfs_matrix.
rb_mount() {	# SERVER VERS DIR
	local src=$1:/
	[ "$2" = 3 ] && src=$1:$RB_EXPORT
	mkdir -p "$3" &&
	mount -t nfs -o "vers=$2,proto=rdma,port=20049" "$src" "$3" || return
	# Prove the transport: the mount must really be RDMA.
	grep " $3 " /proc/mounts | tee /dev/stderr | grep -q 'proto=rdma'
}
rb_fio_verify() {	# DIR BS DIRECT
	local job=$RB_REPO/tests/fio/verify.fio
	export RB_DIR=$1 RB_BS=$2 RB_DIRECT=$3 RB_SIZE=${RB_FIO_SIZE:-8m}
	if [ "$3" = 1 ]; then export RB_ENGINE=libaio RB_IODEPTH=4
	else export RB_ENGINE=psync RB_IODEPTH=1; fi
	local json=$RB_OUT/logs/fio-${1##*/}
	mkdir -p "$1" || return
	fio --output-format=json --output="$json.write.json" "$job" || return
	sync
	echo 3 > /proc/sys/vm/drop_caches
	fio --output-format=json --output="$json.verify.json" --verify_only "$job" || return
	# Not vacuous: the verify pass must have read the whole file back.
	python3 - "$json.verify.json" "$RB_SIZE" "$RB_BS" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))["jobs"][0]
units = {"k": 1 << 10, "m": 1 << 20}
def num(s):
    return int(s[:-1]) * units[s[-1]] if s[-1] in units else int(s)
size, bs = num(sys.argv[2]), num(sys.argv[3])
want = size // bs * bs
got = j["read"]["io_bytes"]
print("verify pass read", got, "bytes, expected", want, "error", j["error"])
sys.exit(0 if j["error"] == 0 and got == want else 1)
PY
}

# NFS over RDMA matrix for one transport: NFSv3 and NFSv4.2; fio writes with
# crc32c verification then, after dropping the page cache, reads everything
# back over the wire and verifies it again; buffered and O_DIRECT; block sizes
# 4 KiB, 64 KiB, 1 MiB and an odd 5000 bytes.
# rb_nfs_matrix uses $RB_TRANSPORT (rxe|siw) and $RB_TAG (name prefix, e.g. rxe-force_mr).
rb_nfs_matrix() {
	local ip vers mode bs direct mnt
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
			for bs in 4k 64k 1m 5000; do
				rb_run "nfs/$RB_TAG/v$vers/$mode/bs=$bs" \
					rb_fio_verify "$mnt/$RB_TAG-v$vers-$mode-$bs" $bs $direct
			done
		done
		rb_run "nfs/$RB_TAG/v$vers/umount" umount "$mnt"
	done
}
