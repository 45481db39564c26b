/// A window on floats that knows how many it may touch.
///
/// The kernels are raw-pointer code (BLAS and SIMD loads), so an extent computed wrong
/// corrupts the heap instead of trapping. Every kernel therefore takes views, states at
/// entry how many floats it will read or write from each (`pointer(_:)`), and only then
/// works on the raw pointer. The checks exist in debug builds and in builds with
/// `-DVAEDYN_BOUNDS_CHECKS` (the sanitizer pass of `make test`); a release build compiles
/// them away. A view of a `FloatBuffer` keeps the buffer alive, so that a view of a
/// temporary (`FloatBuffer(values).view`) stays valid as long as the view does.
public struct FloatView: @unchecked Sendable {
    public let start: UnsafeMutablePointer<Float>
    public let count: Int
    private let owner: AnyObject?

    /// A view of memory that someone else keeps alive for as long as the view is used.
    @inline(__always)
    public init(start: UnsafeMutablePointer<Float>, count: Int) {
        self.init(start: start, count: count, owner: nil)
    }

    @inline(__always)
    init(start: UnsafeMutablePointer<Float>, count: Int, owner: AnyObject?) {
        self.start = start
        self.count = count
        self.owner = owner
    }

    @inline(__always)
    public subscript(i: Int) -> Float {
        get {
            checkBounds(i >= 0 && i < count, "index \(i) of a view of \(count) floats")
            return start[i]
        }
        nonmutating set {
            checkBounds(i >= 0 && i < count, "index \(i) of a view of \(count) floats")
            start[i] = newValue
        }
    }

    /// The floats from `offset` on.
    @inline(__always)
    public static func + (view: FloatView, offset: Int) -> FloatView {
        checkBounds(offset >= 0 && offset <= view.count, "offset \(offset) into a view of \(view.count) floats")
        return FloatView(start: view.start + offset, count: view.count - offset, owner: view.owner)
    }

    /// The first `n` floats.
    @inline(__always)
    public func prefix(_ n: Int) -> FloatView {
        checkBounds(n >= 0 && n <= count, "the first \(n) floats of a view of \(count)")
        return FloatView(start: start, count: n, owner: owner)
    }

    /// The address of the first float, for a kernel that will touch the first `n`.
    @inline(__always)
    public func pointer(_ n: Int) -> UnsafeMutablePointer<Float> {
        checkBounds(n >= 0 && n <= count, "\(n) floats from a view of \(count)")
        return start
    }

    /// The same, read only.
    @inline(__always)
    public func reading(_ n: Int) -> UnsafePointer<Float> { UnsafePointer(pointer(n)) }

    /// The address of the first float, for a kernel that will read `rows` rows of `width`
    /// floats, `stride` apart.
    @inline(__always)
    public func reading(rows: Int, stride: Int, width: Int) -> UnsafePointer<Float> {
        checkBounds(width <= stride || rows <= 1, "rows of \(width) floats \(stride) apart overlap")
        return reading(rows > 0 ? (rows - 1) * stride + width : 0)
    }

    public var buffer: UnsafeBufferPointer<Float> { UnsafeBufferPointer(start: start, count: count) }

    public var array: [Float] { Array(buffer) }

    /// Copies `values` to the start of the view. A bulk copy, never in a hot loop, so its
    /// extent is checked in every build.
    public func update(from values: [Float]) {
        precondition(values.count <= count, "\(values.count) floats into a view of \(count)")
        let p = start
        values.withUnsafeBufferPointer { p.update(from: $0.baseAddress!, count: values.count) }
    }

    /// Copies the first `n` floats of `source` to the start of this view.
    public func update(from source: FloatView, count n: Int) {
        pointer(n).update(from: source.reading(n), count: n)
    }
}

/// Traps with `message` when `condition` fails, in checked builds only (see `FloatView`).
@inline(__always)
public func checkBounds(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
                        file: StaticString = #fileID, line: UInt = #line) {
    #if DEBUG || VAEDYN_BOUNDS_CHECKS
    precondition(condition(), "out of bounds: \(message())", file: file, line: line)
    #endif
}
