import Glibc

/// Small wrappers around the POSIX calls the server and the control client use.
enum POSIX {
    /// `strerror(code)`.
    static func errorText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }

    static func setNonBlocking(_ fd: Int32) {
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 { _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK) }
    }

    static func setCloseOnExec(_ fd: Int32) {
        let flags = fcntl(fd, F_GETFD)
        if flags >= 0 { _ = fcntl(fd, F_SETFD, flags | FD_CLOEXEC) }
    }

    /// A `sockaddr_un` for `path`; nil when the path does not fit (107 bytes).
    static func unixAddress(_ path: String) -> sockaddr_un? {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard !bytes.isEmpty, bytes.count < capacity else { return nil }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return address
    }

    /// The outcome of ``connectUnix(_:)``.
    enum Connection {
        case connected(Int32)
        case failed(errno: Int32)
    }

    /// `connect(2)` to a Unix stream socket.
    static func connectUnix(_ path: String) -> Connection {
        guard var address = unixAddress(path) else { return .failed(errno: ENAMETOOLONG) }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .failed(errno: errno) }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if rc != 0 {
            let code = errno
            close(fd)
            return .failed(errno: code)
        }
        return .connected(fd)
    }

    /// The file type bits of `lstat(path)`, or nil when nothing is there.
    static func fileType(_ path: String) -> mode_t? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        return st.st_mode & 0o170000
    }

    static let typeSymlink: mode_t = 0o120000
    static let typeSocket: mode_t = 0o140000

    /// `(st_dev, st_ino)` of `lstat(path)`.
    static func identity(_ path: String) -> (UInt64, UInt64)? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        return (UInt64(st.st_dev), UInt64(st.st_ino))
    }

    /// `readlink(path)`.
    static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink(path, &buffer, buffer.count - 1)
        guard n >= 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `mkdir -p` of the directory part of `path`.
    static func makeParentDirectories(of path: String) {
        var components = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard components.count > 1 else { return }
        components.removeLast()
        var current = path.hasPrefix("/") ? "" : "."
        for component in components where !component.isEmpty {
            current += "/" + component
            _ = mkdir(current, 0o755)
        }
    }

    /// Waits until `fd` is readable (or hung up) or `milliseconds` pass (-1: forever). True when ready.
    static func waitReadable(_ fd: Int32, milliseconds: Int32) -> Bool {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while true {
            let rc = poll(&pfd, 1, milliseconds)
            if rc < 0, errno == EINTR { continue }
            return rc > 0
        }
    }

    /// Writes all of `bytes` to a (possibly non-blocking) fd, waiting up to `timeoutMilliseconds` whenever
    /// it would block; stops early when `stopFD` becomes readable. Sockets use MSG_NOSIGNAL (no SIGPIPE).
    /// Returns the number of bytes written.
    @discardableResult
    static func writeAll(
        _ fd: Int32, _ bytes: [UInt8], isSocket: Bool, timeoutMilliseconds: Int32 = 1000, stopFD: Int32 = -1
    ) -> Int {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw -> Int in
                let base = raw.baseAddress! + offset
                return isSocket
                    ? send(fd, base, bytes.count - offset, Int32(MSG_NOSIGNAL))
                    : write(fd, base, bytes.count - offset)
            }
            if n > 0 {
                offset += n
                continue
            }
            if n < 0, errno == EINTR { continue }
            guard n < 0, errno == EAGAIN || errno == EWOULDBLOCK else { return offset }
            var fds = [pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)]
            if stopFD >= 0 { fds.append(pollfd(fd: stopFD, events: Int16(POLLIN), revents: 0)) }
            let rc = poll(&fds, nfds_t(fds.count), timeoutMilliseconds)
            if rc < 0, errno == EINTR { continue }
            if rc <= 0 { return offset }
            if fds.count > 1, fds[1].revents != 0 { return offset }
        }
        return offset
    }
}
