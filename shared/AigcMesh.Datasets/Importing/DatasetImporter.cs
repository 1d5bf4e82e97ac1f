using AigcMesh.Contracts.Datasets;
using AigcMesh.Datasets.BuiltIn;
using AigcMesh.Datasets.Writing;
using AigcMesh.Storage;

namespace AigcMesh.Datasets.Importing;

/// <summary>
/// Imports a data set of any supported source kind into the artifact store: reads the sources with the importer
/// for their format, then stores them with <see cref="DatasetWriter"/> (seeded split, shards, tokenizers,
/// statistics, manifest). A refused source throws <see cref="InvalidDatasetSourceException"/> naming the cause,
/// and nothing of the import is left in the store.
/// </summary>
public sealed class DatasetImporter(ArtifactStore store, ImportLimits limits)
{
    /// <summary>How many synthetic images the built-in image set holds (the same as <see cref="BuiltInDatasets"/>' default, so ids agree).</summary>
    public const int SyntheticImageCount = 512;

    public Task<DatasetWriteResult> ImportAsync(
        DatasetSourceKind kind, IReadOnlyList<SourceFile> files, DatasetImportOptions options,
        IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Task.Run(() => Import(kind, files, options, progress, cancellationToken), cancellationToken);

    public DatasetWriteResult Import(
        DatasetSourceKind kind, IReadOnlyList<SourceFile> files, DatasetImportOptions options,
        IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var writer = new DatasetWriter(store);
        var sourceKind = ImportSourceKinds.NameOf(kind);
        switch (kind)
        {
            case DatasetSourceKind.Idx:
                {
                    var images = new IdxImporter(limits).Read(files, progress, cancellationToken);
                    images = ImageConverter.Conform(images, options.Channels, options.ImageSize, progress, cancellationToken);
                    return writer.WriteImages(images, options, sourceKind, progress, cancellationToken);
                }
            case DatasetSourceKind.ImageFolder:
                {
                    var images = new ImageFolderImporter(limits).Read(files, options.Channels, options.ImageSize, progress, cancellationToken);
                    return writer.WriteImages(images, options, sourceKind, progress, cancellationToken);
                }
            case DatasetSourceKind.PlainText or DatasetSourceKind.FortuneText or DatasetSourceKind.JsonLines:
                {
                    var records = new TextImporter(limits).Read(kind, files, options.JsonTextField, cancellationToken);
                    return writer.WriteText(records, options, sourceKind, progress, cancellationToken);
                }
            case DatasetSourceKind.SyntheticImages:
                {
                    var images = SyntheticShapes.Draw(SyntheticImageCount, options.ImageSize is >= 8 and <= 256 ? options.ImageSize : 28, options.Seed);
                    images = ImageConverter.Conform(images, options.Channels, images.Height, progress, cancellationToken);
                    return writer.WriteImages(images, options, sourceKind, progress, cancellationToken);
                }
            case DatasetSourceKind.SyntheticText:
                return writer.WriteText(BuiltInCorpus.Paragraphs(), options, sourceKind, progress, cancellationToken);
            default:
                throw new InvalidDatasetSourceException($"Source kind {kind} is not supported.");
        }
    }
}
