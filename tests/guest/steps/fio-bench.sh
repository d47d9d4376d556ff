# shellcheck shell=bash
# make bench, in the guest: after `setup mount`, on the NFSv4.2/RDMA (rxe)
# mount at $RB_MNT:
#   bench/verify   tests/fio/bench-verify.fio: write with crc32c headers and
#                  read every block back, 1 MiB sequential and 4 KiB random,
#                  untimed and on files of its own
#   bench/prep     lay out the benchmark file in full (tests/fio/bench.fio [prep])
#   bench/JOB      for each job of $RB_BENCH_JOBS: the same job for
#                  $RB_BENCH_RAMP seconds (the ramp: a run of its own, not
#                  measured), then the job for $RB_BENCH_RUNTIME seconds
#                  (time_based, no ramp_time)
#   bench/summary  tests/guest/fio-bench.py: $RB_OUT/logs/fio-bench.json
# The CPU window: fio samples /proc/stat itself (tests/guest/bench-sample.sh
# as exec_prerun/exec_postrun), just before and just after the job's I/O
# loop, so it covers the same run as fio's bytes and runtime (on the host,
# fio 3.33: 2.004 s of window for 2.000 s of runtime).  The step also
# samples around the whole fio process ("outer", recorded, not used).  CPU
# is the whole guest's (both cores: the NFS client, the NFS server and rxe
# all run here): system + softirq (and irq apart) in USER_HZ ticks from the
# "cpu" line of /proc/stat.
# Settings come from the host (scripts/bench: scripts/vm --guest-env):
#   RB_BENCH_RUNTIME=30  seconds per timed job
#   RB_BENCH_RAMP=5      seconds of ramp before each (0: none)
#   RB_BENCH_JOBS=seq-write-1m,seq-read-1m,rand-read-4k  sections of bench.fio
#   RB_BENCH_SIZE=256m   benchmark file (lives in the server's tmpfs export)
RB_BENCH_RUNTIME=${RB_BENCH_RUNTIME:-30}
RB_BENCH_RAMP=${RB_BENCH_RAMP:-5}
RB_BENCH_JOBS=${RB_BENCH_JOBS:-seq-write-1m,seq-read-1m,rand-read-4k}
RB_BENCH_SIZE=${RB_BENCH_SIZE:-256m}
export RB_BENCH_DIR=$RB_MNT/bench RB_BENCH_SIZE
export RB_BENCH_SAMPLE="/bin/bash $RB_REPO/tests/guest/bench-sample.sh"

# fio writes the exec_prerun/postrun output to JOB.prerun.txt and
# JOB.postrun.txt in its working directory: the logs directory (the guest's
# root is read-only).  A failed sample fails the job.
rb_bench_fio() {	# OUTPUT_JSON FIO_ARGS...
	local out=$1
	shift
	(cd "$RB_OUT/logs" && fio --output-format=json --output="$out" "$@")
}

rb_bench_is_rdma() {
	local m
	m=$(grep " $RB_MNT " /proc/mounts)
	echo "$m"
	[[ $m == *proto=rdma* ]]
}

rb_bench_verify() {
	mkdir -p "$RB_BENCH_DIR" || return
	rb_bench_is_rdma || { echo "$RB_MNT is not an NFS/RDMA mount (the mount step?)"; return 1; }
	rb_bench_fio "$RB_OUT/logs/fio-bench-verify.json" "$RB_REPO/tests/fio/bench-verify.fio"
	echo "fio exit $?"
	/usr/bin/python3 "$RB_REPO/tests/guest/fio-bench.py" verify "$RB_OUT/logs/fio-bench-verify.json"
}

rb_bench_prep() {
	mkdir -p "$RB_BENCH_DIR" || return
	RB_FIO_RUNTIME=0 RB_BENCH_STAT=$RB_OUT/logs/fio-bench-prep.stat \
		rb_bench_fio "$RB_OUT/logs/fio-bench-prep.json" \
		--section=prep "$RB_REPO/tests/fio/bench.fio" || return
	ls -l "$RB_BENCH_DIR"
}

# The outer samples, around the whole fio process (same format as
# bench-sample.sh, read without a fork)
rb_bench_sample() {	# FILE LABEL
	local cpu
	read -r cpu < /proc/stat
	echo "$EPOCHREALTIME $cpu $2" >> "$1"
}

rb_bench_job() {	# JOB
	local job=$1 log=$RB_OUT/logs/fio-bench-$1 rc
	rm -f "$log.stat" "$log.ramp.stat"
	if [ "$RB_BENCH_RAMP" != 0 ]; then
		RB_FIO_RUNTIME=$RB_BENCH_RAMP RB_BENCH_STAT=$log.ramp.stat \
			rb_bench_fio "$log.ramp.json" --section="$job" "$RB_REPO/tests/fio/bench.fio" ||
			{ echo "ramp run failed"; return 1; }
	fi
	sync
	rb_bench_sample "$log.stat" start
	RB_FIO_RUNTIME=$RB_BENCH_RUNTIME RB_BENCH_STAT=$log.stat \
		rb_bench_fio "$log.json" --section="$job" "$RB_REPO/tests/fio/bench.fio"
	rc=$?
	rb_bench_sample "$log.stat" end
	cat "$log.stat"
	echo "fio exit $rc"
	return $rc
}

rb_bench_summary() {
	/usr/bin/python3 "$RB_REPO/tests/guest/fio-bench.py" summary \
		"$RB_OUT/logs/fio-bench.json" "$RB_OUT/logs" "$RB_BENCH_JOBS" \
		"$RB_BENCH_RUNTIME" "$RB_BENCH_RAMP" "$RB_BENCH_SIZE"
}

rb_run bench/verify rb_bench_verify
if rb_run bench/prep rb_bench_prep; then
	for j in ${RB_BENCH_JOBS//,/ }; do
		rb_run "bench/$j" rb_bench_job "$j"
	done
fi
rb_run bench/summary rb_bench_summary
