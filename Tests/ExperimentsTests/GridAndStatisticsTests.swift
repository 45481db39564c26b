import Experiments
import XCTest

/// The study's grid and the population statistics its reports are built from, on hand-made
/// inputs whose answers can be counted by eye.
final class GridAndStatisticsTests: XCTestCase {
    func testTheGridRunsEveryLatentSizeOnceThenTheExtraSeeds() throws {
        let grid = StudyGrid(latent: [5, 20, 50], extraSeeds: [2, 3], extraLatent: [20, 7], checkpoints: [1, 10])
        XCTAssertEqual(grid.runs.map(\.description), ["Z = 5, seed 1", "Z = 20, seed 1", "Z = 50, seed 1",
                                                      "Z = 20, seed 2", "Z = 20, seed 3", "Z = 7, seed 2", "Z = 7, seed 3"])
        XCTAssertEqual(Set(grid.runs.map(\.folder)).count, grid.runs.count, "two runs would share a work folder")
        XCTAssertEqual(try StudyGrid.list("5, 10,20", "--latent") as [Int], [5, 10, 20])
        for bad in ["", "5,,10", "0", "-3", "a"] {
            XCTAssertThrowsError(try StudyGrid.list(bad, "--latent") as [Int], bad) { XCTAssert("\($0)".contains("--latent"), "\($0)") }
        }
    }

    func testStageCountsAndOrdersOverAPopulation() {
        // Four inputs at three ratios on a tree item -> class -> all (stages 1, 2, 3).
        let stages: [[Int?]] = [[1, 2, 3], [1, 1, 3], [2, 1, 3], [nil, 2, 2]]
        let sweep = PopulationSweep(ratios: [0.1, 0.5, 0.9], levels: ["item", "class", "all"], stages: stages)
        XCTAssertEqual(sweep.stageCounts, [[2, 1, 0], [2, 2, 0], [0, 1, 3]])
        XCTAssertEqual(sweep.rootStage, 3)
        XCTAssertEqual(sweep.everStageTwo, 3)
        XCTAssertEqual(sweep.monotone, 3, "all but the input that goes from II back to I")
        XCTAssertEqual(sweep.count(stage: 3, at: 2), 3)
    }
}
