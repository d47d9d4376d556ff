# shellcheck shell=bash
# KUnit: every suite built into the kernel ran at boot; read each suite's KTAP
# from debugfs and report every test case (parameterised cases as one line
# each, with their parameter count in the log).
rb_kunit() {
	local d suite res n=0 p2pmem=""
	# With a published p2pmem (the NVMe CMB of the main boot) the P2PDMA
	# suite has what it needs: a skipped case there is a failure.
	grep -qx 1 /sys/bus/pci/devices/*/p2pmem/published 2>/dev/null && p2pmem=1
	# With RAM above 4 GiB a 32-bit device maps through swiotlb, which
	# limits a mapping to 256 KiB: the split case must run, not skip.
	local highmem=""
	grep -Eq '^ *[1-9a-f][0-9a-f]{8,}-[0-9a-f]+ : System RAM' /proc/iomem && highmem=1
	for d in /sys/kernel/debug/kunit/*/; do
		[ -f "$d/results" ] || continue
		suite=$(basename "$d")
		cp "$d/results" "$RB_OUT/logs/kunit-$suite.ktap"
		while IFS= read -r res; do
			n=$((n + 1))
			case $res in
			"not ok "*) rb_result fail "kunit/$suite/$(echo "$res" | sed -E 's/^not ok [0-9]+ //; s/ #.*//')" "see logs/kunit-$suite.ktap" ;;
			*"# SKIP"*) if [ "$suite" = ib_bvec_dma_p2p ] && [ -n "$p2pmem" ]; then
					rb_result fail "kunit/$suite/$(echo "$res" | sed -E 's/^ok [0-9]+ //; s/ #.*//')" "skipped although p2pmem is published:${res##*# SKIP}"
					continue
				fi
				if [ -n "$highmem" ] && [[ $res == "ok "*" bvd_split_test #"* ]]; then
					rb_result fail "kunit/$suite/bvd_split_test" "skipped although the guest has RAM above 4 GiB:${res##*# SKIP}"
					continue
				fi
				rb_result skip "kunit/$suite/$(echo "$res" | sed -E 's/^ok [0-9]+ //; s/ #.*//')" "${res##*# SKIP}" ;;
			*) rb_result ok "kunit/$suite/$(echo "$res" | sed -E 's/^ok [0-9]+ //')" ;;
			esac
		done < <(sed -nE 's/^    ((not )?ok [0-9]+ .*)/\1/p' "$d/results")
	done
	[ $n -gt 0 ] || rb_result fail kunit "no KUnit test case results found in debugfs"
}
# Suites that need devices which may finish probing after the built-in
# suites ran at boot (the NVMe CMB for P2PDMA): run them again now.
rb_kunit_rerun() {
	local s
	for s in ib_bvec_dma_p2p; do
		[ -e "/sys/kernel/debug/kunit/$s/run" ] || continue
		rb_log "kunit: running suite $s again"
		echo run > "/sys/kernel/debug/kunit/$s/run"
	done
}
rb_log "START kunit"
rb_kunit_rerun
rb_kunit
