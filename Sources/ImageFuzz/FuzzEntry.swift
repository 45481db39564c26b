@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzImage(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    ImageProperties.check(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

#if !FUZZING
import FuzzReplay

/// Without libFuzzer (libFuzzer supplies its own main): replays images through the same checks.
@main
struct Replay {
    static func main() throws { try FuzzReplay.run(ImageProperties.check) }
}
#endif
