import DeviceMap
import Foundation
import TestSupport
import Testing

/// Two links on one serial device would fight over the port at run time (the second open fails, or
/// both interleave frames on one RS-485 line): `chemgate check` refuses it, with the line.
@Suite("Two links on one serial device")
struct SharedSerialDeviceTests {
    static func errors(first: String, second: String) throws -> [String] {
        let folder = try Tools.temporaryDirectory()
        let file = folder.appendingPathComponent("site.yaml")
        try """
        gateway: { id: GW-S, enterprise: E }
        devices_path: \(Tools.repositoryRoot.appendingPathComponent("Devices").path)
        links:
          - { id: bus1, endpoint: "rtu://\(first)?baud=9600" }
          - { id: bus2, endpoint: "rtu://\(second)?baud=19200" }
        devices: []
        """.write(to: file, atomically: true, encoding: .utf8)
        do {
            _ = try SiteConfigLoader.load(path: file.path)
            return []
        } catch {
            return error.errors.map(\.description)
        }
    }

    @Test func theSamePathTwiceIsRefusedWithItsLine() throws {
        let errors = try Self.errors(first: "/dev/ttyUSB0", second: "/dev/ttyUSB0")
        #expect(errors.count == 1, "\(errors)")
        #expect(errors.first?.contains("site.yaml:5:") == true, "\(errors)")
        #expect(errors.first?.contains("/dev/ttyUSB0 is already the serial device of link 'bus1' (line 4)") == true)
    }

    @Test func twoNamesOfOneDeviceAreRefused() throws {
        let folder = try Tools.temporaryDirectory()
        let device = folder.appendingPathComponent("ttyUSB7").path
        let byID = folder.appendingPathComponent("usb-FTDI_FT232R-if00-port0").path
        #expect(FileManager.default.createFile(atPath: device, contents: nil))
        try FileManager.default.createSymbolicLink(atPath: byID, withDestinationPath: device)
        let errors = try Self.errors(first: byID, second: device)
        #expect(errors.count == 1 && errors[0].contains("is already the serial device of link 'bus1'"), "\(errors)")
    }

    @Test func twoDevicesAreFine() throws {
        #expect(try Self.errors(first: "/dev/ttyUSB0", second: "/dev/ttyUSB1").isEmpty)
    }
}
