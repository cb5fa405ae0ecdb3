import Foundation
import Testing
@testable import Watchlist

#if canImport(Glibc)
import Glibc
#endif

/// `LoadedList.activatePageCache` leaves a list file's pages on the kernel's active list, so that a lookup's
/// `pread` never has to do the deferred activation (the tail of the lookup step in watchlist-bench).
/// Read from `/proc/kpageflags`, which needs root (CI runs as root) and the classic LRU (with the
/// multi-generational LRU there is no active list to check).
@Suite("Page cache activation at list load")
struct PageCacheActivationTests {
    static let kpageflagsReadable = access("/proc/kpageflags", R_OK) == 0 && geteuid() == 0
    static let classicLRU: Bool = {
        guard let text = try? String(contentsOfFile: "/sys/kernel/mm/lru_gen/enabled", encoding: .utf8) else { return true }
        return UInt64(text.trimmingCharacters(in: .whitespacesAndNewlines).dropFirst(2), radix: 16) == 0
    }()

    /// The fraction of the file's pages that are in the page cache and on the active list.
    func activeFraction(_ path: String, pages: Int) throws -> Double {
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard let map = mmap(nil, pages * page, PROT_READ, MAP_SHARED, fd, 0), map != MAP_FAILED else {
            Issue.record("mmap failed"); return 0
        }
        defer { munmap(map, pages * page) }
        var sink: UInt8 = 0
        for i in 0..<pages { sink &+= map.load(fromByteOffset: i * page, as: UInt8.self) }  // map, not read
        _ = sink
        let pagemap = open("/proc/self/pagemap", O_RDONLY)
        let flags = open("/proc/kpageflags", O_RDONLY)
        defer { close(pagemap); close(flags) }
        var active = 0
        for i in 0..<pages {
            var entry: UInt64 = 0
            let virtualPage = (UInt(bitPattern: map) + UInt(i * page)) / UInt(page)
            guard pread(pagemap, &entry, 8, off_t(virtualPage * 8)) == 8, entry >> 63 == 1 else { continue }
            let pfn = entry & ((1 << 55) - 1)
            var bits: UInt64 = 0
            guard pfn != 0, pread(flags, &bits, 8, off_t(pfn * 8)) == 8 else { continue }
            if bits & (1 << 6) != 0 { active += 1 }  // KPF_ACTIVE
        }
        return Double(active) / Double(pages)
    }

    @Test("a list file's pages are on the active list after the load, and not after one read",
          .enabled(if: kpageflagsReadable && classicLRU, "needs root and the classic LRU"))
    func activation() throws {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let pages = 2048
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("activation-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data((0..<pages * page).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 12) }).write(to: url)
        let fd = open(url.path, O_RDONLY)
        defer { close(fd) }
        fsync(fd)
        // Out of the cache, then read once in big reads (as ChunkedFile loads it): cached, not active.
        #expect(posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_DONTNEED)) == 0)
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var offset = 0
        while true {
            let n = pread(fd, &buffer, buffer.count, off_t(offset))
            if n <= 0 { break }
            offset += n
        }
        let before = try activeFraction(url.path, pages: pages)
        LoadedList.activatePageCache(fd)
        let after = try activeFraction(url.path, pages: pages)
        #expect(before < 0.5, "read once: \(before)")
        // Activations are applied in per-CPU batches of up to 31 pages: the last batch may still be pending.
        #expect(after > 0.95, "after activation: \(after)")
    }
}
