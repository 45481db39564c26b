import CMalloc
import Dynamics
import Foundation
import HTTP

/// How a computation's records reach the client: NDJSON (one flush per record), the same
/// records as Server-Sent Events, or one JSON document at the end (`?stream=false`).
enum RecordFormat {
    case ndjson, eventStream, document

    init(_ request: HTTPRequest) throws {
        switch request.queryValue("stream") {
        case "false": self = .document
        case nil, "true":
            self = (request.headers["Accept"] ?? "").contains("text/event-stream") ? .eventStream : .ndjson
        case let other?: throw FieldError("stream", "must be true or false, got '\(other)'")
        }
    }

    var contentType: String {
        switch self {
        case .ndjson: return "application/x-ndjson"
        case .eventStream: return "text/event-stream"
        case .document: return "application/json"
        }
    }
}

/// Runs a computation inside a streaming response, behind the compute gate, and writes its
/// records as they come. While it waits for a slot it holds no thread: the gate starts the
/// producer when a slot is its own. The computation sees the client's departure, or the
/// server's shutdown, through `isCancelled` and stops within one step; on shutdown its last
/// record (a summary with `done` false) still reaches the client, and a request still
/// waiting for a slot is answered 503.
struct RecordStream {
    let format: RecordFormat
    let ticket: ComputeGate.Ticket
    let metrics: ServiceMetrics
    /// Chains the computation advances together (the chains-running gauge).
    let trials: Int
    /// Steps of each chain a point record stands for (a sweep computes a whole run per
    /// point); a step record stands for one.
    var stepsPerPoint = 1

    func response(_ compute: @escaping @Sendable (_ isCancelled: () -> Bool, _ emit: (DynamicsRecord) -> Void) -> Void) -> HTTPResponse {
        let format = format, ticket = ticket, metrics = metrics, trials = trials, stepsPerPoint = stepsPerPoint
        var response = HTTPResponse(status: .ok, headers: ["Content-Type": format.contentType, "Cache-Control": "no-store"]) { writer in
            defer {
                ticket.finish()
                // The run's buffers are mapped and unmapped on their own (see `vaedyn serve`);
                // this gives back the free pages its records and the connections' buffers
                // left in the arenas, so that resident memory returns to idle after a burst.
                malloc_trim(0)
                if ticket.gate.isIdle { metrics.observeIdle(MemoryBound.residentBytes()) }
            }
            var failed = false
            let isCancelled = { failed || writer.isCancelled || writer.isStopRequested }
            // A slot freed by the shutdown itself must not start new work.
            if writer.isStopRequested { throw ticket.gate.shuttingDown }
            metrics.chainsRunning.increment(by: Double(trials))
            defer { metrics.chainsRunning.decrement(by: Double(trials)) }
            var document: [Data] = []
            if format == .document { try writer.write("{\"records\":[") }
            compute(isCancelled) { record in
                if case .step = record { metrics.chainSteps.increment(by: Int64(trials)) }
                if case .point = record { metrics.chainSteps.increment(by: Int64(trials * stepsPerPoint)) }
                guard !failed else { return }
                do {
                    switch format {
                    case .ndjson:
                        try writer.write(record.jsonLine())
                        try writer.flush()
                    case .eventStream:
                        var line = record.jsonLine()
                        line.removeLast()
                        try writer.write("event: \(record.typeName)\ndata: ")
                        try writer.write(line)
                        try writer.write("\n\n")
                        try writer.flush()
                    case .document:
                        var line = record.jsonLine()
                        line.removeLast()
                        document.append(line)
                    }
                } catch {
                    failed = true
                }
            }
            if format == .document && !failed {
                for (i, line) in document.enumerated() {
                    if i > 0 { try writer.write(",") }
                    try writer.write(line)
                }
                try writer.write("]}\n")
            }
        }
        response.admission = { admission in
            // A client that leaves, or a shutdown, while the request waits gives its place back.
            admission.onCancel { _ = ticket.withdraw() }
            admission.onStopRequested { if ticket.withdraw() { admission.refuse(ticket.gate.shuttingDown) } }
            ticket.whenRunning { admission.start() }
        }
        return response
    }
}

extension DynamicsRecord {
    var typeName: String {
        switch self {
        case .start: return "start"
        case .step: return "step"
        case .point: return "point"
        case .summary: return "summary"
        case .error: return "error"
        }
    }
}
