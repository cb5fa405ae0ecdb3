import Glibc

extension EmulatorServer {
    /// The longest request line accepted; a client sending more without a newline is disconnected.
    static let maximumLineLength = 4096

    /// Performs one control request and returns its reply (the control socket calls this for each line).
    public func perform(_ request: ControlRequest) -> ControlReply {
        switch request {
        case let .place(name):
            do {
                let card = try place(named: name)
                return ControlReply(ok: true, "placed \(card.name) \(card.text.decoded.cardType.rawValue)")
            } catch {
                return ControlReply(ok: false, error.description)
            }
        case .placeRandom:
            let card = placeRandom()
            return ControlReply(ok: true, "placed \(card.name) \(card.text.decoded.cardType.rawValue)")
        case .remove:
            if let card = remove() { return ControlReply(ok: true, "removed \(card.name)") }
            return ControlReply(ok: true, "no card")
        case let .fault(fault):
            inject(fault)
            return ControlReply(ok: true, "queued \(fault)")
        case .clearFaults:
            return ControlReply(ok: true, "cleared \(clearFaults())")
        case .list:
            return ControlReply(ok: true, deck.cards.map { "\($0.name):\($0.text.decoded.cardType.rawValue)" }.joined(separator: " "))
        case .status:
            return ControlReply(ok: true, status.description)
        case .help:
            return ControlReply(ok: true, "requests: " + ControlRequest.usage.joined(separator: " | "))
        }
    }

    /// Parses and performs one control line.
    public func perform(line: String) -> ControlReply {
        do {
            let request = try ControlRequest(line: line)
            let reply = perform(request)
            log?("control: \(request.line) → \(reply.line)")
            return reply
        } catch {
            return ControlReply(ok: false, error.message)
        }
    }

    // MARK: - The control thread

    func controlLoop() {
        var clients: [(fd: Int32, buffer: [UInt8])] = []
        defer { for client in clients { close(client.fd) } }
        var chunk = [UInt8](repeating: 0, count: 1024)
        while true {
            var fds = [
                pollfd(fd: stopRead, events: Int16(POLLIN), revents: 0),
                pollfd(fd: listener, events: Int16(POLLIN), revents: 0),
            ] + clients.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
            let rc = poll(&fds, nfds_t(fds.count), -1)
            if rc < 0 {
                if errno == EINTR { continue }
                log?("control poll failed: \(POSIX.errorText(errno))")
                return
            }
            if fds[0].revents != 0 { return }

            var closed = Set<Int32>()
            for (index, pfd) in fds.enumerated().dropFirst(2) where pfd.revents != 0 {
                let fd = clients[index - 2].fd
                let n = read(fd, &chunk, chunk.count)
                if n < 0, errno == EAGAIN || errno == EINTR { continue }
                guard n > 0 else {
                    closed.insert(fd)
                    continue
                }
                clients[index - 2].buffer += chunk[0..<n]
                while let newline = clients[index - 2].buffer.firstIndex(of: 0x0A) {
                    let lineBytes = clients[index - 2].buffer[..<newline]
                    clients[index - 2].buffer.removeSubrange(...newline)
                    let reply = perform(line: String(decoding: lineBytes, as: UTF8.self))
                    POSIX.writeAll(fd, Array((reply.line + "\n").utf8), isSocket: true, stopFD: stopRead)
                }
                if clients[index - 2].buffer.count > Self.maximumLineLength {
                    let reply = ControlReply(ok: false, "request line longer than \(Self.maximumLineLength) bytes")
                    POSIX.writeAll(fd, Array((reply.line + "\n").utf8), isSocket: true, stopFD: stopRead)
                    closed.insert(fd)
                }
            }
            for fd in closed { close(fd) }
            clients.removeAll { closed.contains($0.fd) }

            if fds[1].revents != 0 {
                let fd = accept(listener, nil, nil)
                if fd >= 0 {
                    POSIX.setCloseOnExec(fd)
                    POSIX.setNonBlocking(fd)
                    clients.append((fd, []))
                }
            }
        }
    }
}
