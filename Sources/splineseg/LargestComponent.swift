/// Keeps only the largest 6-connected foreground component of a 0/1 volume (x fastest), in
/// place. Ties go to the component found first in memory order. An explicit stack (not
/// recursion) so a volume-filling component cannot overflow the thread's stack.
func keepLargestComponent(_ mask: inout [UInt8], nx: Int, ny: Int, nz: Int) {
    var label = [Int32](repeating: 0, count: mask.count)
    var sizes: [Int] = [0]  // sizes[l] for label l; 0 is background
    var stack: [Int] = []
    for start in mask.indices where mask[start] != 0 && label[start] == 0 {
        let l = Int32(sizes.count)
        var size = 0
        label[start] = l
        stack.append(start)
        while let v = stack.popLast() {
            size += 1
            let x = v % nx, y = (v / nx) % ny, z = v / (nx * ny)
            func visit(_ n: Int) {
                if mask[n] != 0 && label[n] == 0 {
                    label[n] = l
                    stack.append(n)
                }
            }
            if x > 0 { visit(v - 1) }
            if x < nx - 1 { visit(v + 1) }
            if y > 0 { visit(v - nx) }
            if y < ny - 1 { visit(v + nx) }
            if z > 0 { visit(v - nx * ny) }
            if z < nz - 1 { visit(v + nx * ny) }
        }
        sizes.append(size)
    }
    guard sizes.count > 2 else { return }  // zero or one component: nothing to remove
    let best = Int32(sizes.indices.dropFirst().max { sizes[$0] < sizes[$1] || (sizes[$0] == sizes[$1] && $0 > $1) }!)
    for i in mask.indices where label[i] != best { mask[i] = 0 }
}
