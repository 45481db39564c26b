import HTTP

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    ParserProperties.check(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

#if !FUZZING
import Foundation

/// Without libFuzzer: replays inputs (files, or folders of files) through the same checks,
/// e.g. a crash file the fuzzer left behind.
@main
struct Replay {
    static func main() throws {
        let paths = CommandLine.arguments.dropFirst()
        guard !paths.isEmpty else {
            print("usage: HTTPFuzz FILE_OR_FOLDER...")
            return
        }
        var count = 0
        for path in paths {
            let url = URL(fileURLWithPath: path)
            let files = (try? FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)) ?? [url]
            for file in files {
                ParserProperties.check(Array(try Data(contentsOf: file)))
                count += 1
            }
        }
        print("replayed \(count) inputs, all properties held")
    }
}
#endif
