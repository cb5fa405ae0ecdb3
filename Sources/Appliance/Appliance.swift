/// The daemon's composition (filled in by the daemon work).
public enum Appliance {}
