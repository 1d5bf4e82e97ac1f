namespace AigcMesh.Datasets.Importing;

/// <summary>One input file of an import: a name (for messages and class folders), its length, and a way to open it.</summary>
public sealed record SourceFile(string Name, long Length, Func<Stream> Open)
{
    /// <summary>A file on disk, named by <paramref name="name"/> (default: its file name).</summary>
    public static SourceFile FromDisk(string path, string? name = null) =>
        new(name ?? Path.GetFileName(path), new FileInfo(path).Length,
            () => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan));

    /// <summary>
    /// The files of a path already checked to be acceptable: the file itself, or every regular file under the folder
    /// (recursively, ordinal order of relative path, named by that relative path with '/'), leaving out symbolic links,
    /// hidden entries (names starting with '.') and fortune index files (*.dat).
    /// </summary>
    public static IReadOnlyList<SourceFile> FromPath(string path)
    {
        if (File.Exists(path)) return [FromDisk(path)];
        if (!Directory.Exists(path)) throw new InvalidDatasetSourceException($"'{path}' does not exist.");
        var root = Path.GetFullPath(path);
        var files = new List<SourceFile>();
        foreach (var file in Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint | FileAttributes.Hidden }))
        {
            var relative = Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/');
            if (relative.Split('/').Any(s => s.StartsWith('.')) || relative.EndsWith(".dat", StringComparison.OrdinalIgnoreCase)) continue;
            files.Add(FromDisk(file, relative));
        }
        files.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return files;
    }
}
