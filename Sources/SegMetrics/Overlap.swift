/// Voxel counts of the confusion matrix (foreground = nonzero).
struct ConfusionCounts {
    var truePositive = 0, falsePositive = 0, falseNegative = 0, trueNegative = 0

    init(prediction: [UInt8], groundTruth: [UInt8]) {
        for (p, g) in zip(prediction, groundTruth) {
            switch (p != 0, g != 0) {
            case (true, true): truePositive += 1
            case (true, false): falsePositive += 1
            case (false, true): falseNegative += 1
            case (false, false): trueNegative += 1
            }
        }
    }

    var total: Int { truePositive + falsePositive + falseNegative + trueNegative }
    var predictionEmpty: Bool { truePositive + falsePositive == 0 }
    var truthEmpty: Bool { truePositive + falseNegative == 0 }

    /// (TP + TN) / N.
    var accuracy: Double { Double(truePositive + trueNegative) / Double(total) }
    /// 2TP / (|P| + |G|); 1 when both are empty.
    var dice: Double {
        let denominator = 2 * truePositive + falsePositive + falseNegative
        return denominator == 0 ? 1 : Double(2 * truePositive) / Double(denominator)
    }
    /// TP / |P ∪ G|; 1 when both are empty.
    var jaccard: Double {
        let union = truePositive + falsePositive + falseNegative
        return union == 0 ? 1 : Double(truePositive) / Double(union)
    }
}
