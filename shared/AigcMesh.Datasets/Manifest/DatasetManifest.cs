using AigcMesh.Contracts.Datasets;

namespace AigcMesh.Datasets.Manifest;

/// <summary>
/// The canonical description of a stored data set. Its canonical JSON (<see cref="ManifestJson"/>) is stored in the
/// artifact store and the SHA-256 of those bytes is the data set's id: no timestamps, no user-given names, only the
/// shard artifact ids, the preprocessing that made them and their statistics, so the same content always gives the
/// same id.
/// </summary>
public sealed record DatasetManifest(
    int FormatVersion,
    DatasetModality Modality,
    string SourceKind,
    ImageManifest? Image,
    TextManifest? Text,
    DatasetStatistics Statistics)
{
    public const int CurrentFormatVersion = 1;
}

/// <summary>Image shards: per split one file of fixed-size uint8 CHW records and one file of little-endian int32 labels.</summary>
public sealed record ImageManifest(
    ImagePreprocessing Preprocessing,
    int Channels,
    int Height,
    int Width,
    IReadOnlyList<string> ClassNames,
    IReadOnlyList<ImageShard> Shards);

public sealed record ImagePreprocessing(
    int ImageSize,
    int Channels,
    double ValidationFraction,
    double TestFraction,
    int Seed,
    string Resize,
    string PixelScaling);

public sealed record ImageShard(DatasetSplit Split, long Count, string PixelsArtifactId, string LabelsArtifactId);

/// <summary>Text of each split (normalised UTF-8) and, per tokenizer, the token ids of each split as little-endian int32.</summary>
public sealed record TextManifest(
    TextPreprocessing Preprocessing,
    IReadOnlyList<TextSplitText> Texts,
    IReadOnlyList<TextTokenization> Tokenizations);

public sealed record TextPreprocessing(
    string Normalization,
    string RecordSeparator,
    double ValidationFraction,
    double TestFraction,
    int Seed,
    int BpeVocabularySize);

public sealed record TextSplitText(DatasetSplit Split, long RecordCount, long CharCount, string TextArtifactId);

public sealed record TextTokenization(string Kind, int VocabularySize, string TokenizerArtifactId, IReadOnlyList<TokenShard> Shards);

public sealed record TokenShard(DatasetSplit Split, long TokenCount, string TokensArtifactId);

public sealed record DatasetStatistics(
    IReadOnlyList<SplitStatistics> Splits,
    IReadOnlyList<double>? ChannelMeans,
    IReadOnlyList<double>? ChannelStds,
    int? CharVocabularySize,
    int? BpeVocabularySize);

/// <summary>Per split: item count (images or text records), images per class, characters and tokens per tokenizer.</summary>
public sealed record SplitStatistics(
    DatasetSplit Split,
    long Count,
    IReadOnlyList<long>? ClassCounts,
    long? CharCount,
    long? CharTokenCount,
    long? BpeTokenCount);
