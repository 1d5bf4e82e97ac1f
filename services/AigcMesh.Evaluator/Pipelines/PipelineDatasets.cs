using AigcMesh.Contracts.Datasets;
using AigcMesh.Datasets.BuiltIn;

namespace AigcMesh.Evaluator.Pipelines;

/// <summary>The built-in data sets a pipeline can import by name, and the default for a family's modality.</summary>
public static class PipelineDatasets
{
    public const string SyntheticImages = BuiltInDatasets.SyntheticImagesSource;
    public const string SyntheticText = BuiltInDatasets.SyntheticTextSource;

    public static IReadOnlyList<string> Names { get; } = [SyntheticImages, SyntheticText];

    public static DatasetModality ModalityOf(string builtIn) => builtIn == SyntheticText ? DatasetModality.Text : DatasetModality.Image;

    public static string DefaultFor(DatasetModality modality) => modality == DatasetModality.Text ? SyntheticText : SyntheticImages;
}
