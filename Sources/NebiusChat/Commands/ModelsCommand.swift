import ArgumentParser
import Terminal
import Upstream

struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the models of the upstream catalogue: id, role, vision, context length, price.",
        discussion: """
            Reads GET /v1/models?verbose=true from OPENAI_BASE_URL. Prices are US dollars \
            per million tokens, in and out, when the catalogue gives them. ROLE marks the \
            models the four roles resolve to (big, middle, small, vision): a configured model \
            that left the catalogue is replaced by the first available of a preference list. \
            Nebius retires models every few months: this list is what exists today (it is \
            cached in $XDG_CACHE_HOME/nebius-chat/catalogue.json and shown from there offline).

            Examples:
              nebius-chat models
              nebius-chat models --json | jq -r '.[] | select(.vision) | .id'
            """
    )

    @Flag(name: .long, help: "Print JSON: [{id, roles, vision (null: unknown), context_length, input_usd_per_million_tokens, output_usd_per_million_tokens, status}].")
    var json = false

    func run() async throws {
        let settings = try loadSettings(flags: [:])
        try requireAPIKey(settings)
        try await TerminalUpstream.with(settings: settings) { upstream in
            let models: [CatalogueModel]
            do throws(UpstreamFailure) {
                let (fetched, fromCache) = try await upstream.catalogue.refreshed()
                if fromCache {
                    printError("nebius-chat models: the upstream could not be asked; this is the list cached on disk.")
                }
                models = fetched
            } catch {
                printError("nebius-chat models: the catalogue could not be read: \(error.error.message)")
                throw ExitCode(1)
            }
            let t = upstream.service.resolved().config
            let roles = ModelsListing.roles(big: t.bigModel, middle: t.middleModel, small: t.smallModel, vision: t.visionModel)
            TextOutput.standardOutput.write(json ? ModelsListing.json(models, roles: roles) : ModelsListing.table(models, roles: roles))
        }
    }
}
