import Dynamics
import Foundation
import VAE

/// The resident memory the service can reach, as a formula of its settings:
/// idle + maxConcurrent x the working set of the largest run the limits admit on any of
/// the served models (the compute slots are shared by all of them).
///
/// A waiting request holds only its decoded parameters (the chains' buffers are made when
/// its computation starts), so the queue adds nothing that scales with its length. The
/// largest run has max(maxTrials, SweepRun.batchRows) rows: a dynamics run has one per
/// trial, a sweep batches several ratios up to `batchRows` chains. What the formula leaves
/// out is small beside it or bounded elsewhere: step records (a few KB each; a
/// `?stream=false` document holds all of a run's, up to maxSteps of them), and the
/// per-connection stream buffer (`server.streamBufferLimit`).
struct MemoryBound: Sendable {
    /// Resident bytes with no computation running: when the service had loaded its models,
    /// then the most seen whenever the last running computation had ended. A first burst
    /// of computations leaves per-thread state behind for good (malloc arenas, OpenBLAS's
    /// per-thread buffers: 4-8 MB here, more the more run at once), which the start cannot
    /// know of and which every later burst runs on top of.
    private(set) var idleBytes: Int
    /// Bytes of the chains' buffers of the largest admissible run.
    let largestRunBytes: Int
    let maxConcurrent: Int

    init(architectures: [Architecture], limits: ComputeLimits, idleBytes: Int) {
        self.idleBytes = idleBytes
        maxConcurrent = limits.maxConcurrent
        let rows = max(limits.maxTrials, SweepRun.batchRows)
        // The costliest kernel's: any request may ask for it.
        largestRunBytes = architectures.map { DynamicsRun.workingSetBytes(architecture: $0, trials: rows, kernel: .mwg) }.max() ?? 0
    }

    var boundBytes: Int { idleBytes + maxConcurrent * largestRunBytes }

    /// True if `bytes`, measured with nothing running, raised the idle figure.
    mutating func observeIdle(_ bytes: Int) -> Bool {
        guard bytes > idleBytes else { return false }
        idleBytes = bytes
        return true
    }

    /// This process's resident set, from /proc (0 where there is none).
    static func residentBytes() -> Int {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = statm.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
