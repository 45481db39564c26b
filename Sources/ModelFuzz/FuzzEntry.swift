@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModel(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    ModelProperties.check(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

#if !FUZZING
import Foundation
import FuzzReplay

/// Without libFuzzer (libFuzzer supplies its own main): replays model files through the
/// same checks, or with `--write-seeds FOLDER` writes the seed corpus (Tests/FuzzSeeds/model).
@main
struct Replay {
    static func main() throws {
        let arguments = CommandLine.arguments
        if arguments.count == 3, arguments[1] == "--write-seeds" {
            let folder = URL(fileURLWithPath: arguments[2])
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for (name, bundle) in SeedModels.all() {
                let data = try bundle.encoded()
                ModelProperties.check([UInt8](data))
                try data.write(to: folder.appendingPathComponent(name + ".vaem"))
                print("\(name).vaem: \(data.count) bytes")
                // Its export, a seed for the safetensors reader behind `vaedyn import`.
                let exported = try bundle.safetensors().encoded()
                ModelProperties.check([UInt8](exported))
                try exported.write(to: folder.appendingPathComponent(name + ".safetensors"))
                print("\(name).safetensors: \(exported.count) bytes")
            }
            return
        }
        // MODELFUZZ_REFUSALS=1: also tally why the files that do not load are refused.
        if ProcessInfo.processInfo.environment["MODELFUZZ_REFUSALS"] != nil { ModelProperties.refusals = [] }
        try FuzzReplay.run(ModelProperties.check)
        if let refusals = ModelProperties.refusals {
            // Numbers and quoted names vary from file to file; the kinds of refusal do not.
            let kinds = refusals.map { $0.replacing(/0x[0-9a-f]+|[-0-9]+|'[^']*'|\[[^\]]*\]/, with: "#") }
            for (kind, n) in Dictionary(kinds.map { ($0.prefix(120), 1) }, uniquingKeysWith: +).sorted(by: { $0.value > $1.value }) {
                print(String(format: "%6d  ", n) + kind)
            }
        }
        print("\(ModelProperties.examined) files examined (inputs and their repaired copies): "
              + "\(ModelProperties.loaded) loaded as bundles, \(ModelProperties.served) served")
    }
}
#endif
