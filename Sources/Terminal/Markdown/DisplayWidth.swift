/// How many terminal columns text takes: wide East Asian characters and emoji take two,
/// combining marks and escape sequences none.
enum DisplayWidth {
    static func of(_ ch: Character) -> Int {
        guard let first = ch.unicodeScalars.first else { return 0 }
        let v = first.value
        if v < 0x20 || v == 0x7F { return 0 }
        if v < 0x300 { return 1 }
        switch first.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if v == 0x200D || (0xFE00...0xFE0F).contains(v) { return 0 }
        if isWide(v) || ch.unicodeScalars.contains(where: { $0.value == 0xFE0F }) { return 2 }
        return 1
    }

    static func isWide(_ v: UInt32) -> Bool {
        switch v {
        case 0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0, 0x23F3,
             0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F, 0x2693, 0x26A1, 0x26AA...0x26AB,
             0x26BD...0x26BE, 0x26C4...0x26C5, 0x26CE, 0x26D4, 0x26EA, 0x26F2...0x26F3, 0x26F5, 0x26FA,
             0x26FD, 0x2705, 0x270A...0x270B, 0x2728, 0x274C, 0x274E, 0x2753...0x2755, 0x2757,
             0x2795...0x2797, 0x27B0, 0x27BF, 0x2B1B...0x2B1C, 0x2B50, 0x2B55,
             0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
             0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
             0x1F300...0x1F64F, 0x1F680...0x1F6FF, 0x1F900...0x1F9FF, 0x1FA70...0x1FAFF, 0x20000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    /// The columns `text` takes once its escape sequences (CSI and OSC) are skipped.
    static func visible(_ text: String) -> Int {
        var width = 0
        var state = 0  // 0 text, 1 after ESC, 2 in CSI, 3 in OSC, 4 ESC inside OSC
        for ch in text {
            switch state {
            case 1: state = ch == "[" ? 2 : ch == "]" ? 3 : 0
            case 2: if let a = ch.asciiValue, (0x40...0x7E).contains(a) { state = 0 }
            case 3: if ch == "\u{1B}" { state = 4 } else if ch == "\u{7}" { state = 0 }
            case 4: state = ch == "\\" ? 0 : 3
            default:
                if ch == "\u{1B}" { state = 1 } else { width += of(ch) }
            }
        }
        return width
    }
}
