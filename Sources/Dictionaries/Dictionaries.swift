/// Namespace of the code tables; see `Dictionary.swift` (being written).
public enum Dictionaries {}
