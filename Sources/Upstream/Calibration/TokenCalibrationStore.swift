#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOCore
import NIOPosix
import Synchronization

/// The ``TokenCalibration`` of one upstream, shared by every request of the process and kept
/// in `$XDG_CACHE_HOME/nebius-chat/token-calibration.json` (beside `catalogue.json`), so what
/// was learned survives restarts. The file names the base URL it belongs to: what one upstream
/// taught is never used for another. A missing or unreadable file starts afresh.
///
/// The first update of a process is written at once (`ask` learns from one request); later
/// ones at most once per ``saveDelay``, off the request's path (a busy `serve` would otherwise
/// write and flush the file for every request).
///
/// ```swift
/// let store = TokenCalibrationStore(file: cacheDir + "/token-calibration.json", baseURL: url)
/// store.scaled(estimate, model: model)
/// store.record(model: model, estimate: estimate, upstream: usage.promptTokens)
/// ```
public final class TokenCalibrationStore: Sendable {
    /// `nil`: in memory only.
    public let file: String?
    public let baseURL: String
    /// How long later updates wait to be written together.
    public let saveDelay: TimeAmount
    private let state: Mutex<TokenCalibration?>
    private let writes = Mutex(Writes())

    private struct Writes {
        var savedOnce = false
        var scheduled = false
    }

    public init(file: String?, baseURL: String, saveDelay: TimeAmount = .seconds(10)) {
        self.file = file
        self.baseURL = baseURL
        self.saveDelay = saveDelay
        self.state = Mutex(nil)
    }

    /// `token-calibration.json` in the folder of `catalogueFile`.
    public static func file(besideCatalogue catalogueFile: String) -> String {
        var url = URL(fileURLWithPath: catalogueFile)
        url.deleteLastPathComponent()
        return url.appendingPathComponent("token-calibration.json").path
    }

    /// What is known now (read from disk on first use; a missing or foreign file is not read again).
    public var calibration: TokenCalibration {
        state.withLock { current in
            if let current { return current }
            let loaded = load() ?? TokenCalibration()
            current = loaded
            return loaded
        }
    }

    /// `estimate` scaled by what the upstream taught about `model`.
    public func scaled(_ estimate: Int, model: String) -> Int {
        calibration.scaled(estimate, model: model)
    }

    /// Learns from one request; the file is written now or soon (a failed write only loses the update).
    public func record(model: String, estimate: Int, upstream: Int) {
        let changed = state.withLock { current in
            var calibration = current ?? load() ?? TokenCalibration()
            let changed = calibration.record(model: model, estimate: estimate, upstream: upstream)
            current = calibration
            return changed
        }
        guard changed, file != nil else { return }
        enum Write { case now, later, alreadyPlanned }
        let write = writes.withLock { writes -> Write in
            if !writes.savedOnce {
                writes.savedOnce = true
                return .now
            }
            if writes.scheduled { return .alreadyPlanned }
            writes.scheduled = true
            return .later
        }
        switch write {
        case .now: saveCurrent()
        case .later:
            MultiThreadedEventLoopGroup.singleton.next().scheduleTask(in: saveDelay) { [self] in
                writes.withLock { $0.scheduled = false }
                NIOThreadPool.singleton.submit { _ in self.saveCurrent() }  // file I/O off the event loop
            }
        case .alreadyPlanned: break
        }
    }

    /// Writes an update that is still waiting for its delay; a process calls it as it ends.
    public func savePending() {
        let pending = writes.withLock { writes in
            defer { writes.scheduled = false }
            return writes.scheduled
        }
        if pending { saveCurrent() }
    }

    /// Writes what is known now, if anything was learned.
    public func saveCurrent() {
        // Written under the lock, so that files are written in the order of the updates.
        state.withLock { current in
            if let current { save(current) }
        }
    }

    struct Contents: Codable {
        var baseURL: String
        var calibration: TokenCalibration

        enum CodingKeys: String, CodingKey {
            case calibration
            case baseURL = "base_url"
        }
    }

    private func load() -> TokenCalibration? {
        guard let file, let data = FileManager.default.contents(atPath: file),
              let contents = try? JSONDecoder().decode(Contents.self, from: data),
              contents.baseURL == baseURL
        else { return nil }
        var calibration = contents.calibration
        calibration.sanitize()
        return calibration
    }

    private func save(_ calibration: TokenCalibration) {
        guard let file else { return }
        let url = URL(fileURLWithPath: file)
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(Contents(baseURL: baseURL, calibration: calibration)) else { return }
        try? data.write(to: url, options: .atomic)
    }
}
