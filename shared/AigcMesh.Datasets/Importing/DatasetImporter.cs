using System.Runtime.CompilerServices;
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
                return ImportIdx(writer, files, options, sourceKind, progress, cancellationToken);
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

    /// <summary>IDX sources are streamed: decompressed once, each image fitted if the options ask and written straight to its split's shard.</summary>
    private DatasetWriteResult ImportIdx(
        DatasetWriter writer, IReadOnlyList<SourceFile> files, DatasetImportOptions options, string sourceKind,
        IProgress<ImportProgress>? progress, CancellationToken cancellationToken)
    {
        ImageConverter.CheckTarget(options.Channels, options.ImageSize);
        ImageDatasetBuilder? builder = null;
        try
        {
            int[] labels = [];
            ImageConformer? conformer = null;
            new IdxImporter(limits).ReadImages(
                files,
                layout =>
                {
                    labels = layout.Labels;
                    var same = layout.Channels == options.Channels && layout.Height == options.ImageSize && layout.Width == options.ImageSize;
                    conformer = same ? null : new ImageConformer(layout.Channels, layout.Height, layout.Width, options.Channels, options.ImageSize);
                    builder = same
                        ? writer.BeginImages(layout.Count, layout.Channels, layout.Height, layout.Width, layout.ClassNames, options, sourceKind, progress)
                        : writer.BeginImages(layout.Count, options.Channels, options.ImageSize, options.ImageSize, layout.ClassNames, options, sourceKind, progress);
                },
                [MethodImpl(MethodImplOptions.AggressiveOptimization)] (index, image) => builder!.Add(conformer is null ? image : conformer.Convert(image), labels[index]),
                progress: null,
                cancellationToken);
            return builder!.Complete();
        }
        finally
        {
            builder?.Dispose();
        }
    }
}
