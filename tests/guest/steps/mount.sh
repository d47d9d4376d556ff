# shellcheck shell=bash
# Mount the export with NFSv4.2 over rxe at $RB_MNT (for --exec scripts).
. "$RB_REPO/tests/guest/nfs-lib.sh"
rb_run mount/v4.2-rxe rb_mount $RB_NET_RXE.1 4.2 $RB_MNT
