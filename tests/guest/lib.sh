# shellcheck shell=bash
# Helpers for guest test steps: KTAP-like result lines, logs, common setup.
# A result line goes to the console (prefixed "RB: ", where the host watchdog
# reads which test was running) and to $RB_OUT/results.tap.

RB_NET_RXE=10.99.1      # veth pair rbr0/rbr1, rxe0 on rbr0
RB_NET_SIW=10.99.2      # veth pair rbs0/rbs1, siw0 on rbs0
RB_EXPORT=/mnt/export
RB_MNT=/mnt/nfs

rb_log() {
	local up _
	read -r up _ < /proc/uptime
	echo "RB: [$up] $*" > /dev/console
}

# rb_result ok|fail|skip NAME [REASON]
rb_result() {
	local st=$1 name=$2 why=${3:-} line
	case $st in
	ok) line="ok - $name" ;;
	skip) line="ok - $name # SKIP $why" ;;
	*) line="not ok - $name${why:+ # $why}" ;;
	esac
	echo "$line" >> "$RB_OUT/results.tap"
	rb_log "$line"
}

# rb_run NAME CMD...: run CMD with output to logs/NAME.log, report its result.
rb_run() {
	local name=$1 rc log
	shift
	log=$RB_OUT/logs/${name//\//_}.log
	rb_log "START $name"
	"$@" > "$log" 2>&1
	rc=$?
	if [ $rc = 0 ]; then
		rb_result ok "$name"
	elif [ $rc = 77 ]; then
		rb_result skip "$name" "$(tail -n1 "$log")"
	else
		rb_result fail "$name" "exit $rc: $(tail -n2 "$log" | tr '\n' ' ' | cut -c1-200)"
	fi
	return $rc
}

rb_step() {
	local f=$RB_REPO/tests/guest/steps/$1.sh
	if [ ! -f "$f" ]; then
		rb_result fail "step-$1" "no such step $f"
		return
	fi
	rb_log "step $1"
	# shellcheck disable=SC1090
	. "$f"
}

# Final checks: a kmemleak scan (reported by the host's log check).
rb_finish() {
	local k=/sys/kernel/debug/kmemleak
	if [ -w $k ]; then
		rb_log "START kmemleak-scan"
		echo scan > $k; sleep 5; echo scan > $k
		if [ -s $k ]; then
			cat $k > "$RB_OUT/kmemleak.txt"
			echo "kmemleak: unreferenced objects found:" > /dev/kmsg
			head -n 40 $k > /dev/kmsg
		fi
	fi
	dmesg > "$RB_OUT/dmesg.txt"
}
