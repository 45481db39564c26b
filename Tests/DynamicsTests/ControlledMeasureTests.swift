import Dynamics
import VAE
import XCTest

/// The controlled measures on synthetic latent trajectories whose answers are known: a
/// pure shrink toward the origin (every raw distance falls, nothing beyond the controls),
/// a pull toward one concept (an approach beyond its control), and two references too
/// close to call (an undecided stage).
final class ControlledMeasureTests: XCTestCase {
    static let trials = 400, steps = 10

    /// The synthetic model (ten random class concepts of norm about 2.8 in Z = 8, "all" their
    /// mean near the origin, like a trained model's), the input's own pattern a point near
    /// class 0's concept, and the active units `units`.
    static func references(selfOffset: Float, units: [Int]? = nil) throws -> (DynamicsModel, ReferenceSet) {
        var bundle = try TestModels.synthetic().bundle
        if let units {
            bundle.description.metrics = ModelMetrics(testImages: 2, evaluationSeed: 1, negativeELBO: 1, importanceSamples: 0, negativeLogLikelihood: 1,
                                                      activeUnits: units.count, activeUnitIndices: units, fixtureNegativeELBO: 1)
        }
        let model = try DynamicsModel(bundle: bundle)
        let z = model.architecture.latentSize
        var own = model.bundle.conceptVectors[0]
        own[z - 1] += selfOffset
        let infos = model.concepts.map { ReferenceInfo(id: $0.id, label: $0.label, level: $0.level, parent: $0.parent) }
            + [ReferenceInfo(id: ReferenceSet.selfID, label: "input", level: ReferenceSet.itemLevel, parent: "class-0")]
        return (model, ReferenceSet(infos: infos, vectors: model.bundle.conceptVectors.flatMap { $0 } + own, latentSize: z,
                                    classReferences: model.classConcepts))
    }

    struct Run {
        var readings: [ControlledDistances.Reading] = []
        /// Per step, the mean over trials of each reference's distance.
        var distance: [[Float]] = []
        var minimum: [Float] = []
        var resampled: [[Float]] = []
    }

    /// Measures states(t) (trials x Z) for t = 0...steps as a run does: the distance table,
    /// the controls, the trial means and their minima, the bootstrap resamples.
    static func run(_ model: DynamicsModel, _ references: ReferenceSet, contrast: Bool = false, states: (Int) -> [Float]) -> Run {
        let table = DistanceTable(references: references, metric: .euclidean, trials: trials)
        let controlled = ControlledDistances(references: references, controls: ControlSet(references: references, units: model.controlUnits),
                                             metric: .euclidean, trials: trials)
        let resampled = ResampledMinima(trials: trials, groups: 1, references: references.count, seed: 3)
        var run = Run()
        for t in 0...steps {
            let buffer = FloatBuffer(states(t))
            table.measure(buffer.view, stride: references.latentSize)
            controlled.measure(t: t, table: table, states: buffer.view, stride: references.latentSize)
            resampled.observe(table)
            run.readings.append(controlled.reading(table: table, rows: 0..<trials, contrast: contrast))
            run.distance.append(table.trialStatistics(rows: 0..<trials).mean)
        }
        run.minimum = (0..<references.count).map { r in run.distance.map { $0[r] }.min()! }
        run.resampled = resampled.minima(group: 0)
        return run
    }

    /// Trials' starting points: Gaussian, of about the concepts' norm.
    static func starts(_ z: Int, seed: UInt64) -> [Float] {
        var rng = RandomStream(seed: seed)
        return (0..<trials * z).map { _ in rng.gaussianPair().0 }
    }

    func testAPureShrinkTowardTheOriginApproachesEveryConceptButNoneBeyondItsControl() throws {
        let (model, references) = try Self.references(selfOffset: 0.5)
        let z = references.latentSize, x0 = Self.starts(z, seed: 11)
        let run = Self.run(model, references) { t in x0.map { $0 * (1 - 0.08 * Float(t)) } }
        let last = run.readings[Self.steps]
        XCTAssertLessThan(last.norm.mean, run.readings[0].norm.mean * 0.3)
        for r in 0..<references.count {
            // Every raw distance falls: the artefact a raw "approach" would report.
            XCTAssertLessThan(run.distance[Self.steps][r], run.distance[0][r], references.infos[r].id)
            XCTAssertFalse(last.approach[r].isPositive, "\(references.infos[r].id): \(last.approach[r]) beyond its control from a shrink alone")
        }
        // Stage III by the norm alone: "all", nearest the origin, wins, with nothing beyond its control.
        let ladder = try XCTUnwrap(StageLadder(model: model, references: references, label: 0))
        let call = ladder.call(run.minimum, resampled: run.resampled, trials: Self.trials)
        XCTAssertEqual(references.infos[call.reference].id, "all")
        XCTAssertTrue(call.decided, "support \(String(describing: call.support))")
        XCTAssertFalse(last.approach[call.reference].isPositive)
    }

    func testAPullTowardOneConceptIsAnApproachBeyondItsControl() throws {
        let (model, references) = try Self.references(selfOffset: 0.5)
        let z = references.latentSize, x0 = Self.starts(z, seed: 12)
        let target = try XCTUnwrap(references.index(of: "class-3"))
        let concept = Array(references.vectors[target * z..<(target + 1) * z])
        let run = Self.run(model, references, contrast: true) { t in
            let pull = 0.6 * Float(min(t, 5)) / 5
            return x0.enumerated().map { i, v in v + pull * (concept[i % z] - v) }
        }
        let last = run.readings[Self.steps]
        XCTAssertTrue(last.approach[target].isPositive, "\(last.approach[target])")
        let gain = try XCTUnwrap(last.contrastChange?[target])
        XCTAssertTrue(gain.isPositive, "contrast change \(gain)")
        XCTAssertEqual(run.readings[0].approach[target].mean, 0, "no approach at t = 0")
        // The item and the root have no peers at their level: no contrast.
        XCTAssertNil(last.contrast?[try XCTUnwrap(references.index(of: ReferenceSet.selfID))] ?? nil)
        XCTAssertNil(last.contrast?[try XCTUnwrap(references.index(of: "all"))] ?? nil)
    }

    func testTwoRungsTooCloseToCallAreUndecidedAndSeparateOnesAreDecided() throws {
        // The input's pattern a hair from its class concept: which is nearer is noise.
        let (model, close) = try Self.references(selfOffset: 0.002)
        let z = close.latentSize, x0 = Self.starts(z, seed: 13)
        let own = Array(close.vectors[close.index(of: ReferenceSet.selfID)! * z..<close.count * z])
        let around = { (t: Int) in x0.enumerated().map { i, v in own[i % z] + 0.8 * v } }
        let ladder = try XCTUnwrap(StageLadder(model: model, references: close, label: 0))
        let tied = Self.run(model, close, states: around)
        let call = ladder.call(tied.minimum, resampled: tied.resampled, trials: Self.trials)
        XCTAssertFalse(call.decided, "support \(String(describing: call.support)) for \(close.infos[call.reference].id)")
        XCTAssertLessThan(try XCTUnwrap(call.support), StageCall.confidence)
        // One unit away, the chains around the pattern are nearest to it in every resample.
        let (_, apart) = try Self.references(selfOffset: 1)
        let ownApart = Array(apart.vectors[apart.index(of: ReferenceSet.selfID)! * z..<apart.count * z])
        let separate = Self.run(model, apart) { _ in x0.enumerated().map { i, v in ownApart[i % z] + 0.3 * v } }
        let apartLadder = try XCTUnwrap(StageLadder(model: model, references: apart, label: 0))
        let decided = apartLadder.call(separate.minimum, resampled: separate.resampled, trials: Self.trials)
        XCTAssertEqual(decided.stage, 1)
        XCTAssertTrue(decided.decided)
        XCTAssertEqual(decided.support, 1)
        // One trial measures no uncertainty: never decided.
        XCTAssertFalse(apartLadder.call(separate.minimum, resampled: separate.resampled, trials: 1).decided)
    }

    func testControlPointsHaveTheirReferencesNormsAndLieInTheActiveUnits() throws {
        let units = [0, 2, 5]
        let (model, references) = try Self.references(selfOffset: 0.5, units: units)
        XCTAssertEqual(model.controlUnits, units)
        let controls = ControlSet(references: references, units: model.controlUnits)
        let z = references.latentSize
        for r in 0..<references.count {
            let reference = references.vectors[r * z..<(r + 1) * z], control = controls.points.vectors[r * z..<(r + 1) * z]
            let norm = { (v: ArraySlice<Float>) in v.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot() }
            XCTAssertEqual(norm(control), norm(reference), accuracy: 1e-5 * norm(reference))
            XCTAssertEqual(Double(controls.infos[r].norm), norm(reference), accuracy: 1e-5 * norm(reference))
            XCTAssertEqual(controls.infos[r].of, references.infos[r].id)
            for j in 0..<z where !units.contains(j) { XCTAssertEqual(control[control.startIndex + j], 0) }
            XCTAssertTrue(units.allSatisfy { control[control.startIndex + $0] != 0 })
        }
        // Fixed per reference: the same in another run; different from reference to reference.
        XCTAssertEqual(ControlSet(references: references, units: units).points.vectors, controls.points.vectors)
        XCTAssertNotEqual(ControlSet.direction(of: "class-1", units: units, latentSize: z), ControlSet.direction(of: "class-2", units: units, latentSize: z))
        // A model file without active units: every unit.
        XCTAssertEqual(try TestModels.synthetic().controlUnits, Array(0..<z))
    }
}
