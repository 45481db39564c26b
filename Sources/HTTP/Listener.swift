import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// One listening socket. Each readiness event drains the backlog until EAGAIN.
final class Listener: @unchecked Sendable {
    let descriptor: Int32
    private let queue = DispatchQueue(label: "http.listener")
    private let source: DispatchSourceRead
    // Touched only on `queue`.
    private var paused = false

    init(descriptor: Int32, accepted: @escaping @Sendable (Int32) -> Void) {
        self.descriptor = descriptor
        source = DispatchSource.makeReadSource(fileDescriptor: descriptor, queue: queue)
        source.setCancelHandler { close(descriptor) }
        source.setEventHandler { [unowned self] in
            do {
                while let connection = try Socket.accept(descriptor) { accepted(connection) }
            } catch {
                // Out of descriptors: the backlog would wake us in a busy loop, so accepting
                // pauses briefly while connections close.
                pause()
            }
        }
    }

    func start() { source.resume() }

    func stop() {
        queue.async { [self] in
            source.cancel()
            if paused {
                paused = false
                source.resume()
            }
        }
    }

    private func pause() {
        guard !paused, !source.isCancelled else { return }
        paused = true
        source.suspend()
        queue.asyncAfter(deadline: .now() + .milliseconds(100)) { [self] in
            guard paused else { return }
            paused = false
            source.resume()
        }
    }
}
