import Experiments
import ArgumentParser
import Dynamics
import Foundation
import VAE

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure training and chain speed on random MNIST-shaped binary data (as the peers in shared/peers do).",
        discussion: "Figures are medians of --repetitions runs. With --peers, the PyTorch, JAX and numpy peers run in the same session and ratios are printed. --quick checks in seconds that everything runs; its figures are not comparable with a full run's.")

    @Option(help: "Training steps (batches of 100) per repetition.") var steps = 300
    @Option(help: "Repetitions; the median is reported.") var repetitions = 3
    @Option(help: "Folder of the peer scripts; when given, they run after ours and ratios are printed.") var peers: String?
    @Option(help: "Python with torch, jax and numpy for the peers (scripts/bench-peers makes one).") var python = ".build-peers/venv/bin/python"
    @Flag(help: "A run of seconds (make test runs it): at most 10 training steps, one repetition, chain runs of 10 steps (one chain: 300).")
    var quick = false

    /// What a run measures: the options, or the small sizes of --quick.
    var trainingSteps: Int { quick ? min(steps, 10) : steps }
    var runs: Int { quick ? 1 : repetitions }
    var chainSteps: Int { quick ? 10 : 100 }
    var oneChainSteps: Int { quick ? 300 : 3000 }

    func validate() throws {
        guard steps > 0, repetitions > 0 else { throw ValidationError("--steps and --repetitions must be positive") }
    }

    enum Part: String, ExpressibleByArgument, CaseIterable { case training, chains }

    @Option(help: "Measure only this part (training or chains).") var only: Part?
    @Option(help: "Trained model whose weights the chains run (its binary samples are sparse, as in use).")
    var model = "models/mnist-default.vaem"

    func run() throws {
        let a = Architecture.paper
        print("vaedyn (\(a), \(Parallel.threads) threads)")
        var train = Double.nan, chain500 = Double.nan, chain1 = Double.nan
        if only != .chains {
            train = median((0..<runs).map { _ in SpeedMeasurements.trainingRate(a, steps: trainingSteps) })
            print(String(format: "  training:        %8.0f images/s at batch 100   %6.1f GFLOP/s dense-equivalent", train, train * a.flopsPerTrainingImage / 1e9))
        }
        if only != .training {
            let products = ProductComparison.measure(a, rounds: quick ? 2 : 20)
            print(String(format: "  products:        fixed order %.3f ms, OpenBLAS sgemm %.3f ms for a chain step's three products of 250 rows: %.2fx OpenBLAS's speed",
                         products.fixedOrder * 1e3, products.openBLAS * 1e3, products.ratio))
            let trained = try reporting(model) { try DynamicsModel(bundle: ModelBundle(contentsOf: URL(fileURLWithPath: model))) }
            print("  chains run the weights of \(model); inputs are its stored exemplars")
            chain500 = median((0..<runs).map { _ in SpeedMeasurements.chainRate(trained, chains: 500, steps: chainSteps) })
            print(String(format: "  chains x500:     %8.0f chain-steps/s          %6.1f GFLOP/s dense-equivalent", chain500, chain500 * a.flopsPerChainStep / 1e9))
            chain1 = median((0..<runs).map { _ in SpeedMeasurements.chainRate(trained, chains: 1, steps: oneChainSteps) })
            print(String(format: "  one chain:       %8.0f chain-steps/s", chain1))
            // The engine's path for one trial, as the page runs it: its products go through
            // the same code as a batch's, so that the trial has the bits it has among others.
            let gibbs = GibbsKernel(sampleImage: true, sampleLatent: true)
            let engine1 = try median((0..<runs).map { _ in try SpeedMeasurements.kernelChainRate(trained, kernel: gibbs, chains: 1, steps: oneChainSteps) })
            print(String(format: "  one trial:       %8.0f chain-steps/s (engine path; %.2fx the bare chain)", engine1, engine1 / chain1))
            let endToEnd = try median((0..<runs).map { _ in try SpeedMeasurements.endToEndDynamicsSeconds(trained, steps: chainSteps) })
            print(String(format: "  dynamics run:    %8.3f s for 500 trials x %d steps, end to end (records encoded)", endToEnd, chainSteps))
            let mask = try ImputationMask(.named("top-half"), pixels: a.inputSize)
            let kernels: [ChainKernel] = [GibbsKernel(sampleImage: true, sampleLatent: true), ClampedKernel(mask: mask, sampleImage: true, sampleLatent: true),
                                          MetropolisWithinGibbsKernel(mask: mask)]
            let rates = try kernels.map { k in try median((0..<runs).map { _ in try SpeedMeasurements.kernelChainRate(trained, kernel: k, steps: chainSteps) }) }
            print(String(format: "  kernels x500 (engine path, top half hidden): gibbs %.0f, clamped %.0f (%.2fx), mwg %.0f (%.2fx) chain-steps/s",
                         rates[0], rates[1], rates[1] / rates[0], rates[2], rates[2] / rates[0]))
        }
        guard let peers else { return }
        for (name, script, env) in [("PyTorch", "vae_torch.py", [:]), ("JAX", "vae_jax.py", [:]), ("numpy", "vae_numpy.py", [:]),
                                    ("PyTorch 1 chain", "vae_torch.py", ["PEER_CHAINS": "1"]), ("JAX 1 chain", "vae_jax.py", ["PEER_CHAINS": "1"])] {
            guard let result = runPeer(folder: peers, script: script, env: env) else {
                print("  \(name): did not run (see above)")
                continue
            }
            let peerTrain = result["train_img_per_s_median"] ?? .nan, peerChain = result["chain_steps_per_s_median"] ?? .nan
            if env.isEmpty {
                print(String(format: "%@: training %.0f images/s (ours %.2fx), chains x500 %.0f steps/s (ours %.2fx)", name, peerTrain,
                             train / peerTrain, peerChain, chain500 / peerChain))
            } else {
                print(String(format: "%@: %.0f chain-steps/s (ours %.2fx)", name, peerChain, chain1 / peerChain))
            }
        }
    }

    func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }

    func runPeer(folder: String, script: String, env: [String: String]) -> [String: Double]? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [URL(fileURLWithPath: folder).appendingPathComponent(script).path, "\(Parallel.threads)", "\(trainingSteps)", "\(runs)"]
        process.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        do { try process.run() } catch {
            print("cannot start \(python): \(error) (make a venv with scripts/bench-peers)")
            return nil
        }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let line = String(decoding: output, as: UTF8.self).split(separator: "\n").last(where: { $0.hasPrefix("{") }),
              let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            print("\(script) failed (exit \(process.terminationStatus))")
            return nil
        }
        return object.compactMapValues { ($0 as? NSNumber)?.doubleValue }
    }
}
