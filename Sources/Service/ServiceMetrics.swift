import CoreMetrics
import Foundation
import Prometheus

/// The service's metrics, through swift-metrics into a Prometheus registry of its own (no
/// global bootstrap, so tests can run several services in one process).
final class ServiceMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let factory: PrometheusMetricsFactory
    let chainsRunning: Meter
    let chainSteps: CoreMetrics.Counter
    let queueLength: Meter
    let refused: CoreMetrics.Counter

    init() {
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

    func render() -> String { registry.emitToString() }
}
