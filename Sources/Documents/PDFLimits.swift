/// The bounds a PDF must keep to be read: past them it is refused with a clear error, before
/// poppler spends time or memory on it.
public struct PDFLimits: Sendable, Hashable {
    /// Bytes of the PDF file (Claude's own limit for a request is 32 MB).
    public var maxBytes: Int
    /// Pages read as text (Claude reads up to 100).
    public var maxPages: Int
    /// Pages sent as images when the PDF has no text layer (vision models take a few images).
    public var maxImagePages: Int
    /// The long side of a page image, in pixels.
    public var imageLongSide: Int
    /// The most pixels per inch a page image gets (small pages are not blown up past it).
    public var imageMaxDPI: Double
    /// PNG bytes of all page images together.
    public var maxImageBytes: Int

    public init(
        maxBytes: Int = 32 * 1024 * 1024, maxPages: Int = 100, maxImagePages: Int = 20, imageLongSide: Int = 1568,
        imageMaxDPI: Double = 150, maxImageBytes: Int = 24 * 1024 * 1024
    ) {
        self.maxBytes = maxBytes
        self.maxPages = maxPages
        self.maxImagePages = maxImagePages
        self.imageLongSide = imageLongSide
        self.imageMaxDPI = imageMaxDPI
        self.maxImageBytes = maxImageBytes
    }

    /// Pixels per point for a page of `width` x `height` points: the long side becomes
    /// ``imageLongSide`` pixels, at most ``imageMaxDPI``; `nil` for a size that makes no sense.
    public func imageScale(width: Double, height: Double) -> Double? {
        let longSide = max(width, height)
        guard width.isFinite, height.isFinite, width > 0, height > 0, longSide > 0 else { return nil }
        return min(Double(imageLongSide) / longSide, imageMaxDPI / 72)
    }
}
