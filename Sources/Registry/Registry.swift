import GRDB
import Crypto
/// Namespace of the register (being written).
public enum RegistryModule {}
