#!/usr/bin/python3
"""Emulated USB devices for renfang's USB tests: a umockdev testbed whose usbfs nodes answer URBs.

Run with Debian's /usr/bin/python3 (python3-gi, gir1.2-umockdev-1.0). The program under test is started by
the caller with LD_PRELOAD=libumockdev-preload.so.0 and UMOCKDEV_DIR=<the root printed on "ready">; from
then on the real libusb in that program sees the devices of this testbed and its ioctls on an emulated
node come here (umockdev's IoctlBase), as libusb's own tests/umockdev.c does in process.

    usb_device.py [--emulate DEVNODE[=DRIVER]]... FILE.umockdev...

--emulate makes DEVNODE (e.g. /dev/bus/usb/001/002) answer usbfs ioctls; DRIVER pretends a kernel driver
is bound to interface 0 (claiming fails with EBUSY until the program detaches it; DRIVER! cannot be
detached: detaching fails with EBUSY too). Devices that are only
loaded from FILEs are visible to enumeration but cannot be opened for I/O.

The device has no behaviour of its own: it is a pair of pipes to the caller. On stdout, one line each:
    ready ROOT                       the testbed is up (ROOT is the UMOCKDEV_DIR for the program under test)
    out DEVNODE EP HEX               the program wrote HEX to the OUT endpoint EP (decimal) in one bulk transfer
    in-done DEVNODE EP N T           the program reaped an IN transfer of N bytes from EP at CLOCK_MONOTONIC T ns
    claim DEVNODE IFACE | release DEVNODE IFACE | detach DEVNODE IFACE | attach DEVNODE IFACE
    open DEVNODE | close DEVNODE     the program opened or closed the node
    unplugged SYSPATH | plugged SYSPATH
    log TEXT
On stdin, one command a line:
    in DEVNODE EP HEX                the device sends HEX on the IN endpoint EP (decimal) as one transfer:
                                     a URB takes at most its buffer length; the rest stays for the next URB
    unplug DEVNODE                   the device goes away: URBs in flight end with ESHUTDOWN, every later
                                     ioctl fails with ENODEV, udev reports "remove", the sysfs entry goes
    plug FILE.umockdev [DEVNODE]     a device arrives (udev "add"); with DEVNODE it is emulated too
    quit                             (or end of input) tear down and exit
"""

import collections
import errno
import os
import struct
import sys
import threading
import time

import gi

gi.require_version("UMockdev", "1.0")
from gi.repository import UMockdev  # noqa: E402

# <linux/usbdevice_fs.h> on x86_64/aarch64 (checked against the header with a C program).
SUBMITURB = 0x8038550A
REAPURB = 0x4008550C
REAPURBNDELAY = 0x4008550D
DISCARDURB = 0x550B
CLAIMINTERFACE = 0x8004550F
RELEASEINTERFACE = 0x80045510
GET_CAPABILITIES = 0x8004551A
CONNECTINFO = 0x40085511
IOCTL = 0xC0105512
DISCONNECT_CLAIM = 0x8108551B
SETCONFIGURATION = 0x80045505
SETINTERFACE = 0x80085504
CLEAR_HALT = 0x80045515
RESET = 0x5514
RESETEP = 0x80045503
GETDRIVER = 0x41045508
GET_SPEED = 0x551F
DISCONNECT = 0x5516  # ioctl_code inside USBDEVFS_IOCTL
CONNECT = 0x5517

CAPS = 0x01 | 0x02 | 0x04 | 0x08 | 0x10  # ZERO_PACKET BULK_CONTINUATION NO_PACKET_SIZE_LIM DISCONNECT_CLAIM REAP_AFTER_DISCONNECT
URB_SIZE = 56  # struct usbdevfs_urb: type@0 endpoint@1 status@4 flags@8 buffer@16 buffer_length@24 actual_length@28

out_lock = threading.Lock()


def emit(*words):
    with out_lock:
        sys.stdout.write(" ".join(str(w) for w in words) + "\n")
        sys.stdout.flush()


class Urb:
    def __init__(self, data, buffer, kind, endpoint, length):
        self.data = data  # the resolved struct usbdevfs_urb (synced back to the client when reaped)
        self.buffer = buffer  # the resolved transfer buffer
        self.kind = kind
        self.endpoint = endpoint
        self.length = length
        self.addr = data.client_addr


class Device:
    """One emulated usbfs node: URBs in, URBs out, bytes to and from the caller."""

    def __init__(self, devnode, driver):
        self.devnode = devnode
        self.stuck = bool(driver and driver.endswith("!"))
        self.driver = driver.rstrip("!") if driver else None
        self.lock = threading.Lock()
        self.flying = []  # submitted, not finished (IN URBs waiting for data)
        self.done = collections.deque()  # (urb, status, payload) ready to reap
        self.incoming = collections.defaultdict(collections.deque)  # IN endpoint -> transfers (bytearrays)
        self.gone = False
        self.handler = UMockdev.IoctlBase()
        self.handler.connect("handle-ioctl", self.on_ioctl)
        self.handler.connect("client-connected", lambda _h, _c: emit("open", devnode))
        self.handler.connect("client-vanished", lambda _h, _c: emit("close", devnode))

    # caller side
    def send(self, endpoint, payload):
        with self.lock:
            self.incoming[endpoint].append(bytearray(payload))

    def unplug(self):
        with self.lock:
            self.gone = True
            for urb in self.flying:
                self.done.append((urb, -errno.ESHUTDOWN, b""))
            self.flying = []
            self.incoming.clear()

    # device side (umockdev's worker thread)
    def fill(self):
        """Moves IN URBs that can be answered to done: each takes up to its length of the next transfer."""
        for urb in list(self.flying):
            queue = self.incoming.get(urb.endpoint)
            if not queue:
                continue
            head = queue[0]
            n = min(len(head), urb.length)
            payload = bytes(head[:n])
            del head[:n]
            if not head:
                queue.popleft()
            self.flying.remove(urb)
            self.done.append((urb, 0, payload))

    def on_ioctl(self, _handler, client):
        request = client.get_request()
        arg = client.get_arg()
        with self.lock:
            try:
                return self.handle(client, request, arg)
            except Exception as e:  # a bug here must not hang the program under test
                emit("log", "handler error on 0x%x: %r" % (request, e))
                client.complete(-1, errno.EIO)
                return True

    def handle(self, client, request, arg):
        if request in (REAPURB, REAPURBNDELAY):
            self.fill()
            if self.done:
                urb, status, payload = self.done.popleft()
                if payload:
                    urb.buffer.update(0, payload)
                urb.data.update(4, struct.pack("i", status))
                urb.data.update(28, struct.pack("i", len(payload) if urb.endpoint & 0x80 else (urb.length if status == 0 else 0)))
                slot = arg.resolve(0, 8)
                slot.set_ptr(0, urb.data)
                handed = time.monotonic_ns()
                client.complete(0, 0)
                if urb.endpoint & 0x80 and payload:
                    emit("in-done", self.devnode, urb.endpoint, len(payload), handed)
            else:
                client.complete(-1, errno.ENODEV if self.gone else errno.EAGAIN)
            return True
        if request == DISCARDURB:
            addr = struct.unpack("Q", bytes(arg.retrieve()[:8]))[0]
            for urb in self.flying:
                if urb.addr == addr:
                    self.flying.remove(urb)
                    self.done.append((urb, -errno.ENOENT, b""))
                    client.complete(0, 0)
                    return True
            client.complete(-1, errno.EINVAL)
            return True
        if self.gone:
            client.complete(-1, errno.ENODEV)
            return True
        if request == SUBMITURB:
            data = arg.resolve(0, URB_SIZE)
            raw = bytes(data.retrieve())
            kind, endpoint = raw[0], raw[1]
            length = struct.unpack_from("i", raw, 24)[0]
            buffer = data.resolve(16, length) if length > 0 else None
            urb = Urb(data, buffer, kind, endpoint, length)
            if endpoint & 0x80:
                self.flying.append(urb)
            else:
                payload = bytes(buffer.retrieve()) if buffer is not None else b""
                emit("out", self.devnode, endpoint, payload.hex())
                self.done.append((urb, 0, b""))
            client.complete(0, 0)
            return True
        if request == GET_CAPABILITIES:
            arg.resolve(0, 4).update(0, struct.pack("I", CAPS))
            client.complete(0, 0)
            return True
        if request == CONNECTINFO:
            arg.resolve(0, 8).update(0, struct.pack("IB3x", 2, 0))
            client.complete(0, 0)
            return True
        if request == GET_SPEED:
            client.complete(2, 0)  # USB_SPEED_FULL
            return True
        if request == GETDRIVER:
            d = arg.resolve(0, 260)
            interface = struct.unpack("I", bytes(d.retrieve()[:4]))[0]
            if self.driver and interface == 0:
                d.update(4, self.driver.encode() + b"\0")
                client.complete(0, 0)
            else:
                client.complete(-1, errno.ENODATA)
            return True
        if request == IOCTL:
            d = arg.resolve(0, 16)
            interface, code = struct.unpack("ii", bytes(d.retrieve()[:8]))
            if code == DISCONNECT:
                if self.driver and interface == 0 and self.stuck:
                    client.complete(-1, errno.EBUSY)
                elif self.driver and interface == 0:
                    emit("detach", self.devnode, interface)
                    self.detached, self.driver = self.driver, None
                    client.complete(0, 0)
                else:
                    client.complete(-1, errno.ENODATA)
            elif code == CONNECT:
                if getattr(self, "detached", None):
                    self.driver, self.detached = self.detached, None
                    emit("attach", self.devnode, interface)
                client.complete(0, 0)
            else:
                client.complete(-1, errno.ENOTTY)
            return True
        if request == DISCONNECT_CLAIM:
            d = arg.resolve(0, 264)
            interface = struct.unpack("I", bytes(d.retrieve()[:4]))[0]
            if self.driver and interface == 0 and self.stuck:
                client.complete(-1, errno.EBUSY)
                return True
            if self.driver and interface == 0:
                emit("detach", self.devnode, interface)
                self.detached, self.driver = self.driver, None
            emit("claim", self.devnode, interface)
            client.complete(0, 0)
            return True
        if request in (CLAIMINTERFACE, RELEASEINTERFACE):
            interface = struct.unpack("I", bytes(arg.resolve(0, 4).retrieve()[:4]))[0]
            if request == CLAIMINTERFACE and self.driver and interface == 0:
                client.complete(-1, errno.EBUSY)
                return True
            emit("claim" if request == CLAIMINTERFACE else "release", self.devnode, interface)
            client.complete(0, 0)
            return True
        if request in (SETCONFIGURATION, SETINTERFACE, CLEAR_HALT, RESET, RESETEP):
            client.complete(0, 0)
            return True
        emit("log", "unhandled ioctl 0x%x on %s" % (request, self.devnode))
        client.complete(-1, errno.ENOTTY)
        return True


def parse_record(path):
    """(sysfs path, devnode) of the first device in an umockdev record file."""
    syspath = devnode = None
    with open(path) as f:
        for line in f:
            if line.startswith("P: ") and syspath is None:
                syspath = "/sys" + line[3:].strip()
            elif line.startswith("N: ") and devnode is None:
                devnode = "/dev/" + line[3:].split()[0]
            elif not line.strip() and syspath:
                break
    return syspath, devnode


def main(argv):
    emulate = {}
    files = []
    i = 0
    while i < len(argv):
        if argv[i] == "--emulate":
            node, _, driver = argv[i + 1].partition("=")
            emulate[node] = driver or None
            i += 2
        else:
            files.append(argv[i])
            i += 1

    testbed = UMockdev.Testbed.new()
    devices = {}
    syspaths = {}

    def attach(node, driver):
        device = Device(node, driver)
        # Attach before the node exists, so that the program can open it as soon as it sees the device.
        testbed.attach_ioctl(node, device.handler)
        devices[node] = device

    for node, driver in emulate.items():
        attach(node, driver)
    for path in files:
        if not testbed.add_from_file(path):
            raise SystemExit("cannot load " + path)
        syspath, node = parse_record(path)
        if node:
            syspaths[node] = syspath

    emit("ready", testbed.get_root_dir())
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        command = words[0]
        if command == "in":
            devices[words[1]].send(int(words[2]), bytes.fromhex(words[3]) if len(words) > 3 else b"")
        elif command == "unplug":
            node = words[1]
            if node in devices:
                devices[node].unplug()
            syspath = syspaths.pop(node, None)
            if syspath:
                testbed.uevent(syspath, "remove")
                testbed.remove_device(syspath)
                emit("unplugged", syspath)
        elif command == "plug":
            path = words[1]
            syspath, node = parse_record(path)
            if len(words) > 2 and words[2] not in devices:
                attach(words[2], None)
            testbed.add_from_file(path)
            syspaths[node] = syspath
            testbed.uevent(syspath, "add")
            emit("plugged", syspath)
        elif command == "quit":
            break
        else:
            emit("log", "unknown command " + command)
    for node in list(devices):
        try:
            testbed.detach_ioctl(node)
        except Exception:
            pass
    return 0


if __name__ == "__main__":
    # The testbed's own process must run under the preload too: uevent() builds the event from the
    # testbed's sysfs through libudev, which only the preload redirects there.
    if "libumockdev-preload" not in os.environ.get("LD_PRELOAD", ""):
        env = dict(os.environ, LD_PRELOAD=" ".join(filter(None, ["libumockdev-preload.so.0", os.environ.get("LD_PRELOAD")])))
        os.execve(sys.executable, [sys.executable] + sys.argv, env)
    sys.exit(main(sys.argv[1:]))
