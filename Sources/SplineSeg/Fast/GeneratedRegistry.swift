import GeneratedModels

/// Looks up a compiled-in generated function for a model's weights and plan.
enum GeneratedRegistry {
    static func entry(weightsSHA256: String, planHash: String) -> GeneratedEntry? {
        guard let m = generatedModels.first(where: { $0.weightsSHA256 == weightsSHA256 && $0.planHash == planHash })
        else { return nil }
        return GeneratedEntry(run: m.run)
    }
}
