import Foundation
import Testing
@testable import Upstream

@Suite("TokenCalibration")
struct TokenCalibrationTests {
    @Test func noSamplesLeavesTheEstimateAlone() {
        let calibration = TokenCalibration()
        #expect(calibration.ratio(model: "m") == nil)
        #expect(calibration.scaled(1234, model: "m") == 1234)
    }

    @Test func ratioIsUpstreamOverEstimateWeightedBySize() {
        var calibration = TokenCalibration()
        calibration.record(model: "m", estimate: 1000, upstream: 1200)
        #expect(calibration.ratio(model: "m") == 1.2)
        #expect(calibration.scaled(500, model: "m") == 600)
        calibration.record(model: "m", estimate: 100, upstream: 200)
        // (1200 + 200) / (1000 + 100): the long request weighs more.
        #expect(calibration.ratio(model: "m") == 1400.0 / 1100.0)
        #expect(calibration.ratio(model: "other") == nil)
    }

    @Test func onlyTheLastWindowCounts() {
        var calibration = TokenCalibration()
        for _ in 0..<20 { calibration.record(model: "m", estimate: 100, upstream: 300) }
        for _ in 0..<TokenCalibration.window { calibration.record(model: "m", estimate: 100, upstream: 110) }
        #expect(calibration.samples["m"]?.count == TokenCalibration.window)
        #expect(abs((calibration.ratio(model: "m") ?? 0) - 1.1) < 1e-9)
    }

    @Test func implausibleSamplesAreIgnored() {
        var calibration = TokenCalibration()
        let rejected = [(1000, 0), (0, 10), (1000, 10), (10, 1000)].map { estimate, upstream in
            calibration.record(model: "m", estimate: estimate, upstream: upstream)  // 1000 -> 10: a cache hit, say
        }
        #expect(rejected == [false, false, false, false])
        let unnamed = calibration.record(model: "", estimate: 10, upstream: 10)
        #expect(!unnamed)
        #expect(calibration.ratio(model: "m") == nil)
        let kept = calibration.record(model: "m", estimate: 1000, upstream: 3900)
        #expect(kept)
    }

    @Test func theLeastRecentlySeenModelGoesFirst() {
        var calibration = TokenCalibration()
        for i in 0..<TokenCalibration.maxModels { calibration.record(model: "m\(i)", estimate: 10, upstream: 12) }
        calibration.record(model: "m0", estimate: 10, upstream: 12)  // m0 seen again: m1 is now the oldest
        calibration.record(model: "new", estimate: 10, upstream: 15)
        #expect(calibration.samples.count == TokenCalibration.maxModels)
        #expect(calibration.ratio(model: "m1") == nil)
        #expect(calibration.ratio(model: "m0") == 1.2)
        #expect(calibration.ratio(model: "new") == 1.5)
    }

    @Test func convergesWithinFivePercentAfterFiveRequests() {
        // A tokenizer that counts 1.37 times the estimate, with +-4% noise per request.
        var calibration = TokenCalibration()
        let noise = [1.04, 0.97, 1.02, 0.96, 1.01]
        let sizes = [800, 2400, 1200, 5000, 300]
        for (size, n) in zip(sizes, noise) {
            calibration.record(model: "m", estimate: size, upstream: Int(Double(size) * 1.37 * n))
        }
        let predicted = Double(calibration.scaled(3000, model: "m"))
        #expect(abs(predicted / (3000 * 1.37) - 1) < 0.05)
    }
}

@Suite("TokenCalibrationStore")
struct TokenCalibrationStoreTests {
    func temporaryFile() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("calibration-\(UUID().uuidString)/token-calibration.json").path
    }

    @Test func survivesARestartForTheSameUpstreamOnly() throws {
        let file = temporaryFile()
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: file).deletingLastPathComponent().path) }
        let store = TokenCalibrationStore(file: file, baseURL: "https://a/v1")
        store.record(model: "m", estimate: 1000, upstream: 1300)
        #expect(FileManager.default.fileExists(atPath: file))
        #expect(TokenCalibrationStore(file: file, baseURL: "https://a/v1").scaled(100, model: "m") == 130)
        #expect(TokenCalibrationStore(file: file, baseURL: "https://b/v1").scaled(100, model: "m") == 100)
    }

    @Test func aDamagedFileStartsAfresh() throws {
        let file = temporaryFile()
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("{not json".utf8).write(to: URL(fileURLWithPath: file))
        let store = TokenCalibrationStore(file: file, baseURL: "u")
        #expect(store.scaled(100, model: "m") == 100)
        store.record(model: "m", estimate: 100, upstream: 90)
        #expect(TokenCalibrationStore(file: file, baseURL: "u").scaled(100, model: "m") == 90)
    }

    @Test func handEditedNonsenseIsDropped() throws {
        let file = temporaryFile()
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let json = #"{"base_url":"u","calibration":{"samples":{"m":[{"estimate":0,"upstream":5},{"estimate":100,"upstream":120}],"x":[{"estimate":-1,"upstream":-1}]},"recent":["ghost"]}}"#
        try Data(json.utf8).write(to: URL(fileURLWithPath: file))
        let calibration = TokenCalibrationStore(file: file, baseURL: "u").calibration
        #expect(calibration.ratio(model: "m") == 1.2)
        #expect(calibration.samples["x"] == nil)
        #expect(calibration.recent == ["m"])
    }

    @Test func laterUpdatesWaitAndAreWrittenAtTheEnd() throws {
        let file = temporaryFile()
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: file).deletingLastPathComponent().path) }
        let store = TokenCalibrationStore(file: file, baseURL: "u", saveDelay: .seconds(600))
        store.record(model: "m", estimate: 1000, upstream: 1300)
        #expect(TokenCalibrationStore(file: file, baseURL: "u").scaled(100, model: "m") == 130, "the first update is written at once")
        store.record(model: "m", estimate: 1000, upstream: 1700)
        let before = TokenCalibrationStore(file: file, baseURL: "u").scaled(100, model: "m")
        #expect(before == 130, "a later one waits")
        store.savePending()
        #expect(TokenCalibrationStore(file: file, baseURL: "u").scaled(100, model: "m") > before, "and is written as the process ends")
        // Nothing waits any more: a second call writes nothing.
        try FileManager.default.removeItem(atPath: file)
        store.savePending()
        #expect(!FileManager.default.fileExists(atPath: file))
    }

    @Test func aForeignOrMissingFileIsReadOnceNotPerRequest() throws {
        let file = temporaryFile()
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: file).deletingLastPathComponent().path) }
        TokenCalibrationStore(file: file, baseURL: "https://other/v1").record(model: "m", estimate: 1000, upstream: 1300)
        let store = TokenCalibrationStore(file: file, baseURL: "u")
        #expect(store.scaled(100, model: "m") == 100, "another upstream's file is not used")
        // A file that would now match is not read again: the first read stands for the process.
        TokenCalibrationStore(file: file, baseURL: "u").record(model: "m", estimate: 1000, upstream: 1500)
        #expect(store.scaled(100, model: "m") == 100)
        #expect(TokenCalibrationStore(file: file, baseURL: "u").scaled(100, model: "m") == 150)
    }

    @Test func theFileSitsBesideTheCatalogue() {
        #expect(TokenCalibrationStore.file(besideCatalogue: "/home/u/.cache/nebius-chat/catalogue.json")
            == "/home/u/.cache/nebius-chat/token-calibration.json")
    }
}
