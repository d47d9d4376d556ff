# shellcheck shell=bash
# NVMe over Fabrics over rxe (on the IOMMU vehicle when booted with
# rdma_rxe.dma_test=1): nvmet-rdma target and nvme-rdma host, fio verify;
# buffered I/O too on the plain rxe boot.
. "$RB_REPO/tests/guest/steps/setup.sh"
. "$RB_REPO/tests/guest/nvme-lib.sh"
RB_TAG=$(rb_rxe_tag)
modes=direct; [ "$RB_TAG" = rxe ] && modes="buffered direct"
RB_TRANSPORT=rxe RB_NVME_MODES=$modes rb_nvme_matrix
