import Foundation

/// What a fuzz target is when built without libFuzzer: a tool that replays inputs (files,
/// or folders of files) through the target's checks, e.g. a crash file the fuzzer left
/// behind or a whole corpus. Shared so that every target replays the same way.
public enum FuzzReplay {
    public static func run(_ check: ([UInt8]) -> Void) throws {
        let paths = CommandLine.arguments.dropFirst()
        guard !paths.isEmpty else {
            print("usage: \(CommandLine.arguments[0]) FILE_OR_FOLDER...")
            return
        }
        var count = 0
        for path in paths {
            let url = URL(fileURLWithPath: path)
            // On Linux listing a plain file gives no entries rather than an error.
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: path])
            }
            let files = isFolder.boolValue ? try FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil) : [url]
            for file in files {
                check(Array(try Data(contentsOf: file)))
                count += 1
            }
        }
        print("replayed \(count) inputs, all properties held")
    }
}
