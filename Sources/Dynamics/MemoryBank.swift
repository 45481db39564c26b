import VAE

/// The training set as the model remembers it: the encoder mean of every training image
/// (binarised as the concepts were) with its label, for the class of each trial's
/// nearest memory. Exact nearest neighbours: |a - m|^2 = |a|^2 + |m|^2 - 2 a.m, with the
/// products a.m of a block of memories as one matrix product, a `FixedOrderProduct` so that
/// a state's nearest memory does not depend on the other states of its batch.
public final class MemoryBank: @unchecked Sendable {
    public let latentSize: Int
    public let count: Int
    public let labels: [Int32]
    public let classCount: Int
    /// The encoder means, `block` memories at a time, as the columns of Z x n matrices;
    /// and their squared norms.
    private let blocks: [PackedMatrix]
    private let squaredNorms: [Float]
    public static let block = 4096

    public init(means: [Float], labels: [Int32], latentSize: Int, classCount: Int) {
        precondition(means.count == labels.count * latentSize)
        self.latentSize = latentSize
        count = labels.count
        self.labels = labels
        self.classCount = classCount
        let stored = FloatBuffer(means)
        blocks = stride(from: 0, to: labels.count, by: Self.block).map { start in
            PackedMatrix(stored.view + start * latentSize, rows: latentSize, columns: min(Self.block, labels.count - start), transposed: true)
        }
        squaredNorms = (0..<labels.count).map { i in
            var s: Float = 0
            for j in 0..<latentSize { s += means[i * latentSize + j] * means[i * latentSize + j] }
            return s
        }
    }

    /// Encodes a training set with the model (a few seconds for MNIST).
    public convenience init(model: DynamicsModel, train: ImageSet) {
        let images = Binarizer().binarize(train, seed: ConceptBuilder.binarisationSeed)
        let means = Evaluator(network: model.network).encoderMeans(images: images.view, count: train.count)
        self.init(means: means, labels: train.labels.map(Int32.init), latentSize: model.architecture.latentSize,
                  classCount: model.bundle.description.classNames.count)
    }

    /// Scratch for `nearestLabels`, one per run (runs may share a bank across threads).
    public final class Scratch {
        let products: FloatBuffer
        var best: [Float]
        public init(rows: Int) {
            products = FloatBuffer(count: rows * MemoryBank.block)
            best = [Float](repeating: 0, count: rows)
        }
    }

    /// Label of the nearest memory of each of `rows` states (row r at `states + r * stride`).
    public func nearestLabels(_ view: FloatView, stride: Int, rows: Int, scratch: Scratch, into out: inout [Int32]) {
        precondition(out.count >= rows && scratch.best.count >= rows, "scratch for fewer rows")
        for r in 0..<rows { scratch.best[r] = .infinity }
        var start = 0
        while start < count {
            let n = min(Self.block, count - start)
            FixedOrderProduct.multiply(view, rows: rows, lda: stride, by: blocks[start / Self.block], into: scratch.products.view, ldc: n)
            for r in 0..<rows {
                let p = (scratch.products.view + r * n).reading(n)
                // |a|^2 is the same for every memory of the row, so it is left out of the comparison.
                for i in 0..<n {
                    let d = squaredNorms[start + i] - 2 * p[i]
                    if d < scratch.best[r] {
                        scratch.best[r] = d
                        out[r] = labels[start + i]
                    }
                }
            }
            start += n
        }
    }

    /// Fraction of the rows whose nearest memory has each class, and the distance to it.
    public func nearest(_ states: FloatView, stride: Int, rows: Int, scratch: Scratch, labels out: inout [Int32]) -> (classShares: [Float], distance: Estimate) {
        nearestLabels(states, stride: stride, rows: rows, scratch: scratch, into: &out)
        var tally = [Int](repeating: 0, count: classCount)
        for r in 0..<rows where out[r] >= 0 && Int(out[r]) < classCount { tally[Int(out[r])] += 1 }
        // best holds |m|^2 - 2 a.m of the nearest memory: |a - m|^2 once |a|^2 is added back.
        let state = states.reading(rows: rows, stride: stride, width: latentSize)
        let distance = Estimate(over: 0..<rows) { r in
            var a: Float = 0
            for j in 0..<latentSize { a += state[r * stride + j] * state[r * stride + j] }
            return max(0, scratch.best[r] + a).squareRoot()
        }
        return (tally.map { Float($0) / Float(rows) }, distance)
    }

    /// The distance from each of `points` (rows of `latentSize`) to its nearest memory,
    /// over the rows: what "close to a memory" is for, say, the clean test images' codes.
    public func nearestDistance(of points: [Float]) -> Estimate {
        precondition(points.count % latentSize == 0 && !points.isEmpty)
        let rows = points.count / latentSize
        var labels = [Int32](repeating: -1, count: rows)
        return nearest(FloatBuffer(points).view, stride: latentSize, rows: rows, scratch: Scratch(rows: rows), labels: &labels).distance
    }
}
