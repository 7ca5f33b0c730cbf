/// Where the cursor is relative to the start of the prompt, for redrawing after a paste.
enum PasteLayout {
    /// How many terminal rows the cursor is below the prompt's first row, with `text` typed
    /// after a prompt `promptWidth` columns wide on a terminal `columns` wide.
    static func rowsAbove(cursorAfter text: String, promptWidth: Int, columns: Int) -> Int {
        guard columns > 0 else { return 0 }
        var row = 0
        var column = promptWidth
        while column >= columns {
            row += 1
            column -= columns
        }
        for ch in text {
            if ch == "\n" {
                row += 1
                column = 0
            } else {
                column += 1
                if column >= columns {
                    row += 1
                    column = 0
                }
            }
        }
        return row
    }

    /// The width of a prompt on screen: what lies between `\u{1}` and `\u{2}` takes no room.
    static func visibleWidth(ofPrompt prompt: String) -> Int {
        var width = 0
        var hidden = false
        for ch in prompt {
            if ch == "\u{1}" { hidden = true } else if ch == "\u{2}" { hidden = false } else if !hidden { width += 1 }
        }
        return width
    }
}
