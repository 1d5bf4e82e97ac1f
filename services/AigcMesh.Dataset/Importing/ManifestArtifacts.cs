using AigcMesh.Datasets.Manifest;

namespace AigcMesh.Dataset.Importing;

/// <summary>Every artifact a data set's manifest names, and the manifest itself.</summary>
public static class ManifestArtifacts
{
    public static IReadOnlyList<string> Of(string datasetId, DatasetManifest manifest)
    {
        var ids = new List<string> { datasetId };
        if (manifest.Image is { } image)
        {
            foreach (var shard in image.Shards)
            {
                ids.Add(shard.PixelsArtifactId);
                ids.Add(shard.LabelsArtifactId);
            }
        }
        if (manifest.Text is { } text)
        {
            ids.AddRange(text.Texts.Select(t => t.TextArtifactId));
            foreach (var tokenization in text.Tokenizations)
            {
                ids.Add(tokenization.TokenizerArtifactId);
                ids.AddRange(tokenization.Shards.Select(s => s.TokensArtifactId));
            }
        }
        return [.. ids.Distinct(StringComparer.Ordinal)];
    }
}
