// swift-tools-version:6.2
import PackageDescription

// FMA in the SIMD kernels needs an explicit CPU; haswell is the newest one every machine
// this runs on has (znver4 would emit AVX-512 and die elsewhere).
let numericFlags: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"])]

let package = Package(
    name: "vaedyn",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "vaedyn", targets: ["vaedyn"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib"),
        .systemLibrary(name: "CPNG", path: "Sources/CPNG", pkgConfig: "libpng"),
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL", pkgConfig: "openssl"),
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
        .systemLibrary(name: "CThreadName", path: "Sources/CThreadName"),
        .systemLibrary(name: "CSIMDMath", path: "Sources/CSIMDMath"),
        // Not a shim: our own C kernel, the fixed-order matrix product every frozen network
        // runs (AVX2 and FMA intrinsics; see Sources/VAE/Math/FixedOrderProduct.swift).
        .target(name: "CKernels"),
        // PNG and PGM decoding and the MNIST normalisation of any image (used by the CLI and the service).
        .target(name: "Imaging", dependencies: ["CPNG"]),
        .target(name: "VAE", dependencies: ["CBLAS", "CKernels", "CZlib", "CSIMDMath"], swiftSettings: numericFlags),
        .target(name: "Dynamics", dependencies: ["VAE"], swiftSettings: numericFlags),
        // Population runs, reproduction, study, imputation plans, shards and reports: the
        // experiments, between Dynamics and the command line (knows nothing of the terminal).
        .target(name: "Experiments", dependencies: ["VAE", "Dynamics", "Imaging"], swiftSettings: numericFlags),
        .target(name: "HTTP", dependencies: ["CZlib", "COpenSSL", "CThreadName"]),
        // The API: routes and JSON contracts gluing Dynamics to HTTP, configuration, metrics.
        .target(
            name: "Service",
            dependencies: [
                "HTTP", "Dynamics", "VAE", "Imaging", "CMalloc",
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "vaedyn",
            dependencies: [
                "VAE",
                "Dynamics",
                "Experiments",
                "HTTP",
                "Service",
                "CMalloc",
                "Imaging",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: numericFlags
        ),
        .testTarget(name: "ServiceTests", dependencies: ["Service", "HTTP", "Imaging", .product(name: "Configuration", package: "swift-configuration")]),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging", "CPNG"]),
        .testTarget(name: "VAETests", dependencies: ["VAE"], resources: [.copy("Fixtures")], swiftSettings: numericFlags),
        .testTarget(name: "DynamicsTests", dependencies: ["Dynamics", "VAE"], swiftSettings: numericFlags),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments", "Dynamics", "VAE"], swiftSettings: numericFlags),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP", "CZlib"], resources: [.copy("Corpus")]),
        // Fuzz targets under libFuzzer (scripts/fuzz); without -DFUZZING, replay tools.
        .target(name: "FuzzReplay"),
        // The HTTP request parser.
        .executableTarget(name: "HTTPFuzz", dependencies: ["HTTP", "FuzzReplay"]),
        // The JSON bodies of POST /dynamics and /sweep, decoded as the routes do.
        .executableTarget(name: "JSONFuzz", dependencies: ["Service", "HTTP", "Dynamics", "VAE", "FuzzReplay"]),
        // PNG and PGM decoding and the MNIST normalisation.
        .executableTarget(name: "ImageFuzz", dependencies: ["Imaging", "CZlib", "FuzzReplay"]),
        // Model files (.vaem): loading them, and serving what loads.
        .executableTarget(name: "ModelFuzz", dependencies: ["VAE", "Dynamics", "CZlib", "FuzzReplay"]),
        // Our side of scripts/bench-http.
        .executableTarget(name: "http-bench-server", dependencies: ["HTTP"]),
    ]
)
