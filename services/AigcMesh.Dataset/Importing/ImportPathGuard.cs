using AigcMesh.Datasets;

namespace AigcMesh.Dataset.Importing;

/// <summary>
/// The only way a path given in a request or message reaches the file system: it must be absolute, and once
/// normalised ('..' removed) lie under one of the configured import roots; every component of it that is a
/// symbolic link must point under a root too, so a link cannot lead outside. Anything else is refused.
/// </summary>
public sealed class ImportPathGuard(IReadOnlyList<string> roots)
{
    private readonly string[] roots = [.. roots.Where(r => !string.IsNullOrWhiteSpace(r)).Select(Normalise)];

    public IReadOnlyList<string> Roots => roots;

    /// <summary>Returns the checked full path, or throws <see cref="ImportPathRefusedException"/>.</summary>
    public string Check(string? requested)
    {
        if (string.IsNullOrWhiteSpace(requested) || requested.Contains('\0', StringComparison.Ordinal))
        {
            throw new ImportPathRefusedException("A server path is required.");
        }
        if (!Path.IsPathFullyQualified(requested)) throw new ImportPathRefusedException($"'{requested}' is not an absolute path.");
        var full = Normalise(requested);
        var root = RootOf(full) ?? throw new ImportPathRefusedException(
            $"'{requested}' is outside the import roots{(roots.Length == 0 ? " (none are configured)" : "")}.");
        for (var current = full; current.Length > root.Length; current = Path.GetDirectoryName(current)!)
        {
            FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (info.LinkTarget is null) continue;
            var target = info.ResolveLinkTarget(returnFinalTarget: true)?.FullName;
            if (target is null || RootOf(Normalise(target)) is null)
            {
                throw new ImportPathRefusedException($"'{requested}' leads outside the import roots through a symbolic link.");
            }
        }
        if (!File.Exists(full) && !Directory.Exists(full)) throw new ImportPathRefusedException($"'{requested}' does not exist.", notFound: true);
        return full;
    }

    private string? RootOf(string full) =>
        roots.FirstOrDefault(r => full == r || full.StartsWith(r.EndsWith(Path.DirectorySeparatorChar) ? r : r + Path.DirectorySeparatorChar, StringComparison.Ordinal));

    private static string Normalise(string path)
    {
        var full = Path.GetFullPath(path);
        return full.Length > 1 ? full.TrimEnd(Path.DirectorySeparatorChar) : full;
    }
}

/// <summary>A server path that may not be read (outside the import roots) or does not exist.</summary>
public sealed class ImportPathRefusedException(string message, bool notFound = false) : Exception(message)
{
    public bool NotFound { get; } = notFound;

    public InvalidDatasetSourceException AsSourceError() => new(Message, this);
}
