/// What a PDF becomes for a model: its text, or (a PDF without a text layer) its pages as images.
public enum PDFContent: Sendable, Hashable {
    case text(PDFText)
    /// PNG files, one per page, in order.
    case pageImages([[UInt8]])
}
