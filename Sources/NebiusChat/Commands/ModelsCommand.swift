import ArgumentParser
import Terminal
import Upstream

struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the models of the upstream catalogue: id, vision, context length, price.",
        discussion: """
            Reads GET /v1/models?verbose=true from OPENAI_BASE_URL. Prices are US dollars \
            per million tokens, in and out, when the catalogue gives them. Nebius retires \
            models every few weeks: this list is what exists today.

            Examples:
              nebius-chat models
              nebius-chat models --json | jq -r '.[] | select(.vision) | .id'
            """
    )

    @Flag(name: .long, help: "Print JSON: [{id, vision, context_length, input_usd_per_million_tokens, output_usd_per_million_tokens}].")
    var json = false

    func run() async throws {
        let settings = try loadSettings(flags: [:])
        try requireAPIKey(settings)
        try await TerminalUpstream.with(settings: settings) { upstream in
            do {
                let models = try await upstream.client.models()
                TextOutput.standardOutput.write(json ? ModelsListing.json(models) : ModelsListing.table(models))
            } catch {
                let message = (error as? UpstreamFailure)?.error.message ?? "\(error)"
                printError("nebius-chat models: the catalogue could not be read: \(message)")
                throw ExitCode(1)
            }
        }
    }
}
