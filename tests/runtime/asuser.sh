#!/usr/bin/env bash
# asuser.sh CAPS ARGS...: run "$BPFLINE" ARGS as user nobody holding only the
# capabilities CAPS (setpriv's syntax: +bpf,+perfmon; -all for none), then print
# "rc=N". For privilege.cases: what a non-root user granted capabilities sees.
# nobody must be able to execute the binary: when the checkout is under a
# directory it may not enter, a copy in a temporary directory runs instead.
# Runs in a directory nobody may enter ($ASUSER_DIR, else /). The cases that
# use it say `need: setpriv` (util-linux).
set -u
caps=$1
shift
as_nobody() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
		--inh-caps=-all,"$caps" --ambient-caps=-all,"$caps" --bounding-set=-all,"$caps" "$@"
}
bin=$(readlink -f "$BPFLINE")
copy=''
if ! setpriv --reuid=nobody --regid=nogroup --clear-groups test -x "$bin"; then
	copy=$(mktemp -d)
	chmod 755 "$copy"
	cp "$bin" "$copy/bpfline"
	bin=$copy/bpfline
fi
cd "${ASUSER_DIR:-/}" || exit 1
as_nobody "$bin" "$@" 2>&1
rc=$?
[ -z "$copy" ] || rm -rf "$copy"
echo "rc=$rc"
