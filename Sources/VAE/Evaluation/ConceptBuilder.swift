import Foundation

/// Computes what a model bundle carries besides its weights: the class concepts
/// xi_bar_c = mean over the class's training images of the encoder means, under the
/// concept of all classes xi_bar_all = mean of the class concepts (the paper's tree, see
/// `ConceptTreeBuilder`; `vaedyn tree` adds groups later), a PCA projection of the encoder
/// means, and exemplar test images.
public struct ConceptBuilder: Sendable {
    public static let binarisationSeed: UInt64 = 20_170_601
    public static let exemplarsPerClass = 10

    public let network: Network

    public init(network: Network) {
        self.network = network
    }

    /// Fills concepts, exemplars and projection of `bundle` from the data.
    public func complete(_ bundle: inout ModelBundle, train: ImageSet, test: ImageSet) {
        let z = network.architecture.latentSize
        let images = Binarizer().binarize(train, seed: Self.binarisationSeed)
        let means = Evaluator(network: network).encoderMeans(images: images.view, count: train.count)
        let classes = bundle.description.classNames.count
        var sums = [[Double]](repeating: [Double](repeating: 0, count: z), count: classes)
        var counts = [Int](repeating: 0, count: classes)
        for i in 0..<train.count {
            let c = Int(train.labels[i])
            guard c < classes else { continue }
            counts[c] += 1
            for j in 0..<z { sums[c][j] += Double(means[i * z + j]) }
        }
        let classConcepts = (0..<classes).map { c in
            ConceptInfo(id: "class-\(c)", label: bundle.description.classNames[c], level: ConceptTreeInfo.classLevel, parent: nil, count: counts[c])
        }
        let vectors = (0..<classes).map { c in sums[c].map { Float($0 / Double(max(counts[c], 1))) } }
        ConceptTreeBuilder.paper(classes: classConcepts, vectors: vectors).apply(to: &bundle)

        let (mean, axes, fractions) = Self.principalAxes(means, dimension: z, count: 2)
        bundle.projectionMean = mean
        bundle.projectionAxes = axes
        bundle.description.projectionVariance = fractions

        var pixels: [[UInt8]] = []
        var exemplars: [ExemplarInfo] = []
        for c in 0..<classes {
            for i in test.indices(ofLabel: c).prefix(Self.exemplarsPerClass) {
                exemplars.append(ExemplarInfo(label: c, testIndex: i))
                pixels.append(Array(test.pixels[i * test.pixelsPerImage..<(i + 1) * test.pixelsPerImage]))
            }
        }
        bundle.exemplarPixels = pixels
        bundle.description.exemplars = exemplars
    }

    /// The mean and the `count` leading eigenvectors of the covariance of the rows, by power
    /// iteration with deflation (Z is small), with their shares of the total variance.
    public static func principalAxes(_ rows: [Float], dimension z: Int, count: Int) -> ([Float], [[Float]], [Double]) {
        let n = rows.count / z
        var mean = [Double](repeating: 0, count: z)
        for i in 0..<n { for j in 0..<z { mean[j] += Double(rows[i * z + j]) } }
        mean = mean.map { $0 / Double(max(n, 1)) }
        var cov = [Double](repeating: 0, count: z * z)
        for i in 0..<n {
            for a in 0..<z {
                let da = Double(rows[i * z + a]) - mean[a]
                for b in a..<z { cov[a * z + b] += da * (Double(rows[i * z + b]) - mean[b]) }
            }
        }
        for a in 0..<z { for b in a..<z { cov[a * z + b] /= Double(max(n - 1, 1)); cov[b * z + a] = cov[a * z + b] } }
        let trace = (0..<z).reduce(0.0) { $0 + cov[$1 * z + $1] }
        var axes: [[Float]] = []
        var fractions: [Double] = []
        for k in 0..<count {
            var v = (0..<z).map { Double(($0 * 7 + k * 13) % 11) - 5 }
            var lambda = 0.0
            for _ in 0..<500 {
                var w = [Double](repeating: 0, count: z)
                for a in 0..<z { for b in 0..<z { w[a] += cov[a * z + b] * v[b] } }
                let norm = w.reduce(0) { $0 + $1 * $1 }.squareRoot()
                guard norm > 0 else { break }
                lambda = norm
                v = w.map { $0 / norm }
            }
            // Fix the sign so that the axis is the same on every run.
            if let big = v.indices.max(by: { abs(v[$0]) < abs(v[$1]) }), v[big] < 0 { v = v.map { -$0 } }
            for a in 0..<z { for b in 0..<z { cov[a * z + b] -= lambda * v[a] * v[b] } }
            axes.append(v.map(Float.init))
            fractions.append(trace > 0 ? lambda / trace : 0)
        }
        return (mean.map(Float.init), axes, fractions)
    }
}
