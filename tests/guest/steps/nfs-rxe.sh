# shellcheck shell=bash
# NFS/RDMA matrix over rxe (on the IOMMU vehicle when booted with rdma_rxe.dma_test=1).
. "$RB_REPO/tests/guest/steps/setup.sh"
. "$RB_REPO/tests/guest/nfs-lib.sh"
RB_TRANSPORT=rxe RB_TAG=$(rb_rxe_tag) rb_nfs_matrix
