using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using AigcMesh.Datasets.Writing;

namespace AigcMesh.Datasets.Importing;

/// <summary>
/// Reads IDX image/label files (MNIST, Fashion-MNIST), raw or gzip'ed, checked against their headers: the magic
/// (two zero bytes, type 0x08 = unsigned byte, the dimension count), the sizes (within the limits, and exactly
/// as many bytes as the header says: a shorter file is truncated, a longer one is refused too). Files are told
/// apart by their headers (3 or 4 dimensions: images; 1: labels); image and label files pair up in name order
/// and must hold the same count. Several pairs (train and t10k) are joined in name order.
/// </summary>
public sealed class IdxImporter(ImportLimits limits)
{
    private const int HeaderPrefix = 4;
    private const int BlockBytes = 1 << 20;

    /// <summary>Reads the whole source into memory.</summary>
    public ImageCollection Read(IReadOnlyList<SourceFile> files, IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        IdxLayout? layout = null;
        byte[] pixels = [];
        ReadImages(
            files,
            l =>
            {
                layout = l;
                pixels = new byte[(long)l.Count * l.ImageBytes];
            },
            (index, image) => image.CopyTo(pixels.AsSpan(index * image.Length)),
            progress,
            cancellationToken);
        return new ImageCollection(pixels, layout!.Labels, layout.Channels, layout.Height, layout.Width, layout.ClassNames);
    }

    /// <summary>
    /// Streams the source: checks every header and reads the labels first, tells <paramref name="start"/> what the
    /// source holds, then decompresses the images once, in blocks, handing each (CHW) to <paramref name="onImage"/>
    /// in order. A fault in the pixel data (truncated, longer than its header) throws after the images before it.
    /// </summary>
    public void ReadImages(
        IReadOnlyList<SourceFile> files, Action<IdxLayout> start, IdxImageHandler onImage,
        IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (files.Count == 0) throw new InvalidDatasetSourceException("No IDX files were given.");
        var headers = files.Select(ReadHeader).ToList();
        var imageFiles = headers.Where(h => h.Dimensions.Length >= 3).OrderBy(h => h.File.Name, StringComparer.Ordinal).ToList();
        var labelFiles = headers.Where(h => h.Dimensions.Length == 1).OrderBy(h => h.File.Name, StringComparer.Ordinal).ToList();
        if (imageFiles.Count == 0) throw new InvalidDatasetSourceException("No IDX image file (3 or 4 dimensions) was given.");
        if (labelFiles.Count != 0 && labelFiles.Count != imageFiles.Count)
        {
            throw new InvalidDatasetSourceException($"{imageFiles.Count} IDX image file(s) but {labelFiles.Count} label file(s): give one label file per image file, or none.");
        }
        var first = imageFiles[0];
        var (height, width, channels) = Shape(first);
        long total = 0;
        for (var i = 0; i < imageFiles.Count; i++)
        {
            var images = imageFiles[i];
            if (Shape(images) != (height, width, channels))
            {
                throw new InvalidDatasetSourceException($"IDX image files disagree in image size: {first.File.Name} and {images.File.Name}.");
            }
            if (labelFiles.Count > 0 && labelFiles[i].Dimensions[0] != images.Dimensions[0])
            {
                throw new InvalidDatasetSourceException(
                    $"Header mismatch: {images.File.Name} holds {images.Dimensions[0]:N0} images but {labelFiles[i].File.Name} holds {labelFiles[i].Dimensions[0]:N0} labels.");
            }
            total += images.Dimensions[0];
        }
        if (total > limits.MaxItems) throw new InvalidDatasetSourceException($"The IDX headers claim {total:N0} images, over the limit of {limits.MaxItems:N0}.");
        var imageBytes = height * width * channels;
        if (total * imageBytes > limits.MaxDecodedBytes)
        {
            throw new InvalidDatasetSourceException($"The IDX headers claim {total:N0} images of {imageBytes:N0} bytes, over the limit of {limits.MaxDecodedBytes:N0} bytes.");
        }

        var labels = new int[total];
        if (labelFiles.Count > 0)
        {
            long at = 0;
            foreach (var labelFile in labelFiles)
            {
                ReadBody(labelFile, labelFile.Dimensions[0], 1, (block, done) =>
                {
                    var from = at + done - block.Length;
                    for (var n = 0; n < block.Length; n++) labels[from + n] = block[n];
                }, cancellationToken);
                at += labelFile.Dimensions[0];
            }
        }
        var classCount = labelFiles.Count == 0 ? 1 : labels.Max() + 1;
        IReadOnlyList<string> classNames = labelFiles.Count == 0 ? ["all"] : [.. Enumerable.Range(0, classCount).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        start(new IdxLayout((int)total, channels, height, width, labels, classNames));

        var chw = channels > 1 ? new byte[imageBytes] : null;
        var offset = 0;
        foreach (var imageFile in imageFiles)
        {
            ReadBody(imageFile, imageFile.Dimensions[0], imageBytes, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (block, done) =>
            {
                for (var at = 0; at < block.Length; at += imageBytes)
                {
                    var image = block.Slice(at, imageBytes);
                    if (chw is not null)
                    {
                        ToChw(image, chw, height * width, channels);
                        image = chw;
                    }
                    onImage(offset++, image);
                }
                progress?.Report(new ImportProgress("importing IDX images", offset, total));
            }, cancellationToken);
        }
    }

    private static (int Height, int Width, int Channels) Shape(Header h) =>
        (h.Dimensions[1], h.Dimensions[2], h.Dimensions.Length == 4 ? h.Dimensions[3] : 1);

    private sealed record Header(SourceFile File, int[] Dimensions, int HeaderLength, bool Gzip);

    private Header ReadHeader(SourceFile file)
    {
        using var stream = OpenDecompressed(file, out var gzip);
        Span<byte> prefix = stackalloc byte[HeaderPrefix];
        ReadExactly(stream, prefix, file, "its header");
        if (prefix[0] != 0 || prefix[1] != 0)
        {
            throw new InvalidDatasetSourceException($"{file.Name} is not an IDX file (wrong magic number {Convert.ToHexString(prefix)}; expected 0000 then type and dimensions).");
        }
        if (prefix[2] != 0x08) throw new InvalidDatasetSourceException($"{file.Name}: IDX data type 0x{prefix[2]:x2} is not supported (only 0x08, unsigned byte).");
        var dimensionCount = prefix[3];
        if (dimensionCount is not (1 or 3 or 4))
        {
            throw new InvalidDatasetSourceException($"{file.Name}: an IDX file with {dimensionCount} dimensions is neither images (3 or 4) nor labels (1).");
        }
        Span<byte> sizes = stackalloc byte[4 * dimensionCount];
        ReadExactly(stream, sizes, file, "its header");
        var dimensions = new int[dimensionCount];
        for (var d = 0; d < dimensionCount; d++)
        {
            var size = BinaryPrimitives.ReadUInt32BigEndian(sizes[(4 * d)..]);
            if (size > int.MaxValue) throw new InvalidDatasetSourceException($"{file.Name}: header size {size:N0} is not plausible.");
            dimensions[d] = (int)size;
        }
        if (dimensions[0] == 0) throw new InvalidDatasetSourceException($"{file.Name} holds no items.");
        if (dimensions[0] > limits.MaxItems) throw new InvalidDatasetSourceException($"{file.Name}: its header claims {dimensions[0]:N0} items, over the limit of {limits.MaxItems:N0}.");
        if (dimensionCount >= 3)
        {
            if (dimensions[1] is < 1 or > 4096 || dimensions[2] is < 1 or > 4096)
            {
                throw new InvalidDatasetSourceException($"{file.Name}: header image size {dimensions[1]}x{dimensions[2]} is not plausible.");
            }
            if (dimensionCount == 4 && dimensions[3] is not (1 or 3))
            {
                throw new InvalidDatasetSourceException($"{file.Name}: {dimensions[3]} channels per pixel are not supported (1 or 3).");
            }
        }
        var headerLength = HeaderPrefix + 4 * dimensionCount;
        var bodyLength = dimensions.Aggregate(1L, (a, b) => a * b);
        if (bodyLength > limits.MaxDecodedBytes)
        {
            throw new InvalidDatasetSourceException($"{file.Name}: its header claims {bodyLength:N0} bytes of data, over the limit of {limits.MaxDecodedBytes:N0}.");
        }
        if (!gzip && file.Length != headerLength + bodyLength)
        {
            throw new InvalidDatasetSourceException(
                $"{file.Name}: its header says {headerLength + bodyLength:N0} bytes ({string.Join(" x ", dimensions)}) but the file holds {file.Length:N0} bytes"
                + (file.Length < headerLength + bodyLength ? " (truncated)." : "."));
        }
        return new Header(file, dimensions, headerLength, gzip);
    }

    private delegate void BlockHandler(ReadOnlySpan<byte> block, long itemsDone);

    /// <summary>Decompresses a file's body once, in blocks of whole items (about 1 MiB), checking it holds exactly what its header says.</summary>
    private static void ReadBody(Header header, long items, int itemBytes, BlockHandler onBlock, CancellationToken cancellationToken)
    {
        using var stream = OpenDecompressed(header.File, out _);
        Span<byte> skip = stackalloc byte[header.HeaderLength];
        ReadExactly(stream, skip, header.File, "its header");
        var length = items * itemBytes;
        var buffer = new byte[Math.Max(1, BlockBytes / itemBytes) * itemBytes];
        long done = 0;
        try
        {
            while (done < length)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var want = (int)Math.Min(buffer.Length, length - done);
                var read = stream.ReadAtLeast(buffer.AsSpan(0, want), want, throwOnEndOfStream: false);
                if (read < want)
                {
                    throw new InvalidDatasetSourceException(
                        $"{header.File.Name} is truncated: its header says {length:N0} bytes of data, the file ends after {done + read:N0}.");
                }
                done += read;
                onBlock(buffer.AsSpan(0, read), done / itemBytes);
            }
            if (stream.ReadByte() != -1)
            {
                throw new InvalidDatasetSourceException($"{header.File.Name} holds more data than its header says ({length:N0} bytes).");
            }
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDatasetSourceException($"{header.File.Name} is a corrupt or truncated gzip file: {e.Message}", e);
        }
    }

    private static Stream OpenDecompressed(SourceFile file, out bool gzip)
    {
        var stream = file.Open();
        try
        {
            Span<byte> magic = stackalloc byte[2];
            var read = stream.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
            gzip = read == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
            if (stream.CanSeek)
            {
                stream.Seek(0, SeekOrigin.Begin);
            }
            else
            {
                stream.Dispose();
                stream = file.Open();
            }
            return gzip ? new GZipStream(stream, CompressionMode.Decompress, leaveOpen: false) : stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, SourceFile file, string what)
    {
        try
        {
            if (stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false) < buffer.Length)
            {
                throw new InvalidDatasetSourceException($"{file.Name} is truncated: it ends inside {what}.");
            }
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDatasetSourceException($"{file.Name} is a corrupt or truncated gzip file: {e.Message}", e);
        }
    }

    /// <summary>IDX stores pixels HWC; shards hold CHW.</summary>
    private static void ToChw(ReadOnlySpan<byte> image, Span<byte> chw, int plane, int channels)
    {
        for (var p = 0; p < plane; p++)
        {
            for (var c = 0; c < channels; c++) chw[c * plane + p] = image[p * channels + c];
        }
    }
}

/// <summary>What an IDX source holds, known from its headers and labels before any pixel is read.</summary>
public sealed record IdxLayout(int Count, int Channels, int Height, int Width, int[] Labels, IReadOnlyList<string> ClassNames)
{
    public int ImageBytes => Channels * Height * Width;
}

/// <summary>Receives one image of an IDX source (uint8, CHW) with its index in the source.</summary>
public delegate void IdxImageHandler(int index, ReadOnlySpan<byte> image);
