import Dynamics
import Foundation
import VAE

/// The posterior spread of the clean inputs: sqrt of the summed variance exp(logvar),
/// the floor under distances measured on sampled z, and the part of it in the units that
/// are inactive (encoder mean nearly constant across the inputs).
public struct PosteriorSpread {
    public let meanFloor: Float
    public let inactiveShare: Float
    public let activeUnits: Int

    public init(model: DynamicsModel, inputs: [DynamicsInput]) {
        let a = model.architecture, z = a.latentSize
        let ws = Workspace(a, capacity: inputs.count)
        let x = FloatBuffer(inputs.flatMap { $0.pixels.map { Float($0) / 255 } })
        model.network.encode(x.view, rows: inputs.count, workspace: ws)
        let e = ws.encoderOutput.view
        var means = [Float](), variance = [Float](repeating: 0, count: z), floor: Float = 0
        for r in 0..<inputs.count {
            var sum: Float = 0
            for j in 0..<z {
                let v = Foundation.exp(e[r * 2 * z + z + j])
                variance[j] += v
                sum += v
            }
            floor += sum.squareRoot()
            means += (0..<z).map { e[r * 2 * z + $0] }
        }
        let active = Evaluator.activeUnits(means: means, latent: z)
        var spread = [Float](repeating: 0, count: z)
        for j in 0..<z {
            var s: Float = 0, s2: Float = 0
            for r in 0..<inputs.count { s += means[r * z + j]; s2 += means[r * z + j] * means[r * z + j] }
            let n = Float(inputs.count)
            spread[j] = s2 / n - (s / n) * (s / n)
        }
        let inactive = (0..<z).filter { spread[$0] <= 0.01 }
        let total = variance.reduce(0, +)
        meanFloor = floor / Float(inputs.count)
        inactiveShare = total > 0 ? inactive.reduce(0) { $0 + variance[$1] } / total : 0
        activeUnits = active
    }
}
