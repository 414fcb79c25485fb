import Foundation
import FuzzTargets

@_silgen_name("LLVMFuzzerRunDriver")
private func libFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

nonisolated(unsafe) private var selected: (@Sendable (Data) -> Void)?

/// Runs libFuzzer on the target `name`, with the process's arguments (`-max_total_time=…`,
/// corpus folders). Never returns.
public func runFuzzer(_ name: String) -> Never {
    guard let target = FuzzTargets.all[name] else { fatalError("no fuzz target '\(name)'") }
    selected = target
    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    exit(
        libFuzzerRunDriver(&argc, &argv) { bytes, count in
            let data = bytes.map { Data(bytes: $0, count: count) } ?? Data()
            selected?(data)
            return 0
        })
}
