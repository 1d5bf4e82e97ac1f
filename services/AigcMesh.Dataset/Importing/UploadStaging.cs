using System.Text.Json;

namespace AigcMesh.Dataset.Importing;

/// <summary>
/// The names of uploaded files, staged beside them in the shared artifact directory ("dataset-uploads/&lt;import
/// id&gt;.json") until their import ends. The files themselves are artifacts in the shared store, so with their names
/// staged here any dataset instance that consumes the ImportDataset command (a competing consumer on
/// "import-dataset") can import an upload that another instance received, whatever database it has.
/// </summary>
public sealed class UploadStaging
{
    public const string FolderName = "dataset-uploads";

    private readonly string directory;

    public UploadStaging(string artifactDirectory)
    {
        directory = Path.Combine(Path.GetFullPath(artifactDirectory), FolderName);
        Directory.CreateDirectory(directory);
    }

    /// <summary>Stages the names (written to a temporary file and renamed, so a reader never sees half of it).</summary>
    public async Task StageAsync(Guid importId, IReadOnlyList<string> artifactIds, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        var path = PathOf(importId);
        var temp = $"{path}.{Guid.NewGuid():N}.part";
        try
        {
            await File.WriteAllBytesAsync(temp, JsonSerializer.SerializeToUtf8Bytes(new StagedUpload(artifactIds, names)), cancellationToken);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>The staged names of an import's uploaded files, in the order of its artifact ids; null when none are staged for exactly these files.</summary>
    public async Task<IReadOnlyList<string>?> NamesAsync(Guid importId, IReadOnlyList<string> artifactIds, CancellationToken cancellationToken)
    {
        try
        {
            var staged = JsonSerializer.Deserialize<StagedUpload>(await File.ReadAllBytesAsync(PathOf(importId), cancellationToken));
            return staged is not null && staged.ArtifactIds.SequenceEqual(artifactIds, StringComparer.Ordinal) && staged.Names.Count == artifactIds.Count
                ? staged.Names
                : null;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Remove(Guid importId) => File.Delete(PathOf(importId));

    private string PathOf(Guid importId) => Path.Combine(directory, $"{importId:N}.json");

    private sealed record StagedUpload(IReadOnlyList<string> ArtifactIds, IReadOnlyList<string> Names);
}
