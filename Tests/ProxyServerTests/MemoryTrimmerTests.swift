import ClaudeAPI
import Hummingbird
import HummingbirdTesting
import Testing

@testable import ProxyServer

@Suite struct MemoryTrimmerTests {
    @Test func idleAfterWorkOnlyWhileNothingRunsAndForAWindowAfterTheLastRequest() {
        let activity = RequestActivity()
        #expect(!activity.isIdleAfterWork(window: .seconds(90)), "no work yet")
        var token: RequestActivity.Token? = activity.begin()
        #expect(activity.inFlight == 1)
        #expect(!activity.isIdleAfterWork(window: .seconds(90)), "a request is running")
        withExtendedLifetime(token) {}
        token = nil
        #expect(activity.inFlight == 0)
        #expect(activity.isIdleAfterWork(window: .seconds(90)))
        #expect(!activity.isIdleAfterWork(now: .now + .seconds(91), window: .seconds(90)), "long idle: nothing more to give back")
    }

    @Test("a request counts as running until its streamed body is written, errors and 404s included")
    func requestsAreCountedUntilTheirBodyIsWritten() async throws {
        let service = FakeMessagesService(.events(FakeMessagesService.textEvents("slow"), delay: .milliseconds(50)))
        let app = makeProxy(service)
        try await app.application().test(.router) { client in
            let watcher = Task {
                var most = 0
                for _ in 0..<40 {
                    most = max(most, app.activity.inFlight)
                    try? await Task.sleep(for: .milliseconds(10))
                }
                return most
            }
            try await client.execute(uri: "/v1/messages", method: .post, body: messagesBody(stream: true)) { response in
                #expect(response.status == .ok)
            }
            #expect(await watcher.value == 1, "the stream counted while it ran")
            try await client.execute(uri: "/v1/messages", method: .post, body: ByteBuffer(string: "{")) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/nowhere", method: .get) { _ in }
        }
        #expect(app.activity.inFlight == 0)
        #expect(app.activity.isIdleAfterWork(window: .seconds(1)))
    }
}
