using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using AigcMesh.Contracts.Datasets;
using AigcMesh.Datasets.Manifest;
using AigcMesh.Datasets.Tokenizers;
using AigcMesh.Storage;

namespace AigcMesh.Datasets.Writing;

/// <summary>The outcome of storing a data set: its id, its manifest, and whether the same data set was stored before.</summary>
public sealed record DatasetWriteResult(string DatasetId, DatasetManifest Manifest, bool AlreadyExisted);

/// <summary>
/// Preprocesses decoded images or text records and stores them as a data set: seeded split, shards, tokenizers,
/// statistics and the canonical manifest. Everything goes through <see cref="StagedArtifacts"/>, so an exception
/// leaves no artifact of this import behind.
/// </summary>
public sealed class DatasetWriter(ArtifactStore store)
{
    /// <summary>BPE merges are learned from at most this many characters of the training split (keeps imports fast).</summary>
    public const int MaxBpeTrainingChars = 1_000_000;
    public const string RecordSeparator = "\n\n";

    public Task<DatasetWriteResult> WriteImagesAsync(
        ImageCollection images, DatasetImportOptions options, string sourceKind,
        IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Task.Run(() => WriteImages(images, options, sourceKind, progress, cancellationToken), cancellationToken);

    public Task<DatasetWriteResult> WriteTextAsync(
        IReadOnlyList<string> records, DatasetImportOptions options, string sourceKind,
        IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Task.Run(() => WriteText(records, options, sourceKind, progress, cancellationToken), cancellationToken);

    public DatasetWriteResult WriteImages(
        ImageCollection images, DatasetImportOptions options, string sourceKind,
        IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        images.Validate();
        using var builder = BeginImages(images.Count, images.Channels, images.Height, images.Width, images.ClassNames, options, sourceKind, progress);
        var imageBytes = images.ImageBytes;
        for (var n = 0; n < images.Count; n++)
        {
            if (n % 4096 == 0) cancellationToken.ThrowIfCancellationRequested();
            builder.Add(images.Pixels.AsSpan(n * imageBytes, imageBytes), images.Labels[n]);
        }
        return builder.Complete();
    }

    /// <summary>Starts an image data set that is written as its images arrive, in one pass (see <see cref="ImageDatasetBuilder"/>).</summary>
    public ImageDatasetBuilder BeginImages(
        int count, int channels, int height, int width, IReadOnlyList<string> classNames, DatasetImportOptions options, string sourceKind,
        IProgress<ImportProgress>? progress = null) =>
        new(store, count, channels, height, width, classNames, options, sourceKind, progress);

    public DatasetWriteResult WriteText(
        IReadOnlyList<string> records, DatasetImportOptions options, string sourceKind,
        IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var normalized = records.Select(TextNormalizer.Normalize).Where(r => !string.IsNullOrWhiteSpace(r)).ToList();
        if (normalized.Count == 0) throw new InvalidDatasetSourceException("The corpus is empty (no text after normalisation).");
        if (options.BpeVocabularySize is < 2 or > 1_000_000)
        {
            throw new InvalidDatasetSourceException($"The BPE vocabulary size must be between 2 and 1,000,000 (got {options.BpeVocabularySize}).");
        }
        if (normalized.Count < 20) normalized = Rechunk(string.Join(RecordSeparator, normalized));

        var split = SeededSplit.Create(normalized.Count, options.ValidationFraction, options.TestFraction, options.Seed);
        var texts = SeededSplit.All.ToDictionary(s => s, s => string.Join(RecordSeparator, split.Of(s).Select(i => normalized[i])));
        var alphabet = CharTokenizer.AlphabetOf(string.Concat(texts.Values));
        progress?.Report(new ImportProgress("training tokenizer", 0, null));
        var trainText = texts[DatasetSplit.Train];
        var bpe = BpeTrainer.Train(alphabet, trainText.Length > MaxBpeTrainingChars ? trainText[..MaxBpeTrainingChars] : trainText, options.BpeVocabularySize);
        var tokenizers = new ITextTokenizer[] { new CharTokenizer(alphabet), bpe };

        using var staged = new StagedArtifacts(store);
        var splitTexts = new List<TextSplitText>();
        foreach (var which in SeededSplit.All)
        {
            splitTexts.Add(new TextSplitText(which, split.Of(which).Length, texts[which].Length, staged.Put(Encoding.UTF8.GetBytes(texts[which]))));
        }
        var tokenizations = new List<TextTokenization>();
        var tokenCounts = new Dictionary<(string, DatasetSplit), long>();
        foreach (var tokenizer in tokenizers)
        {
            cancellationToken.ThrowIfCancellationRequested();
            progress?.Report(new ImportProgress($"encoding with {tokenizer.Kind}", 0, null));
            var shards = new List<TokenShard>();
            foreach (var which in SeededSplit.All)
            {
                var ids = tokenizer.Encode(texts[which]);
                tokenCounts[(tokenizer.Kind, which)] = ids.Length;
                shards.Add(new TokenShard(which, ids.Length, staged.Put(Int32Bytes(ids))));
            }
            tokenizations.Add(new TextTokenization(tokenizer.Kind, tokenizer.VocabularySize, staged.Put(TokenizerJson.Serialize(tokenizer)), shards));
        }
        var statistics = new DatasetStatistics(
            [.. SeededSplit.All.Select(s => new SplitStatistics(s, split.Of(s).Length, null, texts[s].Length,
                tokenCounts[(CharTokenizer.KindName, s)], tokenCounts[(BpeTokenizer.KindName, s)]))],
            null, null, tokenizers[0].VocabularySize, bpe.VocabularySize);
        var manifest = new DatasetManifest(
            DatasetManifest.CurrentFormatVersion,
            DatasetModality.Text,
            sourceKind,
            null,
            new TextManifest(
                new TextPreprocessing(TextNormalizer.Form, RecordSeparator, options.ValidationFraction, options.TestFraction, options.Seed, options.BpeVocabularySize),
                splitTexts, tokenizations),
            statistics);
        return Finish(staged, manifest);
    }

    internal static DatasetWriteResult Finish(StagedArtifacts staged, DatasetManifest manifest)
    {
        var json = ManifestJson.Serialize(manifest);
        var id = ArtifactId.FromHash(System.Security.Cryptography.SHA256.HashData(json));
        var existed = staged.Store.Exists(id);
        staged.Put(json);
        staged.Commit();
        return new DatasetWriteResult(id.Value, manifest, existed);
    }

    /// <summary>Too few records to split: cut the text into about 20 pieces at line (or space) boundaries.</summary>
    private static List<string> Rechunk(string text)
    {
        var target = Math.Max(1, text.Length / 20);
        var pieces = new List<string>();
        var start = 0;
        while (start < text.Length)
        {
            var end = Math.Min(text.Length, start + target);
            if (end < text.Length)
            {
                var newline = text.IndexOf('\n', end);
                var space = text.IndexOf(' ', end);
                end = newline >= 0 && newline - end < target ? newline : space >= 0 ? space : text.Length;
            }
            var piece = text[start..end].Trim();
            if (piece.Length > 0) pieces.Add(piece);
            start = end;
        }
        return pieces;
    }

    private static byte[] Int32Bytes(int[] ids)
    {
        var bytes = new byte[ids.Length * sizeof(int)];
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(ids.AsSpan()).CopyTo(bytes);
        }
        else
        {
            for (var i = 0; i < ids.Length; i++) BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * 4), ids[i]);
        }
        return bytes;
    }
}
