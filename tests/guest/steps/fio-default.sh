# shellcheck shell=bash
# make run: the default fio job on the NFSv4.2/rxe mount; JSON to $RB_OUT.
rb_fio_default() {
	cd "$RB_MNT" || return
	RB_MNT=$RB_MNT RB_SIZE=${RB_SIZE:-64m} RB_RUNTIME=${RB_RUNTIME:-10} \
		fio --output-format=json --output="$RB_OUT/fio-default.json" \
		"$RB_REPO/tests/fio/default.fio"
}
rb_run fio/default rb_fio_default
