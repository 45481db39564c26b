import Foundation

/// The encoder's Gaussian posterior q(z|x) = N(mu, diag(exp(logvar))), sampled by the
/// reparameterisation z = mu + exp(logvar / 2) * eps, and its KL divergence from N(0, I).
///
/// The encoder output rows are [mu | logvar], 2Z floats each.
public enum GaussianLatent {
    /// z = mu + exp(logvar / 2) * eps; returns nothing, writes z (rows x Z).
    public static func sample(
        encoderOutput ev: FloatView, noise epsv: FloatView,
        rows: Int, latent: Int, into zv: FloatView
    ) {
        let e = ev.reading(rows * 2 * latent), eps = epsv.reading(rows * latent), z = zv.pointer(rows * latent)
        for r in 0..<rows {
            let mu = e + r * 2 * latent, logvar = mu + latent
            let n = eps + r * latent, out = z + r * latent
            VectorMath.map(logvar, out, count: latent) { VectorMath.exp($0 * 0.5) }
            for j in 0..<latent { out[j] = mu[j] + out[j] * n[j] }
        }
    }

    /// Copies the means (used when chains take z = mu instead of a sample).
    public static func means(encoderOutput ev: FloatView, rows: Int, latent: Int, into zv: FloatView) {
        let e = ev.reading(rows * 2 * latent), z = zv.pointer(rows * latent)
        for r in 0..<rows { (z + r * latent).update(from: e + r * 2 * latent, count: latent) }
    }

    /// log N(z; 0, I) of one code.
    public static func logPrior(_ z: UnsafePointer<Float>, latent: Int) -> Float {
        var sum: Float = 0
        for j in 0..<latent { sum += z[j] * z[j] }
        return -0.5 * (sum + Float(latent) * logTwoPi)
    }

    /// log q(z | x) of one code z under one encoder output row [mu | logvar].
    public static func logPosterior(_ z: UnsafePointer<Float>, encoderOutput e: UnsafePointer<Float>, latent: Int) -> Float {
        var sum: Float = 0
        for j in 0..<latent {
            let d = z[j] - e[j], logvar = e[latent + j]
            sum += d * d * Foundation.exp(-logvar) + logvar
        }
        return -0.5 * (sum + Float(latent) * logTwoPi)
    }

    static let logTwoPi = Float(1.8378770664093453)

    /// KL(q || N(0, I)) = 1/2 sum (mu^2 + exp(logvar) - 1 - logvar), one value a row.
    public static func klDivergence(encoderOutput ev: FloatView, rows: Int, latent: Int, into klv: FloatView) {
        let e = ev.reading(rows * 2 * latent), kl = klv.pointer(rows)
        var variance = [Float](repeating: 0, count: latent)
        for r in 0..<rows {
            let mu = e + r * 2 * latent, logvar = mu + latent
            variance.withUnsafeMutableBufferPointer { v in VectorMath.map(logvar, v.baseAddress!, count: latent) { VectorMath.exp($0) } }
            var sum: Float = 0
            for j in 0..<latent { sum += mu[j] * mu[j] + variance[j] - 1 - logvar[j] }
            kl[r] = 0.5 * sum
        }
    }

    /// Gradient with respect to [mu | logvar] of (loss through z) + klWeight * KL, given
    /// dz, the noise used and the encoder output.
    public static func backward(
        latentGradient dzv: FloatView, encoderOutput ev: FloatView, noise epsv: FloatView,
        rows: Int, latent: Int, klWeight: Float, into dev: FloatView
    ) {
        let dz = dzv.reading(rows * latent), e = ev.reading(rows * 2 * latent), eps = epsv.reading(rows * latent)
        let de = dev.pointer(rows * 2 * latent)
        var std = [Float](repeating: 0, count: latent)
        for r in 0..<rows {
            let mu = e + r * 2 * latent, logvar = mu + latent
            let g = dz + r * latent, n = eps + r * latent
            let dmu = de + r * 2 * latent, dlogvar = dmu + latent
            std.withUnsafeMutableBufferPointer { s in
                VectorMath.map(logvar, s.baseAddress!, count: latent) { VectorMath.exp($0 * 0.5) }
            }
            for j in 0..<latent {
                dmu[j] = g[j] + klWeight * mu[j]
                dlogvar[j] = 0.5 * g[j] * n[j] * std[j] + klWeight * 0.5 * (std[j] * std[j] - 1)
            }
        }
    }
}
