namespace AigcMesh.Hosting;

/// <summary>Where a service keeps its files; bound from the "Storage" configuration section.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>The service's own folder for its Sqlite database. Default: ./data under the working directory.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>The artifact store's root, shared by all services. Default: artifacts under <see cref="DataDirectory"/>.</summary>
    public string? ArtifactDirectory { get; set; }

    public string ResolvedArtifactDirectory => ArtifactDirectory ?? Path.Combine(DataDirectory, "artifacts");
}
