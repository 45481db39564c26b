extension RunParameter {
    /// Every parameter of a run, in the order of docs/records.md.
    public static let all: [RunParameter] = [
        integer("steps", \.steps, in: 1...100_000, limit: .maxSteps, meaning: "T; steps t = 0...T are reported"),
        integer("trials", \.trials, in: 1...100_000, limit: .maxTrials, meaning: "chains of the same input"),
        // Up to 2^53: the integers a JSON number holds exactly in every reader.
        RunParameter("seed", .integer(0...(1 << 53)),
                     meaning: "trial i draws everything (binarisation, noise, z and x samples) from the stream (seed, i)",
                     // Clamped only for a seed validate() refuses, which no run or record holds.
                     read: { .integer(Int(clamping: $0.seed)) },
                     write: { p, value in
                         guard case .integer(let i) = value, let seed = UInt64(exactly: i) else { return false }
                         p.seed = seed
                         return true
                     }),
        RunParameter("noise", .noise,
                     meaning: "how x0 is corrupted. `kind` is `replace` (each pixel with probability `ratio` takes a random value: a random bit for binary images), `flip` (binary pixels inverted with probability `ratio`), `salt-pepper` (set to 0 or 1 with probability `ratio`), `gaussian` (add N(0, ratio^2), clip to [0, 1]); `ratio` in [0, 1]. In a sweep the ratio here is 0 and `noiseRatios` gives the grid",
                     read: { .noise($0.noise) },
                     write: { p, value in
                         guard case .noise(let noise) = value else { return false }
                         p.noise = noise
                         return true
                     }),
        boolean("binarize", \.binarize, meaning: "the input is binarised (each pixel 1 with probability byte/255) before the noise; false feeds grey levels"),
        choice("x", \.image, meaning: "x(t+1): `sample` (Bernoulli draw) or `mean` (pixel probabilities)"),
        choice("z", \.latent, meaning: "z(t+1): `sample` (reparameterised draw) or `mean` (encoder mean)"),
        choice("kernel", \.kernel,
               meaning: "the chain: `gibbs` (the paper's), `clamped` (pseudo-Gibbs imputation: the pixels outside `mask` reset to x0 after every x draw) or `mwg` (exact imputation, Metropolis-within-Gibbs with the encoder as proposal; needs x, z sample and binarize). docs/kernels.md derives it"),
        RunParameter("mask", .mask,
                     meaning: "the pixels an imputation chain hides (they start at 0): `top-half`, `bottom-half`, `left-half`, `right-half`, `random:F` or `random:F:SEED` (a fraction F hidden, drawn from SEED, default 1), `square:X,Y,W,H`, a list of pixel indices, or (in a request) `{\"png\"}` / `{\"pgm\"}`, an image of the model's size whose pixels of at least 128 are hidden, echoed as the list; absent for kernel gibbs",
                     read: { .mask($0.mask) },
                     write: { p, value in
                         guard case .mask(let mask) = value else { return false }
                         p.mask = mask
                         return true
                     }),
        choice("measure", \.measure,
               meaning: "the latent quantity measured: `mean` (encoder mean mu(t), the quantity concepts are defined on) or `sample` (the chain's z(t))"),
        choice("metric", \.metric, meaning: "`euclidean`, or `cosine` (1 - cosine similarity)"),
        choice("aggregate", \.aggregation,
               meaning: "`trials`: mean over trials of each trial's distance, with a standard error; `state`: distance of the trial-averaged state, no standard error"),
        RunParameter("window", .window, meaning: "`{\"from\", \"to\"}`: steps over which minima are taken; absent means 0...T",
                     read: { .window($0.window) },
                     write: { p, value in
                         guard case .window(let window) = value else { return false }
                         p.window = window
                         return true
                     }),
        boolean("meanImage", \.meanImage, experiments: [.dynamics], meaning: "step records carry `meanImage`"),
        boolean("projection", \.projection, experiments: [.dynamics], meaning: "step records carry `projection`"),
        boolean("memory", \.memory, experiments: [.dynamics], needsTrainingSet: true,
                meaning: "step records carry `memoryShares` and `memoryDistance` (the nearest memories are found among the training images)"),
        boolean("contrast", \.contrast, experiments: [.dynamics],
                meaning: "step records carry `contrast` and `contrastChange`: per concept, the mean distance to the other concepts of its level minus the distance to it (needs aggregate trials)"),
    ]

    private static func integer(_ name: String, _ path: WritableKeyPath<DynamicsParameters, Int> & Sendable, in range: ClosedRange<Int>,
                                limit: Limit, meaning: String) -> RunParameter {
        RunParameter(name, .integer(range), limit: limit, meaning: meaning, read: { .integer($0[keyPath: path]) }, write: { p, value in
            guard case .integer(let i) = value else { return false }
            p[keyPath: path] = i
            return true
        })
    }

    private static func boolean(_ name: String, _ path: WritableKeyPath<DynamicsParameters, Bool> & Sendable,
                                experiments: Set<Experiment> = [.dynamics, .sweep], needsTrainingSet: Bool = false, meaning: String) -> RunParameter {
        RunParameter(name, .boolean, experiments: experiments, needsTrainingSet: needsTrainingSet, meaning: meaning,
                     read: { .boolean($0[keyPath: path]) },
                     write: { p, value in
                         guard case .boolean(let b) = value else { return false }
                         p[keyPath: path] = b
                         return true
                     })
    }

    private static func choice<T: RawRepresentable & CaseIterable & Sendable>(
        _ name: String, _ path: WritableKeyPath<DynamicsParameters, T> & Sendable, meaning: String
    ) -> RunParameter where T.RawValue == String {
        RunParameter(name, .choice(T.allCases.map(\.rawValue)), meaning: meaning, read: { .choice($0[keyPath: path].rawValue) }, write: { p, value in
            guard case .choice(let text) = value, let choice = T(rawValue: text) else { return false }
            p[keyPath: path] = choice
            return true
        })
    }
}
