/// How `GET /v1/models` fails, set with ``ScriptedUpstream/setModelsFailure(_:)`` or
/// `POST /_scripted/models_failure`:
///
/// ```
/// {"status":503}                         an HTTP error (any HTTPErrorSpec member: shape, message, ...)
/// {"kind":"close"}                       the connection is reset before any answer
/// {"kind":"stall","seconds":5}           nothing for 5 s (until the client leaves when null), then the list
/// ```
public enum ModelsFailure: Sendable, Hashable, Codable {
    case http(HTTPErrorSpec)
    case close
    case stall(seconds: Double?)

    public var kind: String {
        switch self {
        case .http: "error"
        case .close: "close"
        case .stall: "stall"
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        let kindKey = AnyKey("kind")
        let kind = c.contains(kindKey) ? try c.decode(String.self, forKey: kindKey) : "error"
        switch kind {
        case "error", "http", "status":
            self = .http(try HTTPErrorSpec(from: decoder))
        case "close", "closed", "reset":
            self = .close
        case "stall":
            let key = AnyKey("seconds")
            self = .stall(seconds: c.contains(key) ? try c.decodeIfPresent(Double.self, forKey: key) : nil)
        default:
            throw BehaviorDecodingError(description: "unknown models failure \"\(kind)\" (error, close, stall)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyKey.self)
        try c.encode(kind, forKey: AnyKey("kind"))
        switch self {
        case .http(let spec): try spec.encode(to: encoder)
        case .close: break
        case .stall(let seconds): try c.encode(seconds, forKey: AnyKey("seconds"))
        }
    }
}
