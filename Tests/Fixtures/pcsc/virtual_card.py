#!/usr/bin/python3
"""A virtual ISO 14443-B ID card for vpcd (vsmartcard's pcscd driver). No dependencies.

Connects to vpcd's TCP port as a client: pcscd then sees a card in that reader; closing the connection
removes it. Wire: every message is a 2-byte big-endian length + payload. A 1-byte payload from vpcd is a
control code (0 power off, 1 power on, 2 reset: no reply; 4: reply with the ATR); anything longer is a
C-APDU, answered with the R-APDU.

  --mode ok      00 36 00 00 08 -> the 8-byte card number + 90 00; SELECT (00 A4) -> 90 00; else 6D 00
  --mode fail    00 36 00 00 08 -> 6F 00
  --mode vanish  00 36 00 00 08 -> close the connection without answering (card leaves mid-transaction)
  --listen       listen on 127.0.0.1:PORT instead, for vpcd in reverse mode (DEVICENAME host:port), and
                 serve each connection; --mode none closes each at once (an empty reader)
  --cycles N     present the card N times: after answering 00 36, wait --hold s, leave, wait --gap s
                 (+ a random 0..--jitter s, so that presentations do not lock onto pcscd's polling)
  --stamp FILE   append "connect_ns answer_ns" (CLOCK_MONOTONIC: connection established, answer about to
                 be sent) per answered 00 36
  --verbose      log the connection and every message from vpcd to stderr
Waits up to --wait s for the port to accept (vpcd may not listen yet). Exits on SIGTERM or when vpcd closes.
"""
import argparse, functools, random, signal, socket, struct, sys, time

HIST = b"IDCARDEMU0"
ATR0 = bytes([0x3B, 0x80 | len(HIST), 0x80, 0x01]) + HIST        # T=1 offered: TCK required
ATR = ATR0 + bytes([functools.reduce(lambda a, b: a ^ b, ATR0[1:], 0)])

def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf

def send(s, payload):
    s.sendall(struct.pack(">H", len(payload)) + payload)

def connect(port, wait):
    deadline = time.monotonic() + wait
    while True:
        try:
            return socket.create_connection(("127.0.0.1", port))
        except OSError:
            if time.monotonic() > deadline:
                sys.exit("virtual_card: port %d not reachable" % port)
            time.sleep(0.02)

def present(a, card, s=None):
    """One presentation (on `s`, or a new connection to vpcd); returns True when 00 36 was answered."""
    if s is None:
        s = connect(a.port, a.wait)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    connected = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
    if a.verbose:
        print("virtual_card: connected to port %d" % a.port, file=sys.stderr, flush=True)
    try:
        while True:
            head = recv_exact(s, 2)
            if head is None:
                return False
            msg = recv_exact(s, struct.unpack(">H", head)[0])
            if msg is None:
                return False
            if a.verbose:
                print("virtual_card: <", msg.hex(" "), file=sys.stderr, flush=True)
            if len(msg) == 1:
                if msg[0] == 4:
                    send(s, ATR)
                continue
            if msg[:2] == b"\x00\x36":
                if a.mode == "vanish":
                    return False
                if a.mode == "fail":
                    send(s, b"\x6F\x00")
                    continue
                answered = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
                send(s, card + b"\x90\x00")
                if a.stamp:
                    with open(a.stamp, "a") as f:
                        f.write("%d %d\n" % (connected, answered))
                if a.cycles:
                    time.sleep(a.hold)
                    return True
            elif msg[:2] == b"\x00\xA4":
                send(s, b"\x90\x00")
            else:
                send(s, b"\x6D\x00")
    finally:
        s.close()

def main():
    # A parent's worker thread may have blocked SIGTERM (libdispatch does); the card must die on it.
    signal.pthread_sigmask(signal.SIG_SETMASK, set())
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--card", default="0123456789ABCDEF", help="16 hex digits")
    p.add_argument("--mode", choices=["ok", "fail", "vanish", "none"], default="ok")
    p.add_argument("--listen", action="store_true", help="be the server: vpcd connects to the card")
    p.add_argument("--die-with-parent", action="store_true", help="exit when the parent process exits")
    p.add_argument("--cycles", type=int, default=0)
    p.add_argument("--hold", type=float, default=0.05)
    p.add_argument("--gap", type=float, default=0.6)
    p.add_argument("--jitter", type=float, default=0.0, help="add a random 0..JITTER s to each gap")
    p.add_argument("--wait", type=float, default=10)
    p.add_argument("--stamp")
    p.add_argument("--verbose", action="store_true", help="log every message to stderr")
    a = p.parse_args()
    if a.die_with_parent:
        import ctypes
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    card = bytes.fromhex(a.card)
    assert len(card) == 8, "card number must be 8 bytes"
    if a.listen:
        # vpcd in "reverse" mode (DEVICENAME host:port, as for a reader that pcscd found by USB hot-plug)
        # connects to the card: serve every connection; with --mode none, close it at once (no card).
        srv = socket.socket()
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind(("127.0.0.1", a.port))
        srv.listen(4)
        print("listening", flush=True)
        while True:
            conn, _ = srv.accept()
            if a.mode == "none":
                conn.close()
            else:
                present(a, card, conn)
    if not a.cycles:
        present(a, card)
        return
    for _ in range(a.cycles):
        present(a, card)
        time.sleep(a.gap + random.uniform(0, a.jitter))

if __name__ == "__main__":
    main()
