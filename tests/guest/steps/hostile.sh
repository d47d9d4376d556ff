# shellcheck shell=bash
# Hostile client (issue 13): tests/guest/hostile.py sends malformed
# RPC-over-RDMA Calls to nfsd over rxe and over siw, one connection per
# case, and checks after each that a well-formed NULL Call still gets its
# reply.  Meanwhile an NFSv4.2 mount of the same server writes and then
# verifies files with fio: it must keep working during and after.
. "$RB_REPO/tests/guest/steps/setup.sh"
. "$RB_REPO/tests/guest/nfs-lib.sh"

# The server's kernel log names what it refused (patched: svcrdma's
# rate-limited lines; base 7.3.4 reports through tracepoints only): at
# least one malformed header and one failed chunk transfer.
rb_hostile_log() {	# DMESG-LINE-MARK
	local log bad chunk
	if ! grep -qw ib_dma_map_bvecs /proc/kallsyms; then
		echo "base kernel: svcrdma logs no line for malformed input"
		return 77
	fi
	log=$(dmesg | tail -n +"$(($1 + 1))" | grep 'svcrdma: ')
	echo "$log"
	bad=$(grep -c 'svcrdma: malformed RPC-over-RDMA header from' <<< "$log")
	chunk=$(grep -cE 'svcrdma: (RDMA (Read|Write) .* failed|cannot read the chunks)' <<< "$log")
	echo "malformed-header lines: $bad, chunk-transfer lines: $chunk"
	[ "$bad" -ge 1 ] && [ "$chunk" -ge 1 ]
}

rb_hostile() {	# TRANSPORT
	local ip mnt st name why fio_pid mark
	ip=$(RB_TRANSPORT=$1 rb_transport_ip) || return
	mnt=/mnt/nfs-hostile-$1
	rb_run "hostile/$1/mount" rb_mount "$ip" 4.2 "$mnt" || return
	export RB_FIO_JSON=$RB_OUT/logs/fio-hostile-$1
	rb_fio_verify "$mnt/well-behaved" 1 > "$RB_OUT/logs/hostile_$1_fio.log" 2>&1 &
	fio_pid=$!
	mark=$(dmesg | wc -l)
	rb_log "START hostile/$1 (client)"
	/usr/bin/python3 "$RB_REPO/tests/guest/hostile.py" --server "$ip" \
		> "$RB_OUT/logs/hostile-$1.jsonl" 2> "$RB_OUT/logs/hostile-$1.err"
	while read -r st name why; do
		rb_result "$st" "hostile/$1/$name" "$why"
	done < <(/usr/bin/python3 - "$RB_OUT/logs/hostile-$1.jsonl" <<'PY'
import json, sys
n = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    n += 1
    why = "" if r["ok"] else "%s (allowed %s), then control %s: %s %s" % (
        r["outcome"], "/".join(r["allowed"]), r["control"], r["detail"],
        r["control_detail"])
    print("ok" if r["ok"] else "fail", r["case"], why.replace("\n", " ")[:200])
if not n:
    print("fail client no case reported (see logs/hostile-*.err)")
PY
	)
	rb_run "hostile/$1/server-log" rb_hostile_log "$mark"
	wait "$fio_pid"
	rb_fio_results "hostile/$1/well-behaved-mount"
	# After the client: the mount still reads what it wrote
	rb_run "hostile/$1/mount-after" ls -l "$mnt/well-behaved"
	umount "$mnt"
}

rb_hostile rxe
rb_hostile siw
