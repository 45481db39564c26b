import VAE
import XCTest

/// The separation of the concepts, on points whose distances are known by construction.
final class ConceptGeometryTests: XCTestCase {
    func testDistancesBetweenAndWithinClassesAreTheGeometricOnes() {
        // Three concepts on a 3-4-5 triangle; class 0's images at distance 1 and 3 from it,
        // class 1's at distance 2, class 2 has none (it still counts among the pairs).
        let concepts: [[Float]] = [[0, 0], [3, 0], [0, 4]]
        let means: [Float] = [1, 0, 0, -3, 3, 2, 9, 9]
        let g = ConceptGeometry(concepts: concepts, means: means, labels: [0, 0, 1, 7])
        XCTAssertEqual(g.betweenConcepts, (3 + 4 + 5) / 3, accuracy: 1e-9)
        XCTAssertEqual(g.withinClass, (2 + 2) / 2, accuracy: 1e-9, "the mean of the class means (2 and 2), the unknown label ignored")
        XCTAssertEqual(g.separation, 2, accuracy: 1e-9)
    }
}
