import CoreMetrics
import Foundation
import HTTP
import Prometheus

/// The service's metrics, through swift-metrics into a Prometheus registry of its own (no
/// global bootstrap, so tests can run several services in one process).
package final class ServiceMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let factory: PrometheusMetricsFactory
    let chainsRunning: Meter
    let chainSteps: CoreMetrics.Counter
    let queueLength: Meter
    let refused: CoreMetrics.Counter
    private let memory = Locked<MemoryBound?>(nil)

    package init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [.milliseconds(1), .milliseconds(5), .milliseconds(20), .milliseconds(100), .milliseconds(500),
                                                   .seconds(1), .seconds(2), .seconds(5), .seconds(20), .seconds(60)]
        self.factory = factory
        chainsRunning = Meter(label: "vaedyn_chains_running", factory: factory)
        chainSteps = CoreMetrics.Counter(label: "vaedyn_chain_steps_total", factory: factory)
        queueLength = Meter(label: "vaedyn_compute_queue_length", factory: factory)
        refused = CoreMetrics.Counter(label: "vaedyn_compute_refused_total", factory: factory)
    }

    /// Counts a finished request and records its duration, by route pattern and status.
    func record(route: String, status: Int, seconds: Double) {
        let dimensions = [("route", route), ("status", String(status))]
        CoreMetrics.Counter(label: "vaedyn_http_requests_total", dimensions: dimensions, factory: factory).increment()
        CoreMetrics.Timer(label: "vaedyn_http_request_duration_seconds", dimensions: dimensions, factory: factory)
            .recordNanoseconds(Int64(seconds * 1e9))
    }

    /// The memory figures: what each model's loading cost, and the bound `MemoryBound` sets.
    func setMemory(_ bound: MemoryBound, models: [ServedModel]) {
        for served in models {
            Gauge(label: "vaedyn_model_resident_bytes", dimensions: [("model", served.id)], factory: factory).record(served.residentBytes)
        }
        memory.withLock { $0 = bound }
        record(bound)
    }

    /// Resident memory measured with no computation running: raises the idle figure, and
    /// the bound with it, when it is above what was seen so far.
    func observeIdle(_ bytes: Int) {
        guard let raised = memory.withLock({ bound -> MemoryBound? in
            guard var b = bound, b.observeIdle(bytes) else { return nil }
            bound = b
            return b
        }) else { return }
        record(raised)
    }

    private func record(_ bound: MemoryBound) {
        Gauge(label: "vaedyn_memory_idle_bytes", factory: factory).record(bound.idleBytes)
        Gauge(label: "vaedyn_memory_largest_run_bytes", factory: factory).record(bound.largestRunBytes)
        Gauge(label: "vaedyn_memory_bound_bytes", factory: factory).record(bound.boundBytes)
    }

    func render() -> String {
        Gauge(label: "vaedyn_resident_bytes", factory: factory).record(MemoryBound.residentBytes())
        return registry.emitToString()
    }
}
