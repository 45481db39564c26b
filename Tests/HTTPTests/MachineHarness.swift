import Dispatch
import Foundation
import HTTP

/// A `ConnectionMachine` with a fake clock and a fake socket: what the machine sends lands
/// in `written` unless the socket is `full`, and the actions it asks for are recorded.
final class MachineHarness {
    var machine: ConnectionMachine
    var configuration: HTTPServer.Configuration
    private(set) var now = DispatchTime(uptimeNanoseconds: 1_000_000_000_000)
    private(set) var written: [UInt8] = []
    /// The socket takes nothing while this is set.
    var full = false
    private(set) var halfClosed = false
    private(set) var closed = false
    private(set) var handshakes = 0
    private(set) var producers: [ConnectionMachine.StreamStart] = []
    /// Each stream's channel, in the order the streams started.
    private(set) var channels: [StreamChannel] = []
    /// What the streams' `onAnswered` were told, in order.
    private(set) var answered: [HTTPStatus] = []

    init(configuration: HTTPServer.Configuration = MachineHarness.configuration(), tls: Bool = false,
         respond: @escaping (HTTPRequest) -> HTTPResponse = MachineHarness.echo) {
        self.configuration = configuration
        let log = ChannelLog()
        let environment = ConnectionEnvironment(
            configuration: configuration, respond: respond, date: { Array("Tue, 01 Dec 2026 00:00:00 GMT".utf8) },
            gzip: { _, _ in nil },
            makeChannel: { limit in
                let channel = StreamChannel(limit: limit) {}
                log.channels.append(channel)
                return channel
            })
        machine = ConnectionMachine(environment: environment, tls: tls)
        channelLog = log
    }

    /// The machine runs on the test's thread only: the channels it makes are noted here.
    private final class ChannelLog {
        var channels: [StreamChannel] = []
    }

    private let channelLog: ChannelLog

    /// Short, distinct timeouts, so that a test can tell which deadline fired.
    static func configuration() -> HTTPServer.Configuration {
        var c = HTTPServer.Configuration()
        c.tlsHandshakeTimeout = .seconds(3)
        c.headerReadTimeout = .seconds(5)
        c.idleTimeout = .seconds(7)
        c.bodyReadTimeout = .seconds(11)
        c.bodyTotalTimeout = .seconds(30)
        c.writeStallTimeout = .seconds(13)
        c.lingerTimeout = .seconds(2)
        c.shutdownGracePeriod = .seconds(17)
        c.compression.isEnabled = false
        return c
    }

    /// Answers every request with its method and path; "/stream" streams.
    static func echo(_ request: HTTPRequest) -> HTTPResponse {
        if request.path.hasPrefix("/stream") {
            var response = HTTPResponse(headers: ["Content-Type": "text/plain"]) { _ in }
            response.onAnswered = { _ in }
            return response
        }
        return .text("\(request.method.rawValue) \(request.path)")
    }

    // MARK: Events

    func start(rejecting: Bool = false) { run(machine.start(rejecting: rejecting, now: now)) }

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        let actions = bytes.withUnsafeBytes { machine.received($0, now: now) }
        run(actions)
    }

    func peerCloses() { run(machine.peerClosed(now: now)) }

    func shutdown() { run(machine.shutdown(now: now)) }

    func handshake(_ step: TLSSession.HandshakeStep) { run(machine.handshake(step, now: now)) }

    func producerReady() { run(machine.producerReady(now: now)) }

    /// Moves the clock on and fires the timer, as the driver's timer would at that time.
    func advance(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        now = now + .nanoseconds(Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
        run(machine.timerFired(now: now))
    }

    /// The socket empties: it takes what waits.
    func drain() {
        full = false
        machine.writable()
        run([])
    }

    /// The bytes written since the last call, as text.
    func take() -> String {
        defer { written = [] }
        return String(decoding: written, as: UTF8.self)
    }

    var deadline: ConnectionMachine.Deadline? { machine.deadline }

    /// The deadline's kind and how far from now it is.
    var pending: (ConnectionMachine.DeadlineKind, Duration)? {
        machine.deadline.map { ($0.kind, .nanoseconds(Int64($0.at.uptimeNanoseconds) - Int64(now.uptimeNanoseconds))) }
    }

    private func run(_ actions: [ConnectionMachine.Action]) {
        var pending = actions
        while true {
            for action in pending {
                switch action {
                case .handshake: handshakes += 1
                case .startProducer(let start):
                    producers.append(start)
                    channels = channelLog.channels
                case .answered(_, let status): answered.append(status)
                case .halfClose: halfClosed = true
                case .close: closed = true
                }
            }
            pending = []
            guard machine.canWrite else { break }
            if full {
                machine.writeBlocked(now: now)
                break
            }
            let bytes = machine.withUnsent { Array($0) }
            written += bytes
            pending = machine.wrote(bytes.count, now: now)
        }
    }
}
