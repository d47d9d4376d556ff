# shellcheck shell=bash
# Soak (issue 13, make stress): tests/fio/soak.fio's random-write jobs,
# each block read back and crc32c-verified soon after, run for RB_SOAK_SECONDS
# (default 300) on four mounts at once: rxe NFSv3 and NFSv4.2 with
# nconnect=4, siw NFSv3 and NFSv4.2 with nconnect=2.  One result per fio
# job: no I/O or verify error, and both writes and verify reads done; then each
# mount is unmounted and each device must hold no MR.  The boot's
# detectors (kmemleak, DMA-API debug, lockdep, KASAN, and on the IOMMU
# vehicle the IOVA accounting) judge the rest.
. "$RB_REPO/tests/guest/steps/setup.sh"
. "$RB_REPO/tests/guest/nfs-lib.sh"
. "$RB_REPO/tests/guest/steps/faults-lib.sh"

rb_soak_mount() {	# IP VERS NCONNECT DIR
	local src=$1:/
	[ "$2" = 3 ] && src=$1:$RB_EXPORT
	mkdir -p "$4" &&
	mount -t nfs -o "vers=$2,proto=rdma,port=20049,nconnect=$3" "$src" "$4" || return
	grep " $4 " /proc/mounts | grep -q "proto=rdma" || return
	grep " $4 " /proc/mounts
	mkdir -p "$4/soak"
}

# Each job: no error, some reads and some writes
rb_soak_judge() {	# FIO_JSON
	/usr/bin/python3 - "$1" <<'PY'
import json, sys
text = open(sys.argv[1]).read()
jobs = json.loads(text[text.index("{"):])["jobs"]
for j in jobs:
    r, w = j["read"]["io_bytes"], j["write"]["io_bytes"]
    why = []
    if j["error"]:
        why.append("error %d" % j["error"])
    if not r or not w:
        why.append("read %d bytes, wrote %d" % (r, w))
    print("%s %s %s" % ("fail" if why else "ok", j["jobname"],
                        "; ".join(why) or "read %d MiB, wrote %d MiB" % (r >> 20, w >> 20)))
PY
}

rb_soak() {
	local st job why
	export RB_SOAK_SECONDS=${RB_SOAK_SECONDS:-300}
	export RB_M1=/mnt/soak-rxe-v3/soak RB_M2=/mnt/soak-rxe-v4.2/soak
	export RB_M3=/mnt/soak-siw-v3/soak RB_M4=/mnt/soak-siw-v4.2/soak
	rb_run soak/mount-rxe-v3 rb_soak_mount $RB_NET_RXE.1 3 4 /mnt/soak-rxe-v3 &&
	rb_run soak/mount-rxe-v4.2 rb_soak_mount $RB_NET_RXE.1 4.2 4 /mnt/soak-rxe-v4.2 &&
	rb_run soak/mount-siw-v3 rb_soak_mount $RB_NET_SIW.1 3 2 /mnt/soak-siw-v3 &&
	rb_run soak/mount-siw-v4.2 rb_soak_mount $RB_NET_SIW.1 4.2 2 /mnt/soak-siw-v4.2 || return
	rb_log "START soak/fio ($RB_SOAK_SECONDS s)"
	timeout -s KILL $((RB_SOAK_SECONDS + 300)) \
		fio --output-format=json --output="$RB_OUT/logs/soak-fio.json" \
		"$RB_REPO/tests/fio/soak.fio" > "$RB_OUT/logs/soak-fio.log" 2>&1
	rb_log "soak fio exit $?"
	while read -r st job why; do
		rb_result "$st" "soak/$job" "$why"
	done < <(rb_soak_judge "$RB_OUT/logs/soak-fio.json" 2>&1 ||
		echo "fail fio no usable JSON output")
	local m
	for m in rxe-v3 rxe-v4.2 siw-v3 siw-v4.2; do
		rb_run "soak/umount-$m" umount /mnt/soak-$m
	done
	rb_run soak/no-mr-or-pin-left-rxe rb_fault_leaks rxe0
	rb_run soak/no-mr-or-pin-left-siw rb_fault_leaks siw0
}
rb_soak
