// The ReaderSimulator module: see Emulator files (being written).
