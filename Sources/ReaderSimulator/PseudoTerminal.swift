import Glibc

/// The XSI pseudo-terminal calls (`posix_openpt`, `grantpt`, `unlockpt`, `ptsname_r`).
///
/// Swift's Glibc module does not import them (glibc declares them only under `_XOPEN_SOURCE`), so they are
/// looked up in the C library already loaded into the process with `dlsym`.
enum PseudoTerminal {
    private typealias OpenFunction = @convention(c) (Int32) -> Int32
    private typealias FDFunction = @convention(c) (Int32) -> Int32
    private typealias NameFunction = @convention(c) (Int32, UnsafeMutablePointer<CChar>?, Int) -> Int32

    private static func symbol<F>(_ name: String, as type: F.Type) -> F? {
        // A nil handle is RTLD_DEFAULT: search the libraries the process has loaded.
        guard let address = dlsym(nil, name) else { return nil }
        return unsafeBitCast(address, to: type)
    }

    /// Why opening a pty failed: the call and its errno.
    struct Failure: Error {
        var call: String
        var code: Int32
    }

    /// Opens a new pty master (`posix_openpt(O_RDWR | O_NOCTTY)`, `grantpt`, `unlockpt`) and returns it with
    /// the slave's path (`ptsname_r`).
    static func openMaster() throws(Failure) -> (fd: Int32, slavePath: String) {
        guard let open = symbol("posix_openpt", as: OpenFunction.self),
              let grant = symbol("grantpt", as: FDFunction.self),
              let unlock = symbol("unlockpt", as: FDFunction.self),
              let name = symbol("ptsname_r", as: NameFunction.self)
        else { throw Failure(call: "dlsym(posix_openpt)", code: ENOSYS) }
        let fd = open(O_RDWR | O_NOCTTY)
        guard fd >= 0 else { throw Failure(call: "posix_openpt", code: errno) }
        func fail(_ call: String, _ code: Int32) -> Failure {
            close(fd)
            return Failure(call: call, code: code)
        }
        guard grant(fd) == 0 else { throw fail("grantpt", errno) }
        guard unlock(fd) == 0 else { throw fail("unlockpt", errno) }
        var buffer = [CChar](repeating: 0, count: 256)
        let rc = name(fd, &buffer, buffer.count)
        guard rc == 0 else { throw fail("ptsname_r", rc) }
        let path = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return (fd, path)
    }
}
