#!/bin/sh
# Runs COMMAND [ARGS...] against a real, unlocked, throwaway Secret Service:
# a private D-Bus session bus with gnome-keyring-daemon (secrets component only),
# HOME and the XDG directories in a temporary directory removed afterwards.
# The user's own keyring and session bus are never touched. Exits with COMMAND's status.
#
#   tests/with-keyring.sh build/tests/core/secrets/tst_keystore
#   tests/with-keyring.sh build/app/discernus keys list
set -eu

if [ "$#" -lt 1 ]; then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 2
fi
for tool in dbus-run-session dbus-send gnome-keyring-daemon; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "$0: $tool not found (apt-get install dbus dbus-bin gnome-keyring)" >&2
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
# Tells tests that write to the keychain that this one is disposable.
WB_THROWAWAY_KEYRING=1
export WB_THROWAWAY_KEYRING
# Never fall back to a graphical prompt or an outer session's bus.
unset DBUS_SESSION_BUS_ADDRESS DISPLAY WAYLAND_DISPLAY GNOME_KEYRING_CONTROL 2>/dev/null || true

# Inside the private session:
# --unlock reads the (throwaway) password of the login keyring from stdin and creates
# that keyring on first use, so it becomes the default collection; the command returns
# once the daemon is serving. The daemon does not always exit when the bus goes away,
# so we ask the bus for its PID and stop exactly that process afterwards.
set +e
dbus-run-session -- sh -c '
    printf "%s" "wb-throwaway-keyring" \
        | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>"$XDG_RUNTIME_DIR/gkd.log" || {
        echo "with-keyring.sh: gnome-keyring-daemon failed:" >&2
        cat "$XDG_RUNTIME_DIR/gkd.log" >&2
        exit 1
    }
    # The daemon claims org.freedesktop.secrets just after --unlock returns: wait for it
    # (at most 10 s) so the command never races D-Bus activation of a second daemon.
    gkd=""
    tries=0
    while [ -z "$gkd" ] && [ "$tries" -lt 100 ]; do
        gkd=$(dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus /org/freedesktop/DBus \
              org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets 2>/dev/null \
              | awk "{print \$2}")
        [ -n "$gkd" ] || sleep 0.1
        tries=$((tries + 1))
    done
    if [ -z "$gkd" ]; then
        echo "with-keyring.sh: the Secret Service did not appear on the session bus" >&2
        cat "$XDG_RUNTIME_DIR/gkd.log" >&2
        exit 1
    fi
    "$@"
    rc=$?
    kill "$gkd" 2>/dev/null || true
    exit "$rc"
' with-keyring "$@"
rc=$?
set -e
exit "$rc"
