import Foundation
import Testing

/// A payload from `Fixtures/` (copies of `../shared/gateways/fixtures`), as the messenger sent it.
func fixture(_ name: String) throws -> Data {
    let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil))
    return try Data(contentsOf: url)
}
