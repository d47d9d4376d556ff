# shellcheck shell=bash
# The IOMMU vehicle's in-kernel check (patches/test/): rdma_rw_ctx_init_bvec()
# on the rxe device behind the vIOMMU with bvecs {4096 @ 0, 1024 @ 512,
# 4096 @ 0} (an interior bvec that is not IOMMU-granule aligned), then every
# SGE is checked through the IOMMU page tables, and after the context is
# destroyed none of them may translate any more (-EBUSY: a leaked mapping).
# Upstream 7.3.4 fails it (dma_iova_link() WARNs and returns -EIO); the
# series maps it.
rb_dmatest_rw_unaligned() {
	local f=/sys/kernel/debug/rxe_dma_test/rw_unaligned
	[ -e $f ] || { echo "no $f: kernel without the test series or rxe.dma_test=0"; return 1; }
	rdma link show rxe0/1 || return
	echo rxe0 > $f
	local rc=$?
	dmesg | grep 'rxe_dma_test' | tail -n 3
	return $rc
}
. "$RB_REPO/tests/guest/steps/setup.sh"
rb_run dmatest/rw-unaligned-interior-bvec rb_dmatest_rw_unaligned
