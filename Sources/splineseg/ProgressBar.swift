/// A one-line progress bar with slices/s on stderr, redrawn in place with "\r". Disabled when
/// stderr is not a terminal (logs stay clean) unless forced with --progress.
struct ProgressBar {
    let total: Int
    let enabled: Bool
    private var done = 0
    private let start = monotonicNanoseconds()
    private var lastDraw: UInt64 = 0

    init(total: Int, enabled: Bool) {
        self.total = total
        self.enabled = enabled
    }

    mutating func advance() {
        done += 1
        let now = monotonicNanoseconds()
        // At most ~10 redraws per second, and always the last one.
        if enabled && (now - lastDraw > 100_000_000 || done == total) {
            lastDraw = now
            draw(now)
        }
    }

    func finish() {
        if enabled { printError("") }
    }

    private func draw(_ now: UInt64) {
        let width = 30
        let filled = total > 0 ? width * done / total : width
        let seconds = Double(now - start) / 1e9
        let rate = seconds > 0 ? Double(done) / seconds : 0
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let line = "\r[\(bar)] \(done)/\(total) slices, \(fixed(rate, 1)) slices/s"
        Array(line.utf8).withUnsafeBytes { _ = writeAll(fd: 2, $0) }
    }
}
