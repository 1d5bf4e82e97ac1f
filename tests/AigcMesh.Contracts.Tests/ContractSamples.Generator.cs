using AigcMesh.Contracts.Generation;

namespace AigcMesh.Contracts.Tests;

public static partial class ContractSamples
{
    public static IEnumerable<IPipelineMessage> GeneratorSamples()
    {
        var generation = Guid.Parse("3e2a1b22-0c8d-4f4a-d3b5-4a6b7c8d9eaf");
        var model = new GeneratorModel(Model, 2, "dcgan", Dataset, Dataset, new Dictionary<string, string> { ["latent_size"] = "32" });
        yield return new GenerateImages(Correlation, generation, model, 4, 42, 3, 77);
        yield return new ReconstructImages(Correlation, generation, model, 1, [0, 127, 255]);
        yield return new ImagesGenerated(Correlation, generation, Model, [[0x89, 0x50]], [0x89, 0x50, 0x4e], 1.5, 8, "worker-1");
        yield return new GenerateText(Correlation, generation, model, new TextGenerationOptions("Once", 20, 0.8, 40, 0.95, ["\n\n"], 9), true);
        yield return new TextGenerated(Correlation, generation, Model, "Once upon", 5, 3, "stop", 12.5, "worker-2");
        yield return new GenerationTokenProduced(Correlation, generation, 3, " upon");
        yield return new GenerationRejected(Correlation, generation, Model, GenerationRejectionKind.Busy, "queue full", 2);
        yield return new CancelGeneration(Correlation, generation, "caller disconnected");
    }
}
