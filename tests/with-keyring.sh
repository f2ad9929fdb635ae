#!/bin/sh
# Runs COMMAND [ARGS...] against a real, unlocked, throwaway Secret Service:
# a private D-Bus session bus with gnome-keyring-daemon (secrets component only),
# HOME and the XDG directories in a temporary directory removed afterwards.
# The user's own keyring and session bus are never touched.
#
#   tests/with-keyring.sh build/tests/core/secrets/tst_keystore
#   tests/with-keyring.sh build/app/discernus keys list
set -eu

if [ "$#" -lt 1 ]; then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 2
fi
for tool in dbus-run-session gnome-keyring-daemon; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "$0: $tool not found (apt-get install dbus gnome-keyring)" >&2
        exit 2
    fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/wb-keyring.XXXXXX")
cleanup() { rm -rf "$tmp" 2>/dev/null || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$tmp/home" "$tmp/data" "$tmp/config" "$tmp/cache" "$tmp/runtime"
chmod 700 "$tmp/runtime"
HOME="$tmp/home"
XDG_DATA_HOME="$tmp/data"
XDG_CONFIG_HOME="$tmp/config"
XDG_CACHE_HOME="$tmp/cache"
XDG_RUNTIME_DIR="$tmp/runtime"
export HOME XDG_DATA_HOME XDG_CONFIG_HOME XDG_CACHE_HOME XDG_RUNTIME_DIR
# Never fall back to a graphical prompt or an outer session's bus.
unset DBUS_SESSION_BUS_ADDRESS DISPLAY WAYLAND_DISPLAY GNOME_KEYRING_CONTROL 2>/dev/null || true

# --unlock reads the (throwaway) password of the login keyring from stdin and
# creates that keyring on first use, so it becomes the default collection.
# The daemon exits when the private bus goes away at the end of the session.
set +e
dbus-run-session -- sh -c '
    printf "%s" "wb-throwaway-keyring" \
        | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>"$XDG_RUNTIME_DIR/gkd.log" || {
        echo "with-keyring.sh: gnome-keyring-daemon failed:" >&2
        cat "$XDG_RUNTIME_DIR/gkd.log" >&2
        exit 1
    }
    exec "$@"
' with-keyring "$@"
rc=$?
set -e
exit "$rc"
