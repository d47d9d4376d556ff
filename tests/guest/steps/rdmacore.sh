# shellcheck shell=bash
# rdma-core's verbs tests (python3-pyverbs) against rxe0.  Debian gzips most
# of them; copy, gunzip, run with the system python.  Every test that fails
# must be listed in tests/rdma-core-known-failures.txt (failures measured on
# the unpatched base, with the reason); a new failure fails the step, and so
# do fewer passing tests than on the base anchor (tests/rdma-core-baseline.txt).
. "$RB_REPO/tests/guest/steps/setup.sh"
rb_rdmacore() {
	local dir=/tmp/rdma-core log=$RB_OUT/logs/rdma-core-run_tests.txt
	[ -d /usr/share/doc/rdma-core/tests ] || { echo "rdma-core tests not installed (python3-pyverbs, rdma-core)"; return 1; }
	rm -rf $dir; mkdir -p $dir
	cp -r /usr/share/doc/rdma-core/tests $dir/ && gunzip -rf $dir/tests || return
	(cd $dir && timeout 1200 /usr/bin/python3 tests/run_tests.py --dev rxe0 -v) > "$log" 2>&1
	python3 "$RB_REPO/tests/guest/rdmacore-summary.py" "$log" \
		"$RB_REPO/tests/rdma-core-known-failures.txt" "$RB_OUT/rdma-core.json" \
		"$(sed -n 's/^passed //p' "$RB_REPO/tests/rdma-core-baseline.txt")"
}
rb_run rdma-core/run_tests-rxe0 rb_rdmacore
