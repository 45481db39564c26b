import HTTP

/// What the fuzzer checks on every input: the parser must not crash, and it must reach the
/// same outcome whether the bytes arrive at once, in two or three pieces or one by one,
/// with limits both generous and tiny (so that every limit path is exercised).
enum ParserProperties {
    /// The events with body pieces merged (how they are split is not part of the contract),
    /// plus how parsing ended.
    struct Outcome: Equatable {
        var events: [RequestParser.Event] = []
        var error: HTTPParseError?
        var buffered = 0
        var atBoundary = false
    }

    static let limitSets: [RequestLimits] = {
        var tiny = RequestLimits()
        tiny.maxRequestLineLength = 40
        tiny.maxHeaderSectionLength = 120
        tiny.maxHeaderCount = 4
        tiny.maxBodyLength = 64
        tiny.maxChunkLineLength = 24
        return [RequestLimits(), tiny]
    }()

    static func check(_ input: [UInt8]) {
        for limits in limitSets {
            let whole = parse([input[...]], limits: limits)
            checkInvariants(whole, limits: limits)
            // The split points come from the input, so the fuzzer can steer them.
            let seed = input.reduce(UInt64(14_695_981_039_346_656_037)) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }
            let first = input.isEmpty ? 0 : Int(seed % UInt64(input.count + 1))
            let second = input.isEmpty ? 0 : Int((seed >> 32) % UInt64(input.count + 1))
            let (low, high) = (min(first, second), max(first, second))
            let splits: [[ArraySlice<UInt8>]] = [
                [input[..<first], input[first...]],
                [input[..<low], input[low..<high], input[high...]],
            ] + (input.count <= 96 ? [input.indices.map { input[$0...$0] }] : [])
            for pieces in splits {
                let outcome = parse(pieces, limits: limits)
                precondition(outcome == whole, "split parse differs: \(outcome) vs \(whole)")
            }
        }
    }

    static func parse(_ pieces: [ArraySlice<UInt8>], limits: RequestLimits) -> Outcome {
        var parser = RequestParser(limits: limits)
        var outcome = Outcome()
        feeding: for piece in pieces {
            parser.append(piece)
            while true {
                do {
                    guard let event = try parser.next() else { break }
                    if case .body(let bytes) = event, case .body(let previous)? = outcome.events.last {
                        outcome.events[outcome.events.count - 1] = .body(previous + bytes)
                    } else {
                        outcome.events.append(event)
                    }
                } catch {
                    outcome.error = error
                    // A failed parser stays failed with the same error.
                    do {
                        _ = try parser.next()
                        preconditionFailure("parser recovered after \(error)")
                    } catch {
                        precondition(error == outcome.error, "parser changed its error")
                    }
                    break feeding
                }
            }
        }
        // After an error the connection closes; what was left unread does not matter.
        if outcome.error == nil {
            outcome.buffered = parser.bufferedByteCount
            outcome.atBoundary = parser.isAtMessageBoundary
        }
        return outcome
    }

    /// Properties of one outcome that hold whatever the input.
    static func checkInvariants(_ outcome: Outcome, limits: RequestLimits) {
        var current: RequestHead?
        var received = 0
        for event in outcome.events {
            switch event {
            case .head(let head):
                precondition(current == nil, "head inside a request")
                precondition(head.headers.count <= limits.maxHeaderCount, "too many fields accepted")
                precondition(!head.method.rawValue.isEmpty && head.path.hasPrefix("/") || head.path == "*", "bad target")
                if head.version.minor >= 1 || head.version.major > 1 {
                    precondition(head.headers.values("Host").count == 1, "HTTP/1.1 without one Host")
                }
                precondition(!(head.headers.contains("Content-Length") && head.headers.contains("Transfer-Encoding")),
                             "ambiguous framing accepted")
                current = head
                received = 0
            case .body(let bytes):
                precondition(current != nil, "body outside a request")
                received += bytes.count
                precondition(received <= limits.maxBodyLength, "body over the limit")
            case .end:
                guard let head = current else { preconditionFailure("end outside a request") }
                if case .length(let length) = head.framing { precondition(received == length, "body length differs") }
                if head.framing == .none { precondition(received == 0, "body without framing") }
                current = nil
            }
        }
    }
}
