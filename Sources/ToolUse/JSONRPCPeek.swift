import Foundation

/// What the HTTP transport needs to know of a JSON-RPC message without decoding it fully:
/// whether it is a request (and its id and method), a notification, or a response, and for a
/// response to `initialize` the protocol version the server chose.
struct JSONRPCPeek: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        case request(id: String, method: String)
        case notification(method: String)
        case response(id: String)
        /// A JSON array of messages.
        case batch(requestIDs: [String], responseIDs: [String])
    }

    var kind: Kind
    /// `result.protocolVersion` of a response (only an `initialize` answer has one).
    var protocolVersion: String?
    /// `params.requestId` of a `notifications/cancelled`.
    var cancelledID: String?

    /// `nil` when `data` is not a JSON-RPC message (or batch of them).
    init?(_ data: Data) {
        guard let root = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { return nil }
        if let list = root as? [Any] {
            guard !list.isEmpty else { return nil }
            var requests: [String] = []
            var responses: [String] = []
            for item in list {
                guard let object = item as? [String: Any], let one = Self(object: object) else { return nil }
                switch one.kind {
                case .request(let id, _): requests.append(id)
                case .response(let id): responses.append(id)
                case .notification, .batch: break
                }
            }
            self.init(kind: .batch(requestIDs: requests, responseIDs: responses))
            return
        }
        guard let object = root as? [String: Any] else { return nil }
        self.init(object: object)
    }

    init(kind: Kind, protocolVersion: String? = nil, cancelledID: String? = nil) {
        self.kind = kind
        self.protocolVersion = protocolVersion
        self.cancelledID = cancelledID
    }

    private init?(object: [String: Any]) {
        guard object["jsonrpc"] as? String == "2.0" else { return nil }
        let id = object["id"].flatMap(Self.key)
        if let method = object["method"] as? String {
            let params = object["params"] as? [String: Any]
            if let id {
                self.init(kind: .request(id: id, method: method))
            } else {
                self.init(kind: .notification(method: method), cancelledID: params?["requestId"].flatMap(Self.key))
            }
            return
        }
        guard object["result"] != nil || object["error"] != nil else { return nil }
        let result = object["result"] as? [String: Any]
        // An error answer may carry a null id (the server could not read the request's).
        self.init(kind: .response(id: id ?? "null"), protocolVersion: result?["protocolVersion"] as? String)
    }

    /// The id as a key: numbers and strings never collide (`1` is not `"1"`).
    static func key(_ value: Any) -> String? {
        if let string = value as? String { return "s:" + string }
        if let number = value as? NSNumber {
            return "n:" + number.stringValue
        }
        return nil
    }

    /// The ids of the requests this message holds.
    var requestIDs: [String] {
        switch kind {
        case .request(let id, _): return [id]
        case .batch(let ids, _): return ids
        default: return []
        }
    }

    /// The ids of the answers this message holds.
    var responseIDs: [String] {
        switch kind {
        case .response(let id): return [id]
        case .batch(_, let ids): return ids
        default: return []
        }
    }

    var method: String? {
        switch kind {
        case .request(_, let method), .notification(let method): return method
        default: return nil
        }
    }
}
