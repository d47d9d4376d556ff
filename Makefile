# rdma-bvec: build, boot and test the series in patches/
# Every verb is a thin call into scripts/; see README.md.
#   BUILD_DIR=   build trees and kernels (default ~/.cache/rdma-bvec)
#   KERNEL_DEB=  base source package to use instead of ../shared/kernel or apt
#   TREE=base    test/run the unpatched base (+ test series) instead
SHELL := /bin/bash
.PHONY: help deps tree kernel export run test bench check stress vm clean

help:
	@sed -n 's/^## //p' $(MAKEFILE_LIST)

## deps    install the Debian packages the harness and the guest need
deps:
	@scripts/deps

## tree    create/update the kernel build tree (base + patches/ + patches/test/)
tree:
	@scripts/tree && echo "build tree: $${BUILD_DIR:-$${XDG_CACHE_HOME:-$$HOME/.cache}/rdma-bvec}/linux"

## kernel  build the test kernel (debug options on)
kernel: deps
	@scripts/kernel test $${TREE:-patched}

## export  write the build tree's commits back to patches/ and patches/test/
export:
	@scripts/export

## run     main job: boot the patched kernel, NFSv4.2 over RDMA (rxe), fio report
run: deps
	@scripts/run

## test    the full test matrix in the VM; ends with "N passed, N failed"
test: deps
	@scripts/test

## bench   A/B: base vs patched (non-debug), ABBA rounds, paired B/A ratios with 95% intervals (fio, CPU/GiB), JSON + MD + PNG in results/bench/
bench: deps
	@scripts/bench

## stress  what does not fit make test's time budget (hostile client), on the patched kernel and on base; results/stress-*.tap
stress: deps
	@scripts/stress

## check   each patch on its own: checkpatch --strict (stdin), W=1 build of every provider and ULP with KUnit on, no new warnings; results/check-*.txt
check: deps
	@scripts/check

## vm      boot the test kernel after the standard setup; EXEC=script runs in it
vm: deps
	@d=$$(scripts/vm $(if $(EXEC),--exec $(EXEC),--steps "setup mount")); \
	 cat $$d/results.tap; [ ! -f $$d/logs/exec.log ] || cat $$d/logs/exec.log; \
	 echo "run directory: $$d"; exit $$(cat $$d/exec.rc 2>/dev/null || grep -c '^not ok' $$d/results.tap)

## clean   remove run directories (keeps build trees and ccache)
clean:
	rm -rf $${BUILD_DIR:-$${XDG_CACHE_HOME:-$$HOME/.cache}/rdma-bvec}/runs
