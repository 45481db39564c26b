import Dynamics
import Foundation

/// `vaedyn sweep`: Fig 3 over one input or a population, from typed settings, so that a
/// shard's header can name the run and merge can rebuild it. Its units are the inputs.
public struct SweepJob: ShardedRun {
    public struct Settings: Codable, Equatable {
        public var input: InputSource
        /// Every run's parameters; the noise's ratio is each grid point's.
        public var parameters: DynamicsParameters
        public var noiseGrid: String
        public var format: RecordWriter.Format

        public init(input: InputSource, parameters: DynamicsParameters, noiseGrid: String, format: RecordWriter.Format) {
            self.input = input
            self.parameters = parameters
            self.noiseGrid = noiseGrid
            self.format = format
        }
    }

    public static let command = "sweep"
    public let settings: Settings
    public let sweep: SweepRun
    public let inputSHA256: String

    public init(settings: Settings) throws {
        self.settings = settings
        let (model, sha256) = try settings.input.loadModel()
        inputSHA256 = sha256
        let ratios = try reporting("--noise-grid") { try NoiseGrid.parse(settings.noiseGrid) }
        let inputs = try settings.input.inputs(for: model)
        sweep = try reporting("sweep") { try SweepRun(model: model, inputs: inputs, ratios: ratios, parameters: settings.parameters) }
    }

    public var inputName: String { settings.input.model }
    public var unitCount: Int { sweep.inputs.count }

    /// The records one unsharded `vaedyn sweep` prints: start, every point in order, summary.
    public func merged(_ results: [[PointRecord]], timings: [NoTiming]?) throws -> MergedOutput {
        var data = Data()
        let writer = RecordWriter(format: settings.format) { data += $0 }
        let points = results.flatMap { $0 }
        writer.write(.start(sweep.startRecord))
        points.forEach { writer.write(.point($0)) }
        writer.write(.summary(sweep.summary(of: points)))
        return .standardOutput(data, summary: "\(results.count) inputs (\(points.count) points)")
    }
}
