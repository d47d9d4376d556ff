# shellcheck shell=bash
# The mapping counters (counters.sh) over rxe and over siw.
RB_COUNTERS="rxe siw"
. "$RB_REPO/tests/guest/steps/counters.sh"
