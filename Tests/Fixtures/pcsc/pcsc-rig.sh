#!/bin/bash
# A private pcscd (real pcsc-lite + vsmartcard's vpcd driver) for tests, in its own mount namespace.
#
#   pcsc-rig.sh start DIR PORT [PORT...]   start pcscd with one vpcd entry per PORT; prints the export line
#   pcsc-rig.sh usb-add DIR                plug the USB reader in (needs RIG_USB_PORT at start)
#   pcsc-rig.sh usb-remove DIR             unplug it
#   pcsc-rig.sh stop DIR                   stop that pcscd (by its saved PID)
#
# Each PORT gives two readers, "Rig PORT 00 00" (the card connects to 127.0.0.1:PORT) and
# "Rig PORT 00 01" (PORT+1); space ports by 2. pcscd 1.9.9 always serves /run/pcscd/pcscd.comm, so it runs
# with DIR/run bind-mounted over /run/pcscd in a private mount namespace; clients reach it through
# PCSCLITE_CSOCK_NAME=DIR/run/pcscd.comm. Never probe a vpcd port by connecting: vpcd takes any
# connection for a card. Needs root, bash, pcscd, unshare, vsmartcard-vpcd.
#
# RIG_USB_PORT=P (4 digits, P and P+1 free) at start: pcscd runs under umockdev (usb_testbed.py, needs
# umockdev, python3-gi, gir1.2-umockdev-1.0), and usb-add / usb-remove plug a USB reader "Rig USB 00 00"
# / "Rig USB 00 01" in and out through pcscd's real udev hot-plug code. (SIGUSR1 does not work for that:
# Debian's pcscd 1.9.9 is built with libudev, whose HPReCheckSerialReaders does nothing, so reader.conf.d
# is read only at start.)
# RIG_WATCH_PID=N: pcscd is also killed when process N ends (a test process that crashed before its
# atexit cleanup). RIG_PCSCD_ARGS adds pcscd options (e.g. "-d -a" to log every APDU into DIR/pcscd.log).
set -eu
VPCD_LIB=${VPCD_LIB:-/usr/lib/pcsc/drivers/serial/libifdvpcd.so}
HERE=$(cd "$(dirname "$0")" && pwd)

# vpcd keeps its state in globals indexed by slot, and pcscd loads a driver file only once: two entries
# with the same LIBPATH would share one pair of sockets (only the last entry's port gets cards). So each
# entry gets its own copy of the driver (a copy, not a link: the dynamic loader would see the same file).
conf() { # DIR PORT
    mkdir -p "$1/lib"
    cp "$VPCD_LIB" "$1/lib/libifdvpcd-$2.so"
    cat > "$1/reader.conf.d/vpcd-$2" <<CONF
FRIENDLYNAME "Rig $2"
DEVICENAME   /dev/null:$2
LIBPATH      $1/lib/libifdvpcd-$2.so
CHANNELID    $2
CONF
}

pid_of() { cat "$1/pcscd.pid" 2>/dev/null || true; }

# Close every inherited descriptor above 2. Foundation.Process watches its child through a socket the child
# inherits: a daemon that kept it would make the caller's waitUntilExit() wait for pcscd to exit.
close_fds() {
    local fd
    for fd in $(ls /proc/$BASHPID/fd); do
        [ "$fd" -gt 2 ] && eval "exec $fd>&-"
    done 2>/dev/null || true
}

is_pcscd() { grep -q pcscd "/proc/$1/cmdline" 2>/dev/null; }

usb_command() { # DIR COMMAND EXPECTED-STATE
    [ -p "$1/usb.fifo" ] || { echo "no USB testbed (start with RIG_USB_PORT)" >&2; exit 1; }
    rm -f "$1/usb.state"
    echo "$2" > "$1/usb.fifo"
    local i=0
    until [ "$(cat "$1/usb.state" 2>/dev/null)" = "$3" ]; do
        i=$((i + 1)); [ $i -gt 500 ] && { echo "USB testbed did not answer $2" >&2; exit 1; }
        sleep 0.01
    done
}

cmd=${1:-}; dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|usb-add|usb-remove|stop DIR [PORT...]" >&2; exit 2; }
case "$cmd" in
start)
    shift 2
    [ $# -ge 1 ] || { echo "start: at least one PORT" >&2; exit 2; }
    mkdir -p "$dir/run" "$dir/reader.conf.d" /run/pcscd
    rm -f "$dir/reader.conf.d"/vpcd-* "$dir/run/pcscd.comm" "$dir/run/pcscd.pid" "$dir/pcscd.pid" "$dir/usb.fifo"
    for port in "$@"; do conf "$dir" "$port"; done
    if [ -n "${RIG_USB_PORT:-}" ]; then
        # usb_testbed.py starts pcscd (same namespace trick) and writes its PID.
        ( close_fds; exec umockdev-wrapper /usr/bin/python3 "$HERE/usb_testbed.py" "$dir" "$RIG_USB_PORT" \
            -- -f ${RIG_PCSCD_ARGS:-} -c "$dir/reader.conf.d" ) < /dev/null >> "$dir/pcscd.log" 2>&1 &
    else
        # exec twice: the saved PID is pcscd's own.
        ( close_fds; exec unshare -m --propagation private sh -c \
            "mount --bind '$dir/run' /run/pcscd && exec pcscd -f ${RIG_PCSCD_ARGS:-} -c '$dir/reader.conf.d'" ) \
            < /dev/null >> "$dir/pcscd.log" 2>&1 &
        echo $! > "$dir/pcscd.pid"
    fi
    launcher=$!
    i=0
    until [ -S "$dir/run/pcscd.comm" ]; do
        i=$((i + 1))
        if [ $i -gt 500 ] || ! kill -0 "$launcher" 2>/dev/null; then
            echo "pcscd did not start; see $dir/pcscd.log" >&2; exit 1
        fi
        sleep 0.01
    done
    pcscd_pid=$(pid_of "$dir")
    if [ -n "${RIG_WATCH_PID:-}" ]; then
        ( close_fds
          while kill -0 "$RIG_WATCH_PID" 2>/dev/null && is_pcscd $pcscd_pid; do sleep 1; done
          is_pcscd $pcscd_pid && kill $pcscd_pid ) < /dev/null > /dev/null 2>&1 &
    fi
    echo "export PCSCLITE_CSOCK_NAME=$dir/run/pcscd.comm"
    ;;
usb-add)
    usb_command "$dir" add added
    ;;
usb-remove)
    usb_command "$dir" remove removed
    ;;
stop)
    pid=$(pid_of "$dir")
    if [ -n "$pid" ] && is_pcscd "$pid"; then
        kill "$pid"
        i=0
        while is_pcscd "$pid" && [ $i -lt 200 ]; do i=$((i + 1)); sleep 0.01; done
    fi
    rm -f "$dir/pcscd.pid"
    ;;
*)
    echo "unknown command $cmd" >&2; exit 2 ;;
esac
