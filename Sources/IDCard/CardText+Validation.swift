extension CardText {
    /// The warnings that follow from the field values alone, in a stable order: the ID number
    /// (``IDNumber/warnings(for:)``), the dates, the codes. ``TextBlock/decode(_:)`` adds these to the
    /// byte-level warnings (length, marker, text encoding).
    ///
    /// - `birthDate.invalid` / `validFrom.invalid`: `.unparsed`, 长期, or a `.date` that is not on the calendar.
    /// - `validTo.invalid`: `.unparsed` or a `.date` that is not on the calendar (长期 is fine).
    /// - `validTo.beforeValidFrom`: both are calendar dates and the end is before the start.
    /// - `sex.unknownCode`, `nation.unknownCode`: a present code that is not in ``Sex`` / ``Nation``.
    public func validationWarnings() -> [CardWarning] {
        var warnings = IDNumber.warnings(for: self)
        if let d = birthDate, !d.isCalendarDate { warnings.append(.birthDateInvalid) }
        if let d = validFrom, !d.isCalendarDate { warnings.append(.validFromInvalid) }
        if let d = validTo, d != .longTerm, !d.isCalendarDate { warnings.append(.validToInvalid) }
        if let from = validFrom, let to = validTo, from.isCalendarDate, to.isCalendarDate,
           let f = from.components, let t = to.components, (t.year, t.month, t.day) < (f.year, f.month, f.day) {
            warnings.append(.validToBeforeValidFrom)
        }
        if let code = sex, Sex.name(forCode: code) == nil { warnings.append(.sexUnknownCode) }
        if let code = nation, Nation.name(forCode: code) == nil { warnings.append(.nationUnknownCode) }
        return warnings
    }

    /// A copy whose ``warnings`` are recomputed from the field values (``validationWarnings()``),
    /// for records built by hand (the reader emulator, manual entry).
    public func revalidated() -> CardText {
        var copy = self
        copy.warnings = validationWarnings()
        return copy
    }
}
