using AigcMesh.Storage;
using AigcMesh.Testing;

namespace AigcMesh.Datasets.Tests;

/// <summary>A fresh artifact store in a temporary folder, with a count of what it holds.</summary>
public sealed class TempStore : IDisposable
{
    private readonly TempDirectory directory = new();

    public TempStore() => Store = new ArtifactStore(directory.Path);

    public ArtifactStore Store { get; }

    /// <summary>Stored artifacts (temporary files excluded).</summary>
    public int ArtifactCount => Directory.EnumerateFiles(directory.Path, "*", SearchOption.AllDirectories)
        .Count(f => !f.Contains($"{Path.DirectorySeparatorChar}tmp{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    public int TemporaryFileCount => Store.PendingTemporaryFiles().Count();

    public void Dispose() => directory.Dispose();
}
