import Foundation

/// What a path given to `evaluate` holds. Detection is by file name (extension) and directory
/// contents; the decoders then check the bytes themselves.
enum MaskSource {
    case niftiFile(String)
    case pngFile(String)
    /// PNG slices of one volume, in stacking order (natural file-name order).
    case pngDirectory(String, [String])
    /// NIfTI volumes, one per case, keyed by name without .nii/.nii.gz.
    case niftiDirectory(String, [String: String])

    var kindName: String {
        switch self {
        case .niftiFile: return "a NIfTI file"
        case .pngFile: return "a PNG file"
        case .pngDirectory: return "a directory of PNG slices"
        case .niftiDirectory: return "a directory of NIfTI volumes"
        }
    }
}

func isNIfTIName(_ name: String) -> Bool {
    let lower = name.lowercased()
    return lower.hasSuffix(".nii") || lower.hasSuffix(".nii.gz")
}

func isPNGName(_ name: String) -> Bool { name.lowercased().hasSuffix(".png") }

/// "case.nii.gz" -> "case".
func niftiStem(_ name: String) -> String {
    let lower = name.lowercased()
    if lower.hasSuffix(".nii.gz") { return String(name.dropLast(7)) }
    if lower.hasSuffix(".nii") { return String(name.dropLast(4)) }
    return name
}

func baseName(_ path: String) -> String {
    var p = path
    while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
    return p.split(separator: "/").last.map(String.init) ?? p
}

func joinPath(_ dir: String, _ name: String) -> String { dir.hasSuffix("/") ? dir + name : dir + "/" + name }

/// Classifies `path`; hidden files and files of other types inside a directory are ignored.
func classifyMaskSource(_ path: String) throws(CLIError) -> MaskSource {
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
        throw .inputMissing("\(path): no such file or directory; check the path")
    }
    if !isDir.boolValue {
        if isNIfTIName(path) { return .niftiFile(path) }
        if isPNGName(path) { return .pngFile(path) }
        throw .inputCorrupt("\(path): unsupported file type; give a .nii/.nii.gz volume, a .png slice or a directory of them")
    }
    let names: [String]
    do {
        names = try FileManager.default.contentsOfDirectory(atPath: path)
    } catch {
        throw .inputMissing("\(path): cannot list the directory; check its permissions")
    }
    let visible = names.filter { !$0.hasPrefix(".") }
    let pngs = visible.filter(isPNGName).sorted(by: naturalLess)
    let niftis = visible.filter(isNIfTIName)
    if !pngs.isEmpty && !niftis.isEmpty {
        throw .inputCorrupt("\(path): directory mixes PNG slices and NIfTI volumes; keep one kind per directory")
    }
    if !pngs.isEmpty { return .pngDirectory(path, pngs) }
    if niftis.isEmpty {
        throw .inputMissing("\(path): directory has no .png or .nii/.nii.gz files; check the path")
    }
    var byStem = [String: String]()
    for name in niftis {
        let stem = niftiStem(name)
        if let other = byStem[stem] {
            throw .inputCorrupt("\(path): both \(other) and \(name) are case '\(stem)'; keep one of them")
        }
        byStem[stem] = name
    }
    return .niftiDirectory(path, byStem)
}

/// File-name order with digit runs compared as numbers, so slice_2 stacks before slice_10.
func naturalLess(_ a: String, _ b: String) -> Bool {
    var i = a.unicodeScalars.makeIterator(), j = b.unicodeScalars.makeIterator()
    var ca = i.next(), cb = j.next()
    func isDigit(_ c: Unicode.Scalar?) -> Bool { c.map { $0.value >= 48 && $0.value <= 57 } ?? false }
    while let x = ca, let y = cb {
        if isDigit(x) && isDigit(y) {
            var da = "", db = ""
            while let c = ca, isDigit(c) { da.unicodeScalars.append(c); ca = i.next() }
            while let c = cb, isDigit(c) { db.unicodeScalars.append(c); cb = j.next() }
            let ta = da.drop { $0 == "0" }, tb = db.drop { $0 == "0" }
            if ta.count != tb.count { return ta.count < tb.count }
            if ta != tb { return ta < tb }
            if da.count != db.count { return da.count < db.count }
            continue
        }
        if x != y { return x.value < y.value }
        ca = i.next()
        cb = j.next()
    }
    return ca == nil && cb != nil
}

/// "a, b, c (+4 more)" for error messages.
func listSome(_ names: [String], limit: Int = 3) -> String {
    let shown = names.prefix(limit).joined(separator: ", ")
    return names.count > limit ? "\(shown) (+\(names.count - limit) more)" : shown
}
