#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OpenAIAPI

/// The models `GET /v1/models` lists, in the Nebius verbose shape.
public enum ScriptedCatalogue {
    /// The default models of `TranslationConfig` (big, middle, small, vision) and a few more.
    public static let `default`: [UpstreamModel] = [
        model("zai-org/GLM-4.7-FP8", context: 202_752, modality: "text->text", prompt: "0.0000004", completion: "0.000002"),
        model("Qwen/Qwen3-Coder-480B-A35B-Instruct", context: 262_144, modality: "text->text", prompt: "0.0000004", completion: "0.0000018"),
        model("openai/gpt-oss-20b", context: 131_072, modality: "text->text", prompt: "0.00000005", completion: "0.0000002"),
        model("Qwen/Qwen2.5-VL-72B-Instruct", context: 32_000, modality: "text+image->text", prompt: "0.00000025", completion: "0.00000075"),
        model("openai/gpt-oss-120b", context: 131_072, modality: "text->text", prompt: "0.00000015", completion: "0.0000006"),
        model("deepseek-ai/DeepSeek-V3-0324", context: 163_840, modality: "text->text", prompt: "0.0000005", completion: "0.0000015"),
        model("google/gemma-3-27b-it", context: 110_000, modality: "text+image->text", prompt: "0.0000001", completion: "0.0000003"),
    ]

    static func model(_ id: String, context: Int, modality: String, prompt: String, completion: String) -> UpstreamModel {
        var m = UpstreamModel(
            id: id, created: 1_750_000_000, contextLength: context, modality: modality,
            pricing: .init(prompt: prompt, completion: completion))
        m.ownedBy = String(id.split(separator: "/").first ?? "system")
        return m
    }

    /// Reads a catalogue file: a JSON list of models, or `{"data":[...]}`.
    public static func load(contentsOf bytes: [UInt8]) throws -> [UpstreamModel] {
        let data = Data(bytes)
        if let list = try? JSONDecoder().decode([UpstreamModel].self, from: data) { return list }
        return try JSONDecoder().decode(UpstreamModelList.self, from: data).data
    }

    /// `{"object":"list","data":[{"id","object":"model","created","owned_by","context_length",
    /// "architecture":{"modality"},"pricing":{"prompt","completion"}}]}`.
    static func listJSON(_ models: [UpstreamModel]) -> String {
        let entries = models.map { m -> String in
            var members = [#""id":\#(jsonString(m.id))"#, #""object":"model""#]
            members.append(#""created":\#(m.created ?? 0)"#)
            members.append(#""owned_by":\#(jsonString(m.ownedBy ?? "system"))"#)
            if let context = m.contextLength { members.append(#""context_length":\#(context)"#) }
            if let modality = m.architecture?.modality {
                members.append(#""architecture":{"modality":\#(jsonString(modality))}"#)
            }
            if let pricing = m.pricing {
                members.append(
                    #""pricing":{"prompt":\#(jsonString(pricing.prompt ?? "0")),"completion":\#(jsonString(pricing.completion ?? "0"))}"#)
            }
            return "{" + members.joined(separator: ",") + "}"
        }
        return #"{"object":"list","data":[\#(entries.joined(separator: ","))]}"#
    }
}
