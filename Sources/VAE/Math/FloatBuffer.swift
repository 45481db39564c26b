/// A fixed-size, 64-byte-aligned float array with reference semantics.
///
/// The kernels work on raw pointers (BLAS and SIMD loads), and the training loop reuses
/// the same buffers every batch; a class avoids copy-on-write checks and reallocation.
/// Its storage is reached only through a `FloatView`, which checks bounds in checked
/// builds.
public final class FloatBuffer: @unchecked Sendable {
    public let count: Int
    private let storage: UnsafeMutablePointer<Float>

    public init(count: Int, value: Float = 0) {
        precondition(count >= 0)
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
        storage = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        storage.initialize(repeating: value, count: count)
    }

    public convenience init(_ values: [Float]) {
        self.init(count: values.count)
        view.update(from: values)
    }

    deinit { storage.deallocate() }

    /// All of the buffer.
    public var view: FloatView { FloatView(start: storage, count: count, owner: self) }

    public subscript(i: Int) -> Float {
        get { view[i] }
        set { view[i] = newValue }
    }

    public var array: [Float] { view.array }

    public func fill(_ value: Float) { storage.update(repeating: value, count: count) }

    public func copy(from other: FloatBuffer) {
        precondition(other.count == count)
        storage.update(from: other.storage, count: count)
    }
}
