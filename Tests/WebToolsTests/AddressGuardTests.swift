import Testing
@testable import WebTools

@Suite struct AddressGuardTests {
    func verdict(_ text: String) -> AddressGuard.Verdict? {
        IPAddress(text).map(AddressGuard.classify)
    }

    @Test func ipv4Classes() {
        #expect(verdict("127.0.0.1") == .loopback)
        #expect(verdict("127.255.0.9") == .loopback)
        #expect(verdict("0.0.0.0") == .unspecified)
        #expect(verdict("10.1.2.3") == .privateNetwork)
        #expect(verdict("172.16.0.1") == .privateNetwork)
        #expect(verdict("172.31.255.255") == .privateNetwork)
        #expect(verdict("172.32.0.1") == .allowed)
        #expect(verdict("192.168.1.1") == .privateNetwork)
        #expect(verdict("100.64.0.1") == .privateNetwork)
        #expect(verdict("169.254.1.1") == .linkLocal)
        #expect(verdict("169.254.169.254") == .metadata)
        #expect(verdict("100.100.100.200") == .metadata)
        #expect(verdict("224.0.0.1") == .multicast)
        #expect(verdict("255.255.255.255") == .reserved)
        #expect(verdict("8.8.8.8") == .allowed)
        #expect(verdict("93.184.216.34") == .allowed)
    }

    @Test func ipv6Classes() {
        #expect(verdict("::1") == .loopback)
        #expect(verdict("[::1]") == .loopback)
        #expect(verdict("::") == .unspecified)
        #expect(verdict("fe80::1%eth0") == .linkLocal)
        #expect(verdict("fc00::1") == .uniqueLocal)
        #expect(verdict("fd12:3456::1") == .uniqueLocal)
        #expect(verdict("fd00:ec2::254") == .metadata)
        #expect(verdict("fec0::1") == .privateNetwork)
        #expect(verdict("ff02::1") == .multicast)
        #expect(verdict("2001:db8::1") == .reserved)
        #expect(verdict("2606:4700:4700::1111") == .allowed)
    }

    @Test func ipv4InsideIPv6IsJudgedAsIPv4() {
        #expect(verdict("::ffff:127.0.0.1") == .loopback)
        #expect(verdict("::ffff:7f00:1") == .loopback)
        #expect(verdict("::ffff:169.254.169.254") == .metadata)
        #expect(verdict("::ffff:10.0.0.1") == .privateNetwork)
        #expect(verdict("::ffff:8.8.8.8") == .allowed)
        #expect(verdict("::10.0.0.1") == .privateNetwork)
        #expect(verdict("64:ff9b::192.168.0.1") == .privateNetwork)
        #expect(verdict("64:ff9b::8.8.8.8") == .allowed)
        #expect(verdict("2002:7f00:0001::1") == .loopback)
    }

    @Test func namesAreNotAddresses() {
        #expect(IPAddress("example.com") == nil)
        #expect(IPAddress("1.2.3") == nil)
        #expect(IPAddress("0x7f.1") == nil)
        #expect(AddressGuard.isInternalName("localhost"))
        #expect(AddressGuard.isInternalName("api.LOCALHOST"))
        #expect(AddressGuard.isInternalName("metadata.google.internal"))
        #expect(!AddressGuard.isInternalName("example.com"))
    }
}

@Suite struct WebURLTests {
    @Test func parts() throws {
        let u = try #require(WebURL("HTTPS://User:pw@Example.COM:8443/a/b?q=1#frag"))
        #expect(u.scheme == "https")
        #expect(u.host == "example.com")
        #expect(u.port == 8443)
        #expect(u.path == "/a/b?q=1")
        #expect(try #require(WebURL("http://[::1]:8080")).host == "::1")
        #expect(try #require(WebURL("http://[::1]:8080")).description == "http://[::1]:8080/")
        #expect(WebURL("file:///etc/passwd") == nil)
        #expect(WebURL("gopher://x") == nil)
        #expect(WebURL("http://") == nil)
        #expect(WebURL("http://x:99999/") == nil)
        #expect(WebURL("javascript:alert(1)") == nil)
    }

    @Test func redirectsResolve() throws {
        let base = try #require(WebURL("https://a.com/dir/page?x"))
        #expect(base.resolving("/root")?.description == "https://a.com/root")
        #expect(base.resolving("other")?.description == "https://a.com/dir/other")
        #expect(base.resolving("//b.org/x")?.description == "https://b.org/x")
        #expect(base.resolving("http://127.0.0.1/")?.host == "127.0.0.1")
        #expect(base.resolving("ftp://c.com/") == nil)
    }
}

@Suite struct AddressBlockTests {
    @Test func blocksContainTheirAddresses() throws {
        let loopback = try #require(AddressBlock("127.0.0.0/8"))
        #expect(loopback.contains(try #require(IPAddress("127.9.8.7"))))
        #expect(!loopback.contains(try #require(IPAddress("10.0.0.1"))))
        #expect(!loopback.contains(try #require(IPAddress("::1"))))
        let odd = try #require(AddressBlock("10.1.2.0/23"))
        #expect(odd.contains(try #require(IPAddress("10.1.3.255"))))
        #expect(!odd.contains(try #require(IPAddress("10.1.4.0"))))
        let one = try #require(AddressBlock("fd00::5"))
        #expect(one.contains(try #require(IPAddress("fd00::5"))))
        #expect(!one.contains(try #require(IPAddress("fd00::6"))))
        #expect(AddressBlock("10.0.0.0/33") == nil)
        #expect(AddressBlock("host/8") == nil)
    }
}
