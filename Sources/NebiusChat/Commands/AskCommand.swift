import ArgumentParser

struct AskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ask")
    func run() async throws {}
}
