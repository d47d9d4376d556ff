#!/bin/bash
# make bench: one CPU sample, appended to $RB_BENCH_STAT: wall time in s
# (bash's $EPOCHREALTIME), the "cpu" line of /proc/stat, and LABEL.
# tests/fio/bench.fio runs it as exec_prerun (just before the job's I/O
# loop) and exec_postrun (just after it), so the two samples bracket the
# bytes fio reports; tests/guest/steps/fio-bench.sh adds samples around the
# whole fio process.  Usage: bench-sample.sh LABEL
read -r cpu < /proc/stat
echo "$EPOCHREALTIME $cpu ${1:-?}" >> "${RB_BENCH_STAT:?}"
