import Foundation
import Testing
@testable import ReaderTransport

extension USBUmockdevTests {
    /// USB discovery with real libusb over a umockdev sysfs holding every kind of device (see USBTestRig.swift).
    @Suite("USB discovery under umockdev")
    struct USBDiscoveryTests {
        static let allDevices = [
            "reader-0400-c35a.umockdev", "reader-0316-5020.umockdev", "hub-1-4.umockdev", "reader-0483-5652.umockdev",
            "unknown-1234-5678.umockdev", "hid-0425-8159.umockdev", "ch340-1a86-7523.umockdev", "cdc-acm-2e8a-000a.umockdev",
        ]

        static func summary(_ lines: [[String: Any]]) -> [String] {
            lines.map { "\(usbField($0, "deviceName")) \(usbField($0, "kind"))" }
        }

        @Test("list: the known readers with their device names, kinds and models; unknown devices, hubs and bridges are not listed")
        func listsKnownReaders() async throws {
            let rig = try USBDeviceRig(files: Self.allDevices)
            defer { rig.stop() }
            let (child, status) = try await USBChild.run("list", rig: rig, limit: 5)
            defer { child.cleanUp() }
            #expect(status == 0, "\(child.log)")
            let devices = child.events("device")
            #expect(Self.summary(devices) == [
                "usb:0400:c35a@1-2 split-pipe",
                "usb:0316:5020@1-3 single-pipe",
                "usb:0483:5652@1-4.1 single-pipe",
                "usb:0425:8159@1-6 hid",
            ], "\(child.lines) \(child.log)")
            let first = try #require(devices.first)
            #expect(usbField(first, "vidPid") == "0400:c35a")
            #expect(usbField(first, "location") == "1-2")
            #expect(usbField(first, "node") == "/dev/bus/usb/001/002")
            #expect(usbField(first, "model") == USBKnownReaders.builtIn.entry(for: VIDPID(0x0400, 0xC35A))?.model)
            #expect(first["supported"] as? Bool == true)
            #expect(devices.last?["supported"] as? Bool == false, "HID is listed but not supported")
        }

        @Test("list with serial bridges: CH340 by its VID:PID and a CDC-ACM device by its interface class")
        func listsBridges() async throws {
            let rig = try USBDeviceRig(files: Self.allDevices)
            defer { rig.stop() }
            let (child, status) = try await USBChild.run("list", rig: rig, env: ["RENFANG_USB_BRIDGES": "1"], limit: 5)
            defer { child.cleanUp() }
            #expect(status == 0, "\(child.log)")
            let summary = Self.summary(child.events("device"))
            #expect(summary.contains("usb:1a86:7523@1-7 serial-bridge"), "\(summary)")
            #expect(summary.contains("usb:2e8a:000a@1-8 serial-bridge"), "\(summary)")
            #expect(!summary.contains { $0.hasPrefix("usb:1234:5678") || $0.hasPrefix("usb:1a40:0101") || $0.hasPrefix("usb:1d6b:0002") })
        }

        @Test("list with nothing attached is empty, not an error")
        func listsNothing() async throws {
            let rig = try USBDeviceRig(files: ["unknown-1234-5678.umockdev"])
            defer { rig.stop() }
            let (child, status) = try await USBChild.run("list", rig: rig, limit: 5)
            defer { child.cleanUp() }
            #expect(status == 0, "\(child.log)")
            #expect(child.events("device").isEmpty)
            #expect(child.events("done").count == 1, "\(child.lines)")
        }

        @Test("hot-plug watcher (libusb callbacks, and polling): a known reader arriving and leaving is reported, an unknown device is not; stop() is prompt",
              arguments: [true, false])
        func watcherReportsArrivalAndRemoval(callbacks: Bool) async throws {
            let rig = try USBDeviceRig(files: ["reader-0316-5020.umockdev"])
            defer { rig.stop() }
            let child = try USBChild(scenario: "watch", rig: rig, env: callbacks ? ["RENFANG_USB_UNTIL": "1"] : ["RENFANG_USB_UNTIL": "1", "RENFANG_USB_POLLING": "1"], limit: 8)
            defer { child.cleanUp() }
            try #require(await child.wait(for: "watching", timeout: 8), "\(child.lines) \(child.log)")
            #expect(usbField(child.events("watching").first, "hotplug") == (callbacks ? "yes" : "no"))
            rig.plug("unknown-1234-5678.umockdev")
            rig.plug("reader-0400-c35a.umockdev")
            #expect(await child.wait(for: "arrived", timeout: 5), "\(child.lines) \(rig.allLines)")
            rig.unplug("/dev/bus/usb/001/002")
            #expect(await child.wait(for: "left", timeout: 5), "\(child.lines) \(rig.allLines)")
            #expect(await child.finish() == 0, "\(child.log)")
            #expect(Self.summary(child.events("arrived")) == ["usb:0400:c35a@1-2 split-pipe"], "\(child.lines)")
            #expect(Self.summary(child.events("left")) == ["usb:0400:c35a@1-2 split-pipe"])
            let stopped = try #require(child.events("stopped").first, "\(child.lines)")
            #expect((Int(usbField(stopped, "ms")) ?? 9999) < 500, "stop() took \(usbField(stopped, "ms")) ms")
        }
    }
}
