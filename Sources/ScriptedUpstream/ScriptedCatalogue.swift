#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OpenAIAPI

/// The models `GET /v1/models?verbose=true` lists, in the Nebius verbose shape:
///
/// ```json
/// {"id":"zai-org/GLM-5.2","object":"model","created":1767225600,"owned_by":"zai-org",
///  "context_length":432000,"pricing":{"prompt":"0.0000014","completion":"0.0000044"},
///  "architecture":{"modality":"text->text"},"supported_features":["tools","json_mode","reasoning"],
///  "status":"active"}
/// ```
///
/// A catalogue set through the admin endpoint keeps every member it was given (unknown ones
/// too); `object`, `created`, `owned_by` and `status` are filled in when missing.
public enum ScriptedCatalogue {
    /// Today's Nebius ids (the built-in defaults of `TranslationConfig` among them). Prices are
    /// those published where known; the others have no `pricing` member.
    public static let `default`: [UpstreamModel] = defaultEntries.compactMap(model(from:))

    /// The default catalogue as the JSON objects `/v1/models` lists.
    public static let defaultEntries: [JSONValue] = [
        entry("zai-org/GLM-5.2", context: 432_000, images: false, price: ("0.0000014", "0.0000044"),
              features: ["tools", "json_mode", "reasoning"]),
        entry("moonshotai/Kimi-K2.7-Code", context: 262_144, images: true, price: nil,
              features: ["tools", "json_mode", "vision"]),
        entry("moonshotai/Kimi-K3", context: 1_000_000, images: true, price: nil,
              features: ["tools", "json_mode", "reasoning", "vision"]),
        entry("deepseek-ai/DeepSeek-V4-Pro", context: 1_000_000, images: false, price: ("0.00000175", "0.0000035"),
              features: ["tools", "json_mode", "reasoning"]),
        entry("MiniMaxAI/MiniMax-M3", context: 1_000_000, images: true, price: nil,
              features: ["tools", "reasoning", "vision"]),
        entry("Qwen/Qwen3.5-397B-A17B", context: 262_144, images: false, price: ("0.0000006", "0.0000036"),
              features: ["tools", "json_mode", "reasoning"]),
        entry("openai/gpt-oss-120b", context: 131_072, images: false, price: ("0.00000015", "0.0000006"),
              features: ["tools", "json_mode", "reasoning"]),
        entry("openai/gpt-oss-20b", context: 131_072, images: false, price: ("0.00000005", "0.0000002"),
              features: ["tools", "json_mode", "reasoning"]),
        entry("Qwen/Qwen2.5-VL-72B-Instruct", context: 131_072, images: true, price: ("0.00000025", "0.00000075"),
              features: ["json_mode", "vision"]),
        entry("google/gemma-3-27b-it", context: 110_000, images: true, price: ("0.0000001", "0.0000003"),
              features: ["json_mode", "vision"]),
        entry("nvidia/nemotron-3-super-120b-a12b", context: 131_072, images: false, price: nil,
              features: ["tools", "reasoning"]),
    ]

    /// 2026-01-01, the `created` of the default entries.
    static let created = 1_767_225_600

    static func entry(
        _ id: String, context: Int, images: Bool, price: (prompt: String, completion: String)?, features: [String]
    ) -> JSONValue {
        var members: [String: JSONValue] = [
            "id": .string(id),
            "object": "model",
            "created": .int(created),
            "owned_by": .string(owner(of: id)),
            "context_length": .int(context),
            "architecture": ["modality": .string(images ? "text+image->text" : "text->text")],
            "supported_features": .array(features.map { .string($0) }),
            "status": "active",
        ]
        if let price {
            members["pricing"] = ["prompt": .string(price.prompt), "completion": .string(price.completion)]
        }
        return .object(members)
    }

    static func owner(of id: String) -> String {
        String(id.split(separator: "/").first ?? "system")
    }

    /// The JSON object of a model given as a value, with the members Nebius always sends.
    public static func entry(_ model: UpstreamModel) -> JSONValue {
        var members: [String: JSONValue] = [
            "id": .string(model.id),
            "object": "model",
            "created": .int(model.created ?? created),
            "owned_by": .string(model.ownedBy ?? owner(of: model.id)),
            "status": .string(model.status ?? "active"),
        ]
        if let context = model.contextLength { members["context_length"] = .int(context) }
        if let modality = model.architecture?.modality { members["architecture"] = ["modality": .string(modality)] }
        if let pricing = model.pricing {
            members["pricing"] = [
                "prompt": pricing.prompt.map(JSONValue.string) ?? .null,
                "completion": pricing.completion.map(JSONValue.string) ?? .null,
            ]
        }
        return .object(members)
    }

    /// `entry` with the members Nebius always sends filled in when missing; `nil` unless it is
    /// an object with a string `id`.
    static func completed(_ entry: JSONValue) -> JSONValue? {
        guard var members = entry.objectValue, let id = members["id"]?.stringValue else { return nil }
        if members["object"] == nil { members["object"] = "model" }
        if members["created"] == nil { members["created"] = .int(created) }
        if members["owned_by"] == nil { members["owned_by"] = .string(owner(of: id)) }
        if members["status"] == nil { members["status"] = "active" }
        return .object(members)
    }

    static func model(from entry: JSONValue) -> UpstreamModel? {
        guard let data = try? JSONEncoder().encode(entry) else { return nil }
        return try? JSONDecoder().decode(UpstreamModel.self, from: data)
    }

    /// Reads a catalogue file: a JSON list of models, or `{"data":[...]}`.
    public static func load(contentsOf bytes: [UInt8]) throws -> [UpstreamModel] {
        try loadEntries(contentsOf: bytes).compactMap(model(from:))
    }

    /// The entries of a catalogue file (a JSON list of models, or `{"data":[...]}`), completed.
    public static func loadEntries(contentsOf bytes: [UInt8]) throws -> [JSONValue] {
        guard let json = JSONValue.parse(bytes) else {
            throw ScriptedUpstreamError(description: "the catalogue is not valid JSON")
        }
        guard let list = json.arrayValue ?? json["data"]?.arrayValue else {
            throw ScriptedUpstreamError(description: #"a catalogue is a list of models or {"data":[...]}"#)
        }
        var entries: [JSONValue] = []
        for item in list {
            guard let entry = completed(item), model(from: entry) != nil else {
                throw ScriptedUpstreamError(description: "a catalogue entry needs a string \"id\": \(item.compactText)")
            }
            entries.append(entry)
        }
        return entries
    }

    /// `{"object":"list","data":[...]}`.
    static func listJSON(_ entries: [JSONValue]) -> String {
        JSONValue.object(["object": "list", "data": .array(entries)]).compactText
    }
}
