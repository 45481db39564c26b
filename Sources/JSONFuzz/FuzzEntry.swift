@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequestBody(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    RequestProperties.check(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

#if !FUZZING
import FuzzReplay

/// Without libFuzzer (libFuzzer supplies its own main): replays bodies through the same checks.
@main
struct Replay {
    static func main() throws { try FuzzReplay.run(RequestProperties.check) }
}
#endif
