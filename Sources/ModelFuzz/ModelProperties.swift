import CZlib
import Dynamics
import Foundation
import VAE

/// What the fuzzer checks on every file handed to `vaedyn serve --model` (or any command's
/// `--model`): loading never crashes, traps or leaks, and fails only with ArchiveError (the
/// message the service and the CLI print); a bundle that loads re-encodes to a file that
/// loads to the same bytes again; and a bundle that loads either is refused by
/// DynamicsModel with a DynamicsError or ArchiveError, or serves: its concepts decode and
/// project, every concept's ancestry ends, and a short dynamics run and a short sweep on it
/// write records that are all valid JSON lines, with stages that name a level of its tree.
/// No allocation may exceed what the file's size justifies (the script runs libFuzzer with
/// -malloc_limit_mb).
enum ModelProperties {
    /// How far the inputs got (printed by the replay tool, to see what a corpus covers).
    nonisolated(unsafe) static var examined = 0, loaded = 0, served = 0
    /// The messages of the refused files, when the replay tool collects them.
    nonisolated(unsafe) static var refusals: [String]?

    static func check(_ bytes: [UInt8]) {
        examine(bytes)
        let fixed = repaired(bytes)
        if fixed != bytes { examine(fixed) }
    }

    static func examine(_ bytes: [UInt8]) {
        examined += 1
        examineAsSafetensors(bytes)
        let bundle: ModelBundle
        do { bundle = try ModelBundle(data: Data(bytes)) } catch let error as ArchiveError {
            refusals?.append("\(error)")
            return
        } catch {
            preconditionFailure("loading threw \(type(of: error)), not ArchiveError: \(error)")
        }
        loaded += 1
        roundTrip(bundle)
        let model: DynamicsModel
        do { model = try DynamicsModel(bundle: bundle) } catch is DynamicsError { return } catch is ArchiveError { return } catch {
            preconditionFailure("DynamicsModel threw \(type(of: error)): \(error)")
        }
        served += 1
        serve(model)
    }

    /// The same bytes as a safetensors file for `vaedyn import`: refused with a
    /// `SafetensorsReader.Failure`, or read into weights of the sizes its tensors declare,
    /// every one finite.
    static func examineAsSafetensors(_ bytes: [UInt8]) {
        let file: SafetensorsReader
        do { file = try SafetensorsReader(data: Data(bytes)) } catch is SafetensorsReader.Failure { return } catch {
            preconditionFailure("reading safetensors threw \(type(of: error)): \(error)")
        }
        // The activation only labels the architecture; reading does not depend on it.
        for layout in TensorLayout.builtIn {
            do {
                let p = try Parameters.imported(from: file, layout: layout, activation: .tanh)
                let shape = file.entries[layout.tensors[.encoderHiddenWeight]!]!.shape
                precondition(shape == [p.architecture.hiddenSize, p.architecture.inputSize], "sizes \(p.architecture) from \(shape)")
                precondition(p.storage.array.allSatisfy(\.isFinite), "imported weights that are not finite")
            } catch is SafetensorsReader.Failure {} catch {
                preconditionFailure("import threw \(type(of: error)): \(error)")
            }
        }
    }

    /// Encoding what was loaded gives a file that loads, and whose encoding is the same bytes.
    static func roundTrip(_ bundle: ModelBundle) {
        do {
            let once = try bundle.encoded()
            let twice = try ModelBundle(data: once).encoded()
            precondition(once == twice, "a loaded bundle re-encoded does not load to the same file")
            // Exported and imported again in our layout: the same weights, bit for bit.
            let exported = try SafetensorsReader(data: try bundle.safetensors().encoded())
            let imported = try Parameters.imported(from: exported, layout: .ours, activation: bundle.architecture.activation)
            precondition(imported.architecture == bundle.architecture, "export then import changed the architecture")
            // Block by block: a file's padding between blocks is not part of the model.
            for block in Parameters.Block.allCases {
                precondition(imported.view(block).array.map(\.bitPattern) == bundle.parameters.view(block).array.map(\.bitPattern),
                             "export then import changed \(block)")
            }
        } catch {
            preconditionFailure("a loaded bundle does not survive re-encoding: \(error)")
        }
    }

    /// What the service does with a model at start and on requests, on a small scale.
    static func serve(_ model: DynamicsModel) {
        let a = model.architecture
        let concepts = model.bundle.conceptVectors
        // The decoded concept images of GET /concepts.
        let ws = Workspace(a, capacity: concepts.count)
        for (i, v) in concepts.enumerated() { (ws.latent.view + i * a.latentSize).prefix(a.latentSize).update(from: v) }
        model.network.decode(rows: concepts.count, workspace: ws)
        if model.hasProjection {
            for v in concepts { precondition(v.withUnsafeBufferPointer { model.project($0.baseAddress!) }.count == 2, "a projection is not 2-D") }
        }
        for i in model.concepts.indices {
            let path = model.ancestry(of: i)
            precondition(Set(path).count == path.count && path.allSatisfy(model.concepts.indices.contains), "ancestry of \(i): \(path)")
        }
        let classes = model.bundle.description.classNames.count
        for label in -1...classes { _ = model.classConcept(label: label) }

        var p = DynamicsParameters()
        p.steps = 2
        p.trials = 2
        p.meanImage = true
        p.projection = model.hasProjection
        let labelled = (0..<classes).filter { label in model.bundle.description.exemplars.contains { $0.label == label } }
        let inputs: [DynamicsInput]
        do {
            inputs = labelled.isEmpty
                ? [DynamicsInput(pixels: [UInt8](repeating: 128, count: a.inputSize), label: nil, info: InputInfo(source: "image", label: nil))]
                : try DynamicsInput.exemplars(of: model, labels: Array(labelled.prefix(2)), perClass: 1)
        } catch {
            preconditionFailure("the exemplars of classes that have some cannot be read: \(error)")
        }
        do {
            let run = try DynamicsRun(model: model, input: inputs[0], parameters: p)
            let last = run.run { checkLine($0) }
            if case .step = last { preconditionFailure("a dynamics run ended on a step record") }
        } catch {
            preconditionFailure("a run of a model that loads is refused: \(error)")
        }
        p.meanImage = false
        p.projection = false
        do {
            let sweep = try SweepRun(model: model, inputs: inputs, ratios: [0, 0.5], parameters: p)
            sweep.run { record in
                checkLine(record)
                checkStages(record, levels: model.levels)
            }
        } catch {
            preconditionFailure("a sweep of a model that loads is refused: \(error)")
        }
    }

    /// Stages name a level of the model's tree, and a sweep counts one entry per level.
    static func checkStages(_ record: DynamicsRecord, levels: [String]) {
        switch record {
        case .point(let p):
            if let stage = p.stage { precondition(levels.indices.contains(stage - 1) && p.stageLevel == levels[stage - 1], "stage \(stage) of \(levels)") }
        case .summary(let s):
            precondition(s.stageCounts?.allSatisfy { $0.count == levels.count } ?? true, "stage counts of \(levels.count) levels: \(s.stageCounts ?? [])")
        default:
            break
        }
    }

    /// Every record is one line of JSON (non-finite numbers written as null).
    static func checkLine(_ record: DynamicsRecord) {
        let line = record.jsonLine()
        precondition(line.last == 0x0A && line.dropLast().allSatisfy { $0 != 0x0A }, "a record is not one line")
        precondition((try? JSONSerialization.jsonObject(with: line.dropLast())) is [String: Any], "a record line is not a JSON object")
    }

    /// `bytes` made consistent where a mutation would otherwise stop at the first check:
    /// the header length set to the JSON object that starts after it, the header's
    /// dataLength to the bytes that follow it, and the CRC-32 recomputed. Unchanged when
    /// there is no such JSON object.
    static func repaired(_ bytes: [UInt8]) -> [UInt8] {
        let fixed = TensorArchive.magic.count + 8
        guard bytes.count >= fixed + 2 + 4, let end = jsonObjectEnd(bytes, from: fixed), end <= bytes.count - 4 else { return bytes }
        var header = Array(bytes[fixed..<end])
        let dataLength = bytes.count - end - 4
        if let text = String(bytes: header, encoding: .utf8),
           let range = text.range(of: #""dataLength"\s*:\s*-?[0-9]+"#, options: .regularExpression) {
            header = Array(text.replacingCharacters(in: range, with: "\"dataLength\":\(dataLength)").utf8)
        }
        var out = Array(bytes[0..<(fixed - 4)])
        let length = UInt32(header.count)
        out += [UInt8(length & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 24)]
        out += header
        out += bytes[end..<(bytes.count - 4)]
        let crc = UInt32(truncatingIfNeeded: out.withUnsafeBufferPointer { crc32(0, $0.baseAddress, UInt32($0.count)) })
        out += [UInt8(crc & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 24)]
        return out
    }

    /// The index just past the JSON object that starts at `start` (braces outside strings
    /// counted), if there is one.
    static func jsonObjectEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        guard start < bytes.count, bytes[start] == UInt8(ascii: "{") else { return nil }
        var depth = 0, inString = false, escaped = false
        for i in start..<bytes.count {
            let b = bytes[i]
            if inString {
                if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") { inString = false }
            } else if b == UInt8(ascii: "\"") {
                inString = true
            } else if b == UInt8(ascii: "{") {
                depth += 1
            } else if b == UInt8(ascii: "}") {
                depth -= 1
                if depth == 0 { return i + 1 }
            }
        }
        return nil
    }
}
