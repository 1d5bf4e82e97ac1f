using AigcMesh.Storage;

namespace AigcMesh.Evaluator.Optimisation;

/// <summary>
/// The kept images of a content optimisation, read back by artifact id. Only PNGs are served: the artifact store
/// also holds weights and data set shards, which this endpoint must not hand out.
/// </summary>
public static class OptimisedImages
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static string UrlOf(string artifactId) => $"/api/evaluations/optimised/{artifactId}";

    /// <summary>The PNG stored as <paramref name="artifactId"/>, or null when there is none (unknown id, or not a PNG).</summary>
    public static Stream? OpenPng(ArtifactStore store, string artifactId)
    {
        if (!ArtifactId.TryParse(artifactId, out var id) || !store.Exists(id)) return null;
        var stream = store.OpenRead(id);
        Span<byte> head = stackalloc byte[PngSignature.Length];
        if (stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) == head.Length && head.SequenceEqual(PngSignature))
        {
            stream.Position = 0;
            return stream;
        }
        stream.Dispose();
        return null;
    }
}
