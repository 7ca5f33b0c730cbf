/// One sample of the Prometheus text exposition format.
struct MetricSample: Sendable, Hashable {
    var name: String
    var labels: [String: String]
    var value: Double
}

/// The samples of a `/metrics` body, read the way a scraper reads them (comment lines
/// skipped; label values unescaped). A line that does not parse is returned in `invalid`.
func parseMetrics(_ text: String) -> (samples: [MetricSample], invalid: [String]) {
    var samples: [MetricSample] = []
    var invalid: [String] = []
    for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.allSatisfy(\.isWhitespace) {
        if let sample = parseSample(Substring(line)) { samples.append(sample) } else { invalid.append(String(line)) }
    }
    return (samples, invalid)
}

private func parseSample(_ line: Substring) -> MetricSample? {
    var rest = line[...]
    let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }
    guard !name.isEmpty else { return nil }
    rest = rest.dropFirst(name.count)
    var labels: [String: String] = [:]
    if rest.first == "{" {
        rest = rest.dropFirst()
        while rest.first != "}" {
            let key = rest.prefix { $0 != "=" }
            rest = rest.dropFirst(key.count)
            guard rest.hasPrefix("=\"") else { return nil }
            rest = rest.dropFirst(2)
            var value = ""
            while let c = rest.first, c != "\"" {
                rest = rest.dropFirst()
                if c == "\\", let escaped = rest.first {
                    rest = rest.dropFirst()
                    value.append(escaped == "n" ? "\n" : escaped)
                } else {
                    value.append(c)
                }
            }
            guard rest.first == "\"" else { return nil }
            rest = rest.dropFirst()
            labels[String(key)] = value
            if rest.first == "," { rest = rest.dropFirst() }
            guard !rest.isEmpty else { return nil }
        }
        rest = rest.dropFirst()
    }
    let fields = rest.split(separator: " ")
    guard let first = fields.first, let value = Double(first) else { return nil }
    return MetricSample(name: String(name), labels: labels, value: value)
}

extension [MetricSample] {
    /// The value of the one sample named `name` whose labels include `labels`; nil when there
    /// is none (or more than one).
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        let matching = filter { sample in sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value } }
        return matching.count == 1 ? matching.first?.value : nil
    }
}
