import CBenchSupport
import Foundation

/// A timed measurement: warm up, then `runs` runs of about `seconds` each; ops/s per run.
struct Measurement {
    var name: String
    var opsPerSecond: [Double]
    var checksum: UInt64
    /// Share of the wall time this thread was actually on the CPU (1.0 on an idle machine).
    var cpuShare: Double

    var median: Double {
        let s = opsPerSecond.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
    var min: Double { opsPerSecond.min() ?? 0 }
    var max: Double { opsPerSecond.max() ?? 0 }
}

struct Settings {
    var seconds = 1.0
    var runs = 5
    var warmup = 0.3
    var cpu: Int? = nil
    var filter: String? = nil
    var cpuTime = false

    static func parse(_ args: [String]) -> Settings {
        var s = Settings()
        var i = 0
        func value() -> String {
            i += 1
            guard i < args.count else { usage("missing value for \(args[i - 1])") }
            return args[i]
        }
        while i < args.count {
            switch args[i] {
            case "--time": s.seconds = Double(value()) ?? { usage("bad --time") }()
            case "--runs": s.runs = Swift.max(1, Int(value()) ?? { usage("bad --runs") }())
            case "--warmup": s.warmup = Double(value()) ?? { usage("bad --warmup") }()
            case "--cpu": s.cpu = Int(value()) ?? { usage("bad --cpu") }()
            case "--filter": s.filter = value()
            case "--cpu-time": s.cpuTime = true
            case "--quick":
                s.seconds = 0.2
                s.runs = 3
                s.warmup = 0.1
            case "-h", "--help": usage(nil)
            default: usage("unknown argument \(args[i])")
            }
            i += 1
        }
        return s
    }
}

func usage(_ error: String?) -> Never {
    if let error { print("renfang-bench: \(error)") }
    print("""
        usage: renfang-bench [--time SECONDS] [--runs N] [--warmup SECONDS] [--cpu N] [--filter TEXT] [--cpu-time] [--quick]
          --time    length of one timed run (default 1.0 s)
          --runs    timed runs per measurement; median, min and max are reported (default 5)
          --warmup  untimed warm-up before the runs (default 0.3 s)
          --cpu     pin the process to this CPU (Linux; default: the CPU it starts on)
          --filter  only measurements whose name contains TEXT
          --cpu-time  rates per second of this thread's CPU time instead of wall time (a busy machine)
          --quick   0.2 s × 3 runs, for a smoke test
        """)
    exit(error == nil ? 0 : 2)
}

func seconds(_ d: Duration) -> Double {
    let c = d.components
    return Double(c.seconds) + Double(c.attoseconds) * 1e-18
}

/// Runs `body(n)` (n operations, returning a checksum of their results) in batches of about a
/// millisecond: first a warm-up that also sizes the batch, then the timed runs.
func measure(_ name: String, _ settings: Settings, _ body: (Int) -> UInt64) -> Measurement {
    let clock = ContinuousClock()
    var checksum: UInt64 = 0

    // Warm-up and batch sizing.
    var batch = 1
    let warmStart = clock.now
    while true {
        let t0 = clock.now
        checksum &+= body(batch)
        let dt = seconds(t0.duration(to: clock.now))
        if dt < 0.001 && batch < 1 << 30 { batch *= 2 }
        if seconds(warmStart.duration(to: clock.now)) >= settings.warmup && dt >= 0.0005 { break }
        if seconds(warmStart.duration(to: clock.now)) >= settings.warmup * 10 { break }
    }

    var rates: [Double] = []
    var wallTotal = 0.0
    var cpuTotal = 0.0
    for _ in 0..<settings.runs {
        var ops = 0
        let t0 = clock.now
        let c0 = threadCPUSeconds()
        var elapsed = 0.0
        repeat {
            checksum &+= body(batch)
            ops += batch
            elapsed = seconds(t0.duration(to: clock.now))
        } while elapsed < settings.seconds
        let cpu = threadCPUSeconds() - c0
        wallTotal += elapsed
        cpuTotal += cpu
        rates.append(Double(ops) / (settings.cpuTime && cpu > 0 ? cpu : elapsed))
    }
    return Measurement(name: name, opsPerSecond: rates, checksum: checksum, cpuShare: cpuTotal / wallTotal)
}

/// CPU time consumed by the calling thread.
func threadCPUSeconds() -> Double {
    var ts = timespec()
    guard clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0 else { return 0 }
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// Pins the process to one CPU so that the figures are for one core. Returns the CPU, or nil.
func pinToOneCPU(_ requested: Int?) -> Int? {
    let cpu = requested ?? Int(bench_current_cpu())
    guard cpu >= 0 else { return nil }
    return bench_pin_to_cpu(CInt(cpu)) == 0 ? cpu : nil
}

/// `1234567.8` → `1,234,568`.
func grouped(_ x: Double) -> String {
    let digits = String(Int(x.rounded()))
    var out = ""
    for (i, c) in digits.reversed().enumerated() {
        if i > 0 && i % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return String(out.reversed())
}

func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
    let n = s.count
    guard n < width else { return s }
    let fill = String(repeating: " ", count: width - n)
    return right ? fill + s : s + fill
}
