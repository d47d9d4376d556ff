# shellcheck shell=bash
# Run the --exec script after the standard setup; its output is logs/exec.log.
rb_log "START exec $RB_EXEC"
( cd /tmp && RB_MNT=$RB_MNT bash "$RB_EXEC" ) > "$RB_OUT/logs/exec.log" 2>&1
echo $? > "$RB_OUT/exec.rc"
rb_log "exec finished: exit $(cat "$RB_OUT/exec.rc")"
