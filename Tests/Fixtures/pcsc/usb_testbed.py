#!/usr/bin/python3
"""Runs the rig's pcscd under umockdev so that a USB reader can be plugged in and out while it runs.

pcscd 1.9.9 (Debian, built with libudev) finds USB readers only through udev: it enumerates the "usb"
subsystem at start and then follows udev "add"/"remove" events for USB interfaces. SIGUSR1 does not make
it re-read reader.conf.d (HPReCheckSerialReaders is empty in hotplug_libudev.c). This controller gives
pcscd a fake udev (umockdev: sysfs tree + uevents through its LD_PRELOAD library), so pcscd's real
hot-plug code adds and removes a reader, exactly as for a USB reader plugged into the kiosk.

    umockdev-wrapper /usr/bin/python3 usb_testbed.py DIR PORT -- PCSCD_ARGS...

* DIR/drivers is bind-mounted over /usr/lib/pcsc/drivers (pcscd's fixed USB driver directory) in pcscd's
  mount namespace. It holds one bundle for VID:PID = PORT:0001 (PORT written as 4 hex digits) whose driver
  is a copy of vpcd. pcscd gives vpcd the device name "usb:VVVV/0001:libudev:0:/dev/bus/usb/001/002", which
  vpcd reads as host "usb", port int("VVVV") = PORT, and connects to it ("reverse" mode); DIR/hosts maps
  "usb" to 127.0.0.1. So the hot-plugged reader is "Rig USB 00 00" (card server on 127.0.0.1:PORT) and
  "Rig USB 00 01" (PORT+1).
* The card servers (virtual_card.py --listen) run as long as this controller: vpcd 3.3 aborts pcscd
  ("bit out of range 0 - FD_SETSIZE") when a reverse-mode connection is lost, so they never drop one.
* Commands, one per line on the FIFO DIR/usb.fifo: "add" (create the device, send the uevent),
  "remove" (send the uevent, then delete the device). After each, DIR/usb.state says "added"/"removed".
* Writes pcscd's PID to DIR/pcscd.pid; exits (removing the testbed, stopping the card servers) when pcscd
  exits.
"""
import ctypes, os, shutil, signal, subprocess, sys, threading

import gi
gi.require_version("UMockdev", "1.0")
from gi.repository import UMockdev

HERE = os.path.dirname(os.path.abspath(__file__))
VPCD = os.environ.get("VPCD_LIB", "/usr/lib/pcsc/drivers/serial/libifdvpcd.so")
PRELOAD = "libumockdev-preload.so.0"
USB_DEVICE = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-1"
USB_INTERFACE = USB_DEVICE + "/1-1:1.0"


def main():
    signal.pthread_sigmask(signal.SIG_SETMASK, set())
    d, port = sys.argv[1], int(sys.argv[2])
    pcscd_args = sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else []
    vid = "%04d" % port  # read back by vpcd as a decimal port number
    assert len(vid) == 4, "PORT must have 4 digits"

    bundle = os.path.join(d, "drivers", "ifd-rig-usb.bundle", "Contents")
    os.makedirs(os.path.join(bundle, "Linux"), exist_ok=True)
    shutil.copy(VPCD, os.path.join(bundle, "Linux", "libifdvpcd-usb.so"))
    with open(os.path.join(bundle, "Info.plist"), "w") as f:
        f.write(PLIST % vid)
    with open(os.path.join(d, "hosts"), "w") as f:
        f.write("127.0.0.1 localhost usb\n")
    fifo = os.path.join(d, "usb.fifo")
    if os.path.exists(fifo):
        os.unlink(fifo)
    os.mkfifo(fifo)

    testbed = UMockdev.Testbed.new()
    # Card servers for the two slots; they die with this process.
    cards = [subprocess.Popen([sys.executable, os.path.join(HERE, "virtual_card.py"), "--listen", "--die-with-parent",
                               "--port", str(port + slot), "--card", "%s0000000000%02d" % (vid, slot)],
                              stdout=subprocess.DEVNULL) for slot in (0, 1)]

    env = dict(os.environ, UMOCKDEV_DIR=testbed.get_root_dir(), LD_PRELOAD=PRELOAD)
    script = ("mount --bind '{d}/run' /run/pcscd && mount --bind '{d}/drivers' /usr/lib/pcsc/drivers"
              " && mount --bind '{d}/hosts' /etc/hosts && exec pcscd {args}").format(
        d=d, args=" ".join("'%s'" % a for a in pcscd_args))
    with open(os.path.join(d, "pcscd.log"), "ab") as log:
        pcscd = subprocess.Popen(["unshare", "-m", "--propagation", "private", "sh", "-c", script],
                                 stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=env)
    with open(os.path.join(d, "pcscd.pid"), "w") as f:
        f.write("%d\n" % pcscd.pid)

    def finish():
        pcscd.wait()
        for c in cards:
            c.kill()
        shutil.rmtree(testbed.get_root_dir(), ignore_errors=True)
        os._exit(0)
    threading.Thread(target=finish, daemon=True).start()

    # O_RDWR: opening does not wait for a writer, and reads never see end-of-file. (A blocking open() would
    # also hold umockdev's path lock and dead-lock the cleanup thread.)
    fd = os.open(fifo, os.O_RDWR)
    pending = b""
    while True:
        pending += os.read(fd, 4096)
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            command = line.decode().strip()
            if command == "add":
                testbed.add_from_string(DEVICE % (vid, vid, vid))
                testbed.uevent(USB_INTERFACE, "add")
                state = "added"
            elif command == "remove":
                testbed.uevent(USB_INTERFACE, "remove")
                testbed.remove_device(USB_INTERFACE)
                testbed.remove_device(USB_DEVICE)
                state = "removed"
            else:
                state = "unknown command " + command
            with open(os.path.join(d, "usb.state.tmp"), "w") as f:
                f.write(state + "\n")
            os.replace(os.path.join(d, "usb.state.tmp"), os.path.join(d, "usb.state"))


PLIST = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple Computer//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>CFBundleExecutable</key>
	<string>libifdvpcd-usb.so</string>
	<key>ifdVendorID</key>
	<string>0x%s</string>
	<key>ifdProductID</key>
	<string>0x0001</string>
	<key>ifdFriendlyName</key>
	<string>Rig USB</string>
</dict>
</plist>
"""

# A USB device and its interface, in umockdev's format (P: path, N: device node, E: udev property,
# A: sysfs attribute).
DEVICE = """P: /devices/pci0000:00/0000:00:14.0/usb1/1-1
N: bus/usb/001/002
E: BUSNUM=001
E: DEVNAME=/dev/bus/usb/001/002
E: DEVNUM=002
E: DEVTYPE=usb_device
E: DRIVER=usb
E: PRODUCT=%s/1/100
E: SUBSYSTEM=usb
A: idVendor=%s
A: idProduct=0001
A: busnum=1
A: devnum=2
A: dev=189:1

P: /devices/pci0000:00/0000:00:14.0/usb1/1-1/1-1:1.0
E: DEVTYPE=usb_interface
E: INTERFACE=11/0/0
E: PRODUCT=%s/1/100
E: SUBSYSTEM=usb
A: bInterfaceNumber=00
A: bInterfaceClass=0b
"""

if __name__ == "__main__":
    main()
