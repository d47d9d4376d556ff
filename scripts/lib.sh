# shellcheck shell=bash
# Common settings for the rdma-bvec harness.  Sourced by every script.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE_ROOT=${XDG_CACHE_HOME:-$HOME/.cache}/rdma-bvec
BUILD_DIR=${BUILD_DIR:-$CACHE_ROOT}
SRC=$BUILD_DIR/linux            # git tree: base + patches/ (+ patches/test/)
OUTROOT=$BUILD_DIR/out          # O= build directories, one per flavour
RUNROOT=${RUN_DIR:-$BUILD_DIR/runs}

KPKG=linux-source-7.3
KVER_DEB=7.3.4-1~bpo13+1
KDEB_NAME=${KPKG}_${KVER_DEB}_all.deb
KDEB_SHA256=703e369ddd4cce971452f5a593ee55df3a5c10c83caf0fa0df039633ed181ee3
KRELEASE=7.3.4

NCPU=$(nproc)
export CCACHE_DIR=${CCACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ccache}

say()  { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die()  { printf 'error: %s\n' "$*" >&2; exit 1; }

# Refuse to start a build on an (almost) full disk rather than die half way.
need_disk() {
	local dir=$1 want_gb=$2 avail
	mkdir -p "$dir"
	avail=$(df -Pk "$dir" | awk 'NR==2 {print int($4 / 1048576)}')
	[ "$avail" -ge "$want_gb" ] ||
		die "only ${avail} GiB free under $dir, need ${want_gb} GiB (free space or set BUILD_DIR=)"
}

# One harness run per build directory at a time: builds, tree updates and
# guests share it.  Taken by the outermost script; its children inherit it.
rb_lock() {
	[ -z "${RB_LOCK_HELD:-}" ] || return 0
	mkdir -p "$BUILD_DIR"
	exec 9>>"$BUILD_DIR/lock"
	flock -n 9 ||
		die "another run uses $BUILD_DIR ($(cat "$BUILD_DIR/lock.owner" 2>/dev/null || echo '?')): wait for it, or set BUILD_DIR="
	echo "pid $$: $(basename "$0") $*, since $(date '+%F %T')" > "$BUILD_DIR/lock.owner"
	export RB_LOCK_HELD=1
}

need_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 ||
			die "'$c' not found: run 'make deps' (installs the Debian packages the harness needs)"
	done
}

# Hash of a series directory: changes whenever a patch or the series file does.
series_hash() {
	local dir=$1
	local p
	{
		cat "$dir/series" 2>/dev/null || true
		series_list "$dir" | while read -r p; do cat "$dir/$p" 2>/dev/null || true; done
	} | sha256sum | cut -c1-16
}

series_list() {
	local dir=$1
	[ -f "$dir/series" ] || return 0
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$dir/series"
}
