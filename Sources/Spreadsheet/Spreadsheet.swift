/// Namespace of the spreadsheet codecs (being written).
public enum Spreadsheet {}
