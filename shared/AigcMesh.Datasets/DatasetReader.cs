using AigcMesh.Contracts.Datasets;
using AigcMesh.Datasets.Manifest;
using AigcMesh.Datasets.Reading;
using AigcMesh.Datasets.Tokenizers;
using AigcMesh.Storage;

namespace AigcMesh.Datasets;

/// <summary>Opens a stored data set from its id alone (the id of its manifest in the artifact store).</summary>
public static class DatasetReader
{
    public static DatasetManifest ReadManifest(ArtifactStore store, string datasetId) => ManifestJson.Load(store, datasetId);

    public static IImageDataset OpenImages(ArtifactStore store, string datasetId)
    {
        var manifest = ManifestJson.Load(store, datasetId);
        if (manifest.Modality != DatasetModality.Image || manifest.Image is null)
        {
            throw new InvalidOperationException($"Data set {datasetId} holds {manifest.Modality.ToString().ToLowerInvariant()}, not images.");
        }
        return new MappedImageDataset(store, datasetId, manifest.Image);
    }

    /// <summary>Opens a text data set with its "bpe" (default) or "char" tokenization.</summary>
    public static ITextDataset OpenText(ArtifactStore store, string datasetId, string tokenizerKind = BpeTokenizer.KindName)
    {
        var manifest = ManifestJson.Load(store, datasetId);
        if (manifest.Modality != DatasetModality.Text || manifest.Text is null)
        {
            throw new InvalidOperationException($"Data set {datasetId} holds {manifest.Modality.ToString().ToLowerInvariant()}, not text.");
        }
        var tokenization = manifest.Text.Tokenizations.FirstOrDefault(t => t.Kind == tokenizerKind)
            ?? throw new InvalidOperationException($"Data set {datasetId} has no '{tokenizerKind}' tokenization.");
        return new MappedTextDataset(store, datasetId, manifest.Text, tokenization, LoadTokenizer(store, tokenization.TokenizerArtifactId));
    }

    public static ITextTokenizer LoadTokenizer(ArtifactStore store, string tokenizerArtifactId)
    {
        using var stream = store.OpenRead(ArtifactId.Parse(tokenizerArtifactId));
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return TokenizerJson.Deserialize(buffer.ToArray());
    }
}
