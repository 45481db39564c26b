import HTTP

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    ParserProperties.check(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

#if !FUZZING
import FuzzReplay

/// Without libFuzzer (libFuzzer supplies its own main): replays inputs through the same checks.
@main
struct Replay {
    static func main() throws { try FuzzReplay.run(ParserProperties.check) }
}
#endif
