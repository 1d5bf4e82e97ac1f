using System.IO.Compression;
using AigcMesh.Datasets.Writing;

namespace AigcMesh.Datasets.Importing;

/// <summary>
/// Reads a folder of images in the one-subfolder-per-class layout, or a zip of one: class names are the subfolder
/// names (ordinal order), every file under them must decode as an image (hidden files and __MACOSX are left out),
/// and each image is fitted to the data set's channel count and size. A zip is read entry by entry without
/// extracting it; entries with '..', absolute or drive paths are refused, and so is a zip whose expanded size
/// or expansion ratio is over the limits (a zip bomb), checked from the directory and again while reading.
/// </summary>
public sealed class ImageFolderImporter(ImportLimits limits)
{
    private const long RatioCheckFloor = 1L << 20;

    private sealed record Entry(string Path, Func<long, byte[]> Read);

    public ImageCollection Read(IReadOnlyList<SourceFile> files, int channels, int size, IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (channels is not (1 or 3)) throw new InvalidDatasetSourceException($"A data set has 1 or 3 channels (got {channels}).");
        if (size is < 4 or > 1024) throw new InvalidDatasetSourceException($"The image size must be between 4 and 1024 (got {size}).");
        if (files.Count == 1 && IsZip(files[0]))
        {
            using var stream = files[0].Open();
            using var zip = OpenZip(stream, files[0].Name);
            return Decode(ZipEntries(zip, files[0]), channels, size, progress, cancellationToken);
        }
        long total = 0;
        var entries = new List<Entry>();
        foreach (var file in files)
        {
            total += file.Length;
            if (total > limits.MaxDecodedBytes) throw new InvalidDatasetSourceException($"The image files hold over {limits.MaxDecodedBytes:N0} bytes, the limit.");
            entries.Add(new Entry(file.Name, _ => ReadAll(file)));
        }
        return Decode(entries, channels, size, progress, cancellationToken);
    }

    private ImageCollection Decode(List<Entry> all, int channels, int size, IProgress<ImportProgress>? progress, CancellationToken cancellationToken)
    {
        var entries = all.Where(e => !IsIgnored(e.Path)).OrderBy(e => e.Path, StringComparer.Ordinal).ToList();
        if (entries.Count == 0) throw new InvalidDatasetSourceException("The folder holds no images (expected one subfolder per class holding PNG or JPEG files).");
        if (entries.Count > limits.MaxItems) throw new InvalidDatasetSourceException($"The folder holds {entries.Count:N0} files, over the limit of {limits.MaxItems:N0}.");

        var segments = entries.Select(e => e.Path.Split('/', StringSplitOptions.RemoveEmptyEntries)).ToList();
        var skip = 0;
        while (segments.All(s => s.Length > skip + 2) && segments.Select(s => s[skip]).Distinct(StringComparer.Ordinal).Count() == 1) skip++;
        var outside = segments.FirstOrDefault(s => s.Length < skip + 2);
        if (outside is not null)
        {
            throw new InvalidDatasetSourceException($"{string.Join('/', outside)} is not inside a class folder (expected one subfolder per class).");
        }
        var classNames = segments.Select(s => s[skip]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var classIndex = classNames.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => x.i, StringComparer.Ordinal);

        var imageBytes = channels * size * size;
        var pixels = new byte[(long)entries.Count * imageBytes];
        var labels = new int[entries.Count];
        long remaining = limits.MaxDecodedBytes;
        for (var n = 0; n < entries.Count; n++)
        {
            if (n % 64 == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Report(new ImportProgress("decoding images", n, entries.Count));
            }
            var bytes = entries[n].Read(remaining);
            remaining -= bytes.Length;
            using var image = ImageConverter.Decode(bytes, entries[n].Path, limits.MaxImagePixels);
            ImageConverter.Fit(image, size, channels, pixels.AsSpan(n * imageBytes, imageBytes));
            labels[n] = classIndex[segments[n][skip]];
        }
        progress?.Report(new ImportProgress("decoding images", entries.Count, entries.Count));
        return new ImageCollection(pixels, labels, channels, size, size, classNames);
    }

    private List<Entry> ZipEntries(ZipArchive zip, SourceFile file)
    {
        long expanded = 0, compressed = 0;
        var entries = new List<Entry>();
        foreach (var entry in zip.Entries)
        {
            var path = entry.FullName.Replace('\\', '/');
            if (path.StartsWith('/') || path.Contains(':', StringComparison.Ordinal) || path.Split('/').Any(s => s == ".."))
            {
                throw new InvalidDatasetSourceException($"{file.Name}: entry '{entry.FullName}' points outside the folder (absolute or '..' path); the zip is refused.");
            }
            if (path.EndsWith('/')) continue;
            expanded += entry.Length;
            compressed += entry.CompressedLength;
            if (expanded > limits.MaxDecodedBytes)
            {
                throw new InvalidDatasetSourceException($"{file.Name} expands to over {limits.MaxDecodedBytes:N0} bytes, the limit (a zip bomb?).");
            }
            var captured = entry;
            entries.Add(new Entry(path, remaining => ReadEntry(captured, file, remaining)));
        }
        if (expanded > RatioCheckFloor && expanded > limits.MaxZipRatio * Math.Max(1, compressed))
        {
            throw new InvalidDatasetSourceException(
                $"{file.Name} expands {expanded / (double)Math.Max(1, compressed):F0} times ({expanded:N0} bytes), over the ratio limit of {limits.MaxZipRatio} (a zip bomb?).");
        }
        return entries;
    }

    /// <summary>Reads one entry, stopping as soon as it gives more than it declared or than the import may still expand.</summary>
    private static byte[] ReadEntry(ZipArchiveEntry entry, SourceFile file, long remaining)
    {
        var cap = Math.Min(entry.Length, remaining);
        if (entry.Length > remaining) throw new InvalidDatasetSourceException($"{file.Name} expands past the size limit at '{entry.FullName}' (a zip bomb?).");
        var buffer = new byte[cap];
        try
        {
            using var stream = entry.Open();
            var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            if (read < buffer.Length) throw new InvalidDatasetSourceException($"{file.Name}: entry '{entry.FullName}' is truncated.");
            if (stream.ReadByte() != -1) throw new InvalidDatasetSourceException($"{file.Name}: entry '{entry.FullName}' expands past its declared size (a zip bomb?).");
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDatasetSourceException($"{file.Name}: entry '{entry.FullName}' is corrupt: {e.Message}", e);
        }
        return buffer;
    }

    private static ZipArchive OpenZip(Stream stream, string name)
    {
        try
        {
            return new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: false);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDatasetSourceException($"{name} is not a readable zip file: {e.Message}", e);
        }
    }

    private static bool IsZip(SourceFile file)
    {
        using var stream = file.Open();
        Span<byte> magic = stackalloc byte[4];
        return stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false) == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] is 3 or 5 && magic[3] is 4 or 6;
    }

    private static bool IsIgnored(string path) =>
        path.Split('/').Any(s => s.StartsWith('.') || s == "__MACOSX") || path.EndsWith("Thumbs.db", StringComparison.OrdinalIgnoreCase);

    private byte[] ReadAll(SourceFile file)
    {
        if (file.Length > int.MaxValue) throw new InvalidDatasetSourceException($"{file.Name} is too large for an image.");
        using var stream = file.Open();
        var buffer = new byte[file.Length];
        stream.ReadExactly(buffer);
        return buffer;
    }
}
