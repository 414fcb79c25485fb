// swift-tools-version: 6.2
import PackageDescription

// CI (and anyone who sets CI=true) builds the project's own targets with warnings as errors;
// dependencies are left alone, since their warnings are not ours to fix.
let strict = Context.environment["CI"] == "true"

let swiftSettings: [SwiftSetting] =
    [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
    ] + (strict ? [.treatAllWarnings(as: .error)] : [])

let package = Package(
    name: "WelcomeBot",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "welcomebot", targets: ["welcomebot"]),
        .library(name: "WelcomeCore", targets: ["WelcomeCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", exact: "5.0.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // The pure heart: intent catalog, normalisation, matching, replies. No networking, no database.
        .target(
            name: "WelcomeCore",
            dependencies: [.product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        // One folder per messenger: verify, decode, render, and the API's conventions. No I/O.
        .target(
            name: "Messengers",
            dependencies: ["WelcomeCore", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // The durable pipeline: inbound claims, conversation state, the outbox; on SQLite (one
        // instance) or PostgreSQL (several).
        .target(
            name: "Persistence",
            dependencies: [
                "WelcomeCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // libcurl, for every outbound call (apt: libcurl4-openssl-dev).
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // A small async HTTP client over libcurl's multi interface, on a thread of its own.
        .target(
            name: "OutboundHTTP",
            dependencies: ["CCurl"],
            swiftSettings: swiftSettings
        ),
        // The HTTP server: routes, background services, the web chat. Wires everything together.
        .target(
            name: "WelcomeServer",
            dependencies: [
                "WelcomeCore",
                "Messengers",
                "Persistence",
                "OutboundHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Resources/chat.html")],
            swiftSettings: swiftSettings
        ),
        // The command line, as a library so that tests run commands in-process.
        .target(
            name: "WelcomeCommands",
            dependencies: [
                "WelcomeCore",
                "WelcomeServer",
                "Persistence",
                "Messengers",
                "OutboundHTTP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "welcomebot",
            dependencies: [
                "WelcomeCommands",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WelcomeCoreTests",
            dependencies: ["WelcomeCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MessengersTests",
            dependencies: ["Messengers", "WelcomeCore"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PersistenceTests",
            dependencies: ["Persistence", "WelcomeCore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OutboundHTTPTests",
            dependencies: [
                "OutboundHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WelcomeServerTests",
            dependencies: [
                "WelcomeServer",
                "OutboundHTTP",
                "WelcomeCore",
                "Persistence",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WelcomeCommandsTests",
            dependencies: [
                "WelcomeCommands",
                "WelcomeCore",
                "WelcomeServer",
                "Persistence",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)

// Fuzzers (libFuzzer), only when asked for: `scripts/fuzz` builds them with
// WELCOMEBOT_FUZZ=1 and -sanitize=fuzzer,address. They have no main of their own (libFuzzer's
// driver runs them), so an ordinary build leaves them out.
// The targets' table itself is always built: the tests run the inputs in Fuzz/regressions through it.
package.targets += [
    .target(
        name: "FuzzTargets", dependencies: ["WelcomeCore", "Messengers"], path: "Fuzz/FuzzTargets",
        swiftSettings: swiftSettings),
    .testTarget(name: "FuzzTests", dependencies: ["FuzzTargets"], swiftSettings: swiftSettings),
]
if Context.environment["WELCOMEBOT_FUZZ"] == "1" {
    package.targets.append(.target(name: "FuzzDriver", dependencies: ["FuzzTargets"], path: "Fuzz/FuzzDriver"))
    for name in [
        "telegram-decoder", "whatsapp-decoder", "messenger-decoder", "viber-decoder", "twilio-decoder", "telegram-secret",
        "meta-signature", "viber-signature", "twilio-signature", "intent-loader", "matcher",
    ] {
        package.targets.append(
            .executableTarget(name: "fuzz-\(name)", dependencies: ["FuzzDriver"], path: "Fuzz/fuzz-\(name)"))
    }
}
