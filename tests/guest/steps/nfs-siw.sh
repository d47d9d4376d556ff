# shellcheck shell=bash
# NFS/RDMA matrix over siw.
. "$RB_REPO/tests/guest/steps/setup.sh"
. "$RB_REPO/tests/guest/nfs-lib.sh"
RB_TRANSPORT=siw RB_TAG=siw$(grep -q "ib_core.force_mr=1" /proc/cmdline && echo -force_mr) rb_nfs_matrix
