import ClaudeAPI
import Foundation
import Translation
import Upstream

/// `nebius-chat ask`: one request, the answer on stdout, everything else on stderr.
///
/// ```swift
/// let code = await AskRunner(options: options, service: service, catalogue: catalogue).run()
/// ```
public struct AskRunner: Sendable {
    public var options: AskOptions
    public var service: any MessagesServing
    public var catalogue: ModelCatalogue?
    public var out: TextOutput
    public var err: TextOutput

    public init(options: AskOptions, service: any MessagesServing, catalogue: ModelCatalogue?,
                out: TextOutput = .standardOutput, err: TextOutput = .standardError) {
        self.options = options
        self.service = service
        self.catalogue = catalogue
        self.out = out
        self.err = err
    }

    /// The request `ask` sends (files, then images, then the prompt), or the reason it cannot
    /// (an ``ImageAttachmentError`` or a ``FileAttachmentError``).
    public func request() throws -> MessagesRequest {
        var content: [ContentBlock] = []
        for path in options.filePaths {
            content.append(try FileAttachment.load(path: path, homeDirectory: options.homeDirectory).contentBlock)
        }
        for path in options.imagePaths {
            let image = try ImageAttachment.load(path: path, maxBytes: options.maxImageBytes, homeDirectory: options.homeDirectory)
            content.append(image.contentBlock)
        }
        content.append(.text(TextBlock(text: options.prompt)))
        return MessagesRequest(
            model: options.model,
            messages: [Message(role: .user, content: content)],
            system: options.system.map { .text($0) },
            maxTokens: options.maxTokens,
            stream: true)
    }

    public func run(interrupts: InterruptMonitor? = nil) async -> AskExitCode {
        let errStyle = TerminalStyle.detect(output: err, noColor: options.noColor)
        let request: MessagesRequest
        do {
            request = try self.request()
        } catch {
            err.line(errStyle.red("error: ") + String(describing: error))
            return .usageError
        }
        let upstreamModel = ModelRouter(config: options.translation).route(request)
        for notice in options.notices { err.line(errStyle.dim("note: " + notice)) }

        // Streaming prints as it arrives; otherwise collect and print at the end.
        let live = options.stream && !options.json
        let sink = live ? out : TextOutput.capturing()
        // Markdown: rendered only when stdout is a terminal; a pipe or file gets the text byte for byte.
        let out = self.out
        let environment = ProcessInfo.processInfo.environment
        let markdown = MarkdownStyle.shouldRender(output: out, noColor: options.noColor, term: environment["TERM"])
            ? MarkdownRenderer(width: out.columns ?? 80, hyperlinks: MarkdownStyle.supportsHyperlinks(environment: environment))
            : nil
        let renderer = StreamRenderer(
            answer: sink, reasoning: options.showReasoning ? err : nil, notes: err, style: errStyle,
            markdown: markdown, columns: { out.columns ?? 80 })
        let runner = TurnRunner(service: service)
        let tools = toolLoop(style: errStyle)  // MCP tools
        let task = Task { await runner.run(request, renderer: renderer, tools: tools) }
        // Ctrl-C (through the monitor) or cancelling the caller's task stops the answer.
        let outcome = await withTaskCancellationHandler {
            if let interrupts {
                return await interrupts.whileArmed(onInterrupt: { task.cancel() }) { await task.value }
            }
            return await task.value
        } onCancel: {
            task.cancel()
        }
        for warning in outcome.warnings { err.line(errStyle.dim("warning: " + warning)) }
        // The model that answered: the vision model for an image, a fallback for a failed one.
        let answered = outcome.route?.model ?? upstreamModel
        if let route = outcome.route, let note = FallbackNote.text(route) { err.line(errStyle.dim("note: " + note)) }

        if options.json, var message = outcome.message {
            message.model = answered
            out.write(Self.json(message))
        } else if !live {
            out.write(sink.text)
        }

        switch outcome.ending {
        case .completed:
            if outcome.message?.stopReason == .maxTokens {
                err.line(errStyle.yellow("[the answer reached its token limit; --max-tokens raises it]"))
            }
            if let usage = outcome.message?.usage {
                let price = catalogue?.pricesIfFetched()[answered]
                let input = usage.inputTokens + usage.cacheReadInputTokens + usage.cacheCreationInputTokens
                err.line(errStyle.dim(UsageLine.format(
                    model: answered, usage: usage, seconds: outcome.seconds,
                    cost: price?.cost(input: input, output: usage.outputTokens))))
            }
            return .success
        case .interrupted:
            return .interrupted
        case .failed(let failure):
            let needsVision = !options.imagePaths.isEmpty
            let message = await FailureReport.message(for: failure, model: upstreamModel, needsVision: needsVision, catalogue: catalogue)
            err.line(errStyle.red("error: ") + message)
            return .upstreamError
        }
    }

    /// The message as pretty JSON with sorted keys, one trailing newline.
    static func json(_ message: MessagesResponse) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(message) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
