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
print("io: %s writes ok, write errors %s, %s reads ok, read errors %s; "
      "verify: %s blocks checked, read errors %s, wrong %d" % (
          io.get("writes"), io.get("write_errors"), io.get("reads"),
          io.get("read_errors"), ve.get("checked"), ve.get("read_errors"),
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

# rb_fault_range client|server: "START END" of the kernel text of
# xprtrdma's client (transport.o .. ib_client.o: rpcrdma_*, xprt_rdma_*,
# frwr_*) or of svcrdma (svc_rdma*.o), from /proc/kallsyms.  rpcrdma's
# objects are linked in Makefile order, client first, so each side's code
# is one range; the client's backchannel.o, linked last, is left out.
rb_fault_range() {
	/usr/bin/python3 - "$1" <<'PY'
import re, sys
client = re.compile(r"^(rpcrdma_|xprt_rdma_|frwr_)(?!bc_)")
server = re.compile(r"^(svc_rdma|svcrdma)")
syms = []
for line in open("/proc/kallsyms"):
    f = line.split()
    if len(f) == 3 and f[1] in "tT":
        syms.append((int(f[0], 16), f[2]))
syms.sort()
if not syms or syms[-1][0] == 0:
    sys.exit("no addresses in /proc/kallsyms")
idx = lambda pat: [i for i, (_, n) in enumerate(syms) if pat.match(n) and "." not in n]
c, s = idx(client), idx(server)
if not c or not s:
    sys.exit("xprtrdma or svcrdma symbols not found")
# client: from its first symbol up to svcrdma's first; every client
# symbol must lie there
cstart, cend = syms[c[0]][0], syms[s[0]][0]
if syms[c[-1]][0] >= cend:
    sys.exit("client symbol %s after svcrdma's first" % syms[c[-1]][1])
# server: from its first symbol to the symbol after its last
send = syms[s[-1] + 1][0]
if sys.argv[1] == "client":
    print("%#x %#x" % (cstart, cend))
else:
    print("%#x %#x" % (syms[s[0]][0], send))
PY
}
