using AigcMesh.Contracts;
using AigcMesh.Contracts.Datasets;
using AigcMesh.Contracts.Evaluation;
using AigcMesh.Contracts.Generation;
using AigcMesh.Contracts.Training;

namespace AigcMesh.Contracts.Tests;

/// <summary>
/// One fully populated instance of every message contract (no property left at its default). Each area keeps its
/// samples in its own file (ContractSamples.Area.cs) as a static method named *Samples; <see cref="All"/> finds them.
/// </summary>
public static partial class ContractSamples
{
    private static readonly Guid Correlation = Guid.Parse("0b5e2b47-1a52-4a3f-9d3c-7d0f6f1e2a10");
    private static readonly Guid Run = Guid.Parse("1c0e9f00-8a6b-4d2e-b1f3-2e4f5a6b7c8d");
    private static readonly Guid Model = Guid.Parse("2d1f0a11-9b7c-4e3f-c2a4-3f5a6b7c8d9e");
    private const string Dataset = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private static readonly Dictionary<string, double> Metrics = new() { ["loss"] = 0.25, ["fid"] = 12.5 };

    public static IEnumerable<IPipelineMessage> All() =>
        typeof(ContractSamples).GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(m => m.Name.EndsWith("Samples", StringComparison.Ordinal) && m.GetParameters().Length == 0
                && m.ReturnType == typeof(IEnumerable<IPipelineMessage>))
            .OrderBy(m => m.Name, StringComparer.Ordinal)
            .SelectMany(m => (IEnumerable<IPipelineMessage>)m.Invoke(null, null)!);

    public static IEnumerable<IPipelineMessage> FoundationSamples()
    {
        yield return new ImportDataset(Correlation, Guid.NewGuid(), "fashion", DatasetSourceKind.Idx, ["a", "b"], "/data/f", new DatasetImportOptions(32, 3, 0.2, 0.05, 7, 1000, "body"));
        yield return new DatasetImportProgressed(Correlation, Guid.NewGuid(), "decode", 10, 100);
        yield return new DatasetImported(Correlation, Guid.NewGuid(), Dataset, "fashion", DatasetModality.Text, 50, 6, 7, 10, true);
        yield return new DatasetImportFailed(Correlation, Guid.NewGuid(), "fashion", "bad magic");
        yield return new DatasetDeleted(Correlation, Dataset);
        yield return new StartTraining(Correlation, Run, Dataset, "gpt", new Dictionary<string, string> { ["learning_rate"] = "0.001" }, new TrainingBudget(100, 60.5), 42, DevicePreference.Cuda, Guid.NewGuid());
        yield return new TrainingStarted(Correlation, Run, "trainer-1", "cpu", 20, 123456);
        yield return new TrainingProgressed(Correlation, Run, 10, 100, Metrics, 0.001, 55.5, 12.5, Dataset);
        yield return new CancelTraining(Correlation, Run, "user asked");
        yield return new TrainingCancelled(Correlation, Run, 12, "user asked");
        yield return new TrainingCompleted(Correlation, Run, Model, 100, Metrics);
        yield return new TrainingFailed(Correlation, Run, "out of memory");
        yield return new ModelRegistered(Correlation, Model, 3, "vae", Dataset, Run, Dataset, new Dictionary<string, string> { ["latent"] = "16" }, Metrics);
        yield return new GenerateContent(Correlation, Guid.NewGuid(), Model, new ImageGenerationOptions(8, 5, 3), new TextGenerationOptions("Once", 20, 0.8, 40, 0.95, ["\n\n"], 9));
        yield return new ContentGenerated(Correlation, Guid.NewGuid(), Model, [Dataset], Dataset, "text", 3.5);
        yield return new GenerationFailed(Correlation, Guid.NewGuid(), Model, "no such model");
        yield return new EvaluateModel(Correlation, Guid.NewGuid(), Model, 2048);
        yield return new EvaluationCompleted(Correlation, Guid.NewGuid(), Model, Dataset, Metrics, new Dictionary<string, double> { ["gzip_bpc"] = 2.9 });
        yield return new EvaluationFailed(Correlation, Guid.NewGuid(), Model, "dataset deleted");
    }
}
