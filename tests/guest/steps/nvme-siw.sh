# shellcheck shell=bash
# NVMe over Fabrics over siw: iWARP needs MRs for RDMA READ, so the target's
# rdma_rw_ctx_init() registers MRs for every host write.
. "$RB_REPO/tests/guest/steps/setup.sh"
. "$RB_REPO/tests/guest/nvme-lib.sh"
RB_TRANSPORT=siw RB_TAG=siw rb_nvme_matrix
