# shellcheck shell=bash
# Helpers of steps/faults.sh and steps/linkloss.sh (sourced, not a step).

# rb_fault_verify DIR LEDGER LOG: with no fault armed, read every block of
# tests/guest/faultio.py's ledger back over the mount; sets
# RB_FAULT_SUMMARY (what the io phase at LOG.io.json and this read saw).
rb_fault_verify() {
	local vrc=0
	timeout -s KILL 300 /usr/bin/python3 "$RB_REPO/tests/guest/faultio.py" verify \
		--dir "$1" --ledger "$2" > "$3.verify.json" 2> "$3.verify.err" || vrc=$?
	RB_FAULT_SUMMARY=$(/usr/bin/python3 - "$3.io.json" "$3.verify.json" <<'PY'
import json, sys
def load(f):
    try:
        return json.loads(open(f).read() or "{}")
    except (OSError, ValueError):
        return {}
io, ve = (load(f) for f in sys.argv[1:3])
print("io: %s writes ok, write errors %s, %s reads; verify: %s blocks checked, "
      "read errors %s, wrong %d" % (
          io.get("writes"), io.get("write_errors"), io.get("reads"),
          ve.get("checked"), ve.get("read_errors"),
          len(io.get("wrong", [])) + len(ve.get("wrong", []))))
PY
	)
	[ "$vrc" != 137 ] || RB_FAULT_SUMMARY="verify hung (killed after 300 s); $RB_FAULT_SUMMARY"
	return $vrc
}

# rb_fault_leaks DEV: after the mount is gone, no MR on DEV and no page
# pinned (FOLL_PIN) anywhere
rb_fault_leaks() {
	local n pins
	sleep 3
	rdma resource show mr dev "$1"
	n=$(rdma resource show mr dev "$1" | grep -c 'mrn')
	pins=$(awk '/^nr_foll_pin_(acquired|released)/ { v[$1] = $2 }
		END { print v["nr_foll_pin_acquired"] - v["nr_foll_pin_released"] }' /proc/vmstat)
	echo "MRs on $1: $n, pages pinned: $pins"
	[ "$n" = 0 ] && [ "$pins" = 0 ]
}
