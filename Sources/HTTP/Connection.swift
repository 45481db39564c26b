import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One client connection: the driver of its `ConnectionMachine` over a socket and Dispatch
/// sources. It reads, writes, runs the TLS handshake, starts producers and keeps a timer
/// at the machine's deadline; the machine decides everything else.
///
/// All mutable state is confined to `queue`. Three sources share the descriptor; the
/// write source's cancel handler cancels the read source, whose cancel handler is the one
/// place the descriptor is closed, so no source ever watches a closed (or reused) number.
final class Connection: @unchecked Sendable {
    let queue: DispatchQueue
    private let descriptor: Int32
    private let tls: TLSSession?
    private let server: HTTPServer
    private let readSource: DispatchSourceRead
    private let writeSource: DispatchSourceWrite
    private let timer: DispatchSourceTimer
    private var machine: ConnectionMachine
    private var reading = false
    private var writing = false
    private var timerFiresAt: DispatchTime?

    init(descriptor: Int32, tls: TLSSession?, server: HTTPServer, queue: DispatchQueue) {
        self.descriptor = descriptor
        self.tls = tls
        self.server = server
        self.queue = queue
        readSource = DispatchSource.makeReadSource(fileDescriptor: descriptor, queue: queue)
        writeSource = DispatchSource.makeWriteSource(fileDescriptor: descriptor, queue: queue)
        timer = DispatchSource.makeTimerSource(queue: queue)
        let configuration = server.configuration
        let wakeTarget = WakeTarget()
        let environment = ConnectionEnvironment(
            configuration: configuration,
            respond: { [router = server.router] in try router.respond(to: $0) },
            errorResponse: server.errorResponse,
            date: { [dates = server.dates] in dates.current() },
            gzip: { [cache = server.gzipCache, level = configuration.compression.level] body, key in
                let compress = { Gzip.compress(body, level: level).flatMap { $0.count < body.count ? $0 : nil } }
                guard let key else { return compress() }
                return cache.body(for: key, compress: compress)
            },
            makeChannel: { limit in StreamChannel(limit: limit) { wakeTarget.connection?.wake() } })
        machine = ConnectionMachine(environment: environment, tls: tls != nil)
        wakeTarget.connection = self
    }

    /// How a producer's wake-up reaches its connection: the environment is made before the
    /// connection exists, and must not keep it alive.
    private final class WakeTarget: @unchecked Sendable {
        weak var connection: Connection?
    }

    /// Starts serving; a connection over the limit is answered 503 and closed.
    func start(rejecting: Bool) {
        queue.async { [self] in
            readSource.setEventHandler { [self] in readable() }
            writeSource.setEventHandler { [self] in writable() }
            timer.setEventHandler { [self] in timerFired() }
            writeSource.setCancelHandler { [self] in
                readSource.cancel()
                setReading(true)
            }
            readSource.setCancelHandler { [self] in
                Glibc.close(descriptor)
                server.connectionDidClose(self)
            }
            timer.resume()
            perform(machine.start(rejecting: rejecting, now: .now()))
        }
    }

    /// Graceful shutdown: an idle connection closes now, a busy one after its response, and
    /// any at the end of the grace period (the machine's deadline).
    func beginShutdown() {
        queue.async { [self] in perform(machine.shutdown(now: .now())) }
    }

    private func wake() {
        queue.async { [self] in perform(machine.producerReady(now: .now())) }
    }

    // MARK: Events from the sources

    private func readable() {
        if machine.isHandshaking { return perform([.handshake]) }
        let readBufferSize = max(server.configuration.readBufferSize, 16 * 1024)
        withUnsafeTemporaryAllocation(byteCount: readBufferSize, alignment: 16) { buffer in
            let result = tls?.read(into: buffer) ?? Socket.receive(descriptor, into: buffer)
            switch result {
            case .moved(let count):
                perform(machine.received(UnsafeRawBufferPointer(rebasing: buffer[..<count]), now: .now()))
                // Decrypted bytes already taken off the socket raise no read event of their own.
                if reading, tls?.hasBufferedInput == true { queue.async { [self] in if reading { readable() } } }
            case .wouldBlock:
                break
            case .ended:
                perform(machine.peerClosed(now: .now()))
            case .failed:
                perform(machine.failed())
            }
        }
    }

    private func writable() {
        if machine.isHandshaking { return perform([.handshake]) }
        machine.writable()
        perform([])
    }

    private func timerFired() {
        timerFiresAt = nil
        perform(machine.timerFired(now: .now()))
    }

    // MARK: Carrying out

    /// Carries out `actions` and whatever they lead to, writes what the socket takes, then
    /// sets the read and write interest and the timer for what the machine awaits.
    private func perform(_ actions: [ConnectionMachine.Action]) {
        var pending = actions
        while true {
            while !pending.isEmpty { pending = pending.flatMap(execute) }
            guard machine.canWrite else { break }
            let result = machine.withUnsent { tls?.write($0) ?? Socket.send(descriptor, $0) }
            switch result {
            case .moved(let count): pending = machine.wrote(count, now: .now())
            case .wouldBlock: machine.writeBlocked(now: .now())
            case .ended, .failed: pending = machine.failed()
            }
        }
        guard !machine.isClosed else { return }
        setReading(machine.wantsRead)
        setWriting(machine.wantsWrite)
        if let deadline = machine.deadline, timerFiresAt.map({ deadline.at < $0 }) ?? true {
            // Deadlines move later far more often than earlier; the timer is only moved
            // earlier here, and the machine ignores it when it fires before the deadline.
            timerFiresAt = deadline.at
            timer.schedule(deadline: deadline.at, leeway: .milliseconds(5))
        }
    }

    private func execute(_ action: ConnectionMachine.Action) -> [ConnectionMachine.Action] {
        switch action {
        case .handshake:
            return machine.handshake(tls?.handshake() ?? .complete, now: .now())
        case .startProducer(let start):
            launch(start)
        case .answered(let answered, let status):
            answered(status)
        case .halfClose:
            tls?.closeWrite()
            shutdown(descriptor, Int32(SHUT_WR))
        case .close:
            timer.cancel()
            writeSource.cancel()
            // A suspended source never runs its cancel handler.
            setWriting(true)
        }
        return []
    }

    /// Starts a producer on the server's pool, at once or when its admission says so.
    private func launch(_ start: ConnectionMachine.StreamStart) {
        let pool = server.producers
        let launch: @Sendable () -> Void = { pool.submit { start.run() } }
        if let admission = start.admission {
            admission(StreamAdmission(writer: start.writer, launch: launch))
        } else {
            launch()
        }
    }

    private func setReading(_ wanted: Bool) {
        guard wanted != reading else { return }
        reading = wanted
        if wanted { readSource.resume() } else { readSource.suspend() }
    }

    private func setWriting(_ wanted: Bool) {
        guard wanted != writing else { return }
        writing = wanted
        if wanted { writeSource.resume() } else { writeSource.suspend() }
    }
}
