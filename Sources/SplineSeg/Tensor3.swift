/// One activation in CHW layout (batch 1): data[(c * height + y) * width + x].
struct Tensor3: Sendable {
    var channels: Int
    var height: Int
    var width: Int
    var data: [Float]

    init(channels: Int, height: Int, width: Int, data: [Float]) {
        precondition(data.count == channels * height * width, "Tensor3: data/shape mismatch (internal bug)")
        self.channels = channels
        self.height = height
        self.width = width
        self.data = data
    }

    init(channels: Int, height: Int, width: Int) {
        self.init(channels: channels, height: height, width: width,
                  data: [Float](repeating: 0, count: channels * height * width))
    }

    var plane: Int { height * width }
    /// NCHW shape as in the golden fixtures: [1, C, H, W].
    var shape: [Int] { [1, channels, height, width] }
}
