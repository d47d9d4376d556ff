# shellcheck shell=bash
# NFS/RDMA matrix over rxe (on the IOMMU vehicle when booted with rdma_rxe.dma_test=1).
. "$RB_REPO/tests/guest/steps/setup.sh"
. "$RB_REPO/tests/guest/nfs-lib.sh"
rb_rxe_tag() {
	local tag=rxe a
	for a in $(cat /proc/cmdline); do
		case $a in
		ib_core.force_mr=1) tag+=-force_mr ;;
		rdma_rxe.dma_test=1) tag+=-iommu-$(sed -nE 's/.*rb_iommu=([a-z]+).*/\1/p' /proc/cmdline) ;;
		esac
	done
	echo "$tag"
}
RB_TRANSPORT=rxe RB_TAG=$(rb_rxe_tag) rb_nfs_matrix
