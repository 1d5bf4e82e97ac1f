using AigcMesh.Contracts.Datasets;
using AigcMesh.Datasets.Writing;
using AigcMesh.Storage;

namespace AigcMesh.Datasets.BuiltIn;

/// <summary>
/// Real, small data sets stored in a moment: for the embedded default and for other components' tests
/// (trainers, generators, evaluators) that need a data set id to open.
/// </summary>
public static class BuiltInDatasets
{
    public const string SyntheticImagesSource = "synthetic-images";
    public const string SyntheticTextSource = "synthetic-text";

    /// <summary>Stores <paramref name="count"/> synthetic shape images (1 x size x size, 4 classes) and returns the data set id.</summary>
    public static async Task<string> ImportSyntheticImagesAsync(
        ArtifactStore store, int count = 512, DatasetImportOptions? options = null, CancellationToken cancellationToken = default)
    {
        var result = await WriteSyntheticImagesAsync(store, count, options, cancellationToken);
        return result.DatasetId;
    }

    public static Task<DatasetWriteResult> WriteSyntheticImagesAsync(
        ArtifactStore store, int count = 512, DatasetImportOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new DatasetImportOptions();
        var images = SyntheticShapes.Draw(count, options.ImageSize, options.Seed);
        return new DatasetWriter(store).WriteImagesAsync(images, options, SyntheticImagesSource, cancellationToken: cancellationToken);
    }

    /// <summary>Stores the built-in corpus (char and BPE tokenizations) and returns the data set id.</summary>
    public static async Task<string> ImportSyntheticTextAsync(
        ArtifactStore store, DatasetImportOptions? options = null, CancellationToken cancellationToken = default)
    {
        var result = await WriteSyntheticTextAsync(store, options, cancellationToken);
        return result.DatasetId;
    }

    public static Task<DatasetWriteResult> WriteSyntheticTextAsync(
        ArtifactStore store, DatasetImportOptions? options = null, CancellationToken cancellationToken = default) =>
        new DatasetWriter(store).WriteTextAsync(BuiltInCorpus.Paragraphs(), options ?? new DatasetImportOptions(BpeVocabularySize: 256), SyntheticTextSource,
            cancellationToken: cancellationToken);
}
