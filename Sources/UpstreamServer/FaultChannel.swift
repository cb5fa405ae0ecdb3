#if canImport(Glibc)
import Glibc
#endif
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// The HTTP/1 child channel with a ``FaultHandler`` in front of the HTTP codec (behind TLS when TLS is
/// on), so that connection-level faults act on plaintext HTTP bytes.
struct FaultChannel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value
    let base: HTTP1Channel
    let faults: FaultSwitches

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(FaultHandler(faults: faults))
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

/// Connection-level faults: `refuse` closes a new connection with a reset; `drop` swallows the answer
/// and closes; `reset` lets the head and half of the body out, then resets.
final class FaultHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let faults: FaultSwitches
    private var headEnded = false
    private var closed = false

    init(faults: FaultSwitches) { self.faults = faults }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive, faults.current.refuse { abort(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        if faults.current.refuse { abort(context); return }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if closed { return }
        if faults.current.refuse { abort(context); return }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if closed { promise?.succeed(()); return }
        let switches = faults.current
        if switches.drop {
            promise?.succeed(())
            abort(context)
            return
        }
        guard switches.reset else { context.write(data, promise: promise); return }
        var buffer = unwrapOutboundIn(data)
        if !headEnded {
            let bytes = buffer.readableBytesView
            if let end = bytes.firstRange(of: [13, 10, 13, 10]) {
                headEnded = true
                let headLength = bytes.distance(from: bytes.startIndex, to: end.upperBound)
                let bodyLength = buffer.readableBytes - headLength
                guard bodyLength > 0 else { context.write(data, promise: promise); return }
                let part = buffer.readSlice(length: headLength + bodyLength / 2)!
                context.writeAndFlush(wrapOutboundOut(part), promise: nil)
                promise?.succeed(())
                abort(context)
                return
            }
            context.write(data, promise: promise)
            return
        }
        let part = buffer.readSlice(length: buffer.readableBytes / 2)!
        context.writeAndFlush(wrapOutboundOut(part), promise: nil)
        promise?.succeed(())
        abort(context)
    }

    /// Closes with SO_LINGER 0, so the peer sees a reset, not an orderly end.
    private func abort(_ context: ChannelHandlerContext) {
        guard !closed else { return }
        closed = true
        let channel = context.channel
        guard let provider = channel as? any SocketOptionProvider else { channel.close(promise: nil); return }
        provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in channel.close(promise: nil) }
    }
}
