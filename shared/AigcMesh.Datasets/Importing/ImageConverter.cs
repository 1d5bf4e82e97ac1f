using AigcMesh.Datasets.Writing;
using SkiaSharp;

namespace AigcMesh.Datasets.Importing;

/// <summary>
/// Decodes images (PNG, JPEG and whatever else Skia decodes) and fits them to a data set's form: drawn over black
/// onto a square of the target size (bilinear with mipmaps, so large sources shrink without aliasing), then stored
/// as 1 channel (ITU-R BT.601 luma) or 3 (RGB), uint8, CHW.
/// </summary>
public static class ImageConverter
{
    private static readonly SKSamplingOptions Sampling = new(SKFilterMode.Linear, SKMipmapMode.Linear);

    /// <summary>Decodes an encoded image; refuses what does not decode, or is over <paramref name="maxPixels"/> before decoding.</summary>
    public static SKImage Decode(byte[] encoded, string name, long maxPixels)
    {
        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data)
            ?? throw new InvalidDatasetSourceException($"{name} does not decode as an image (PNG or JPEG expected).");
        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0) throw new InvalidDatasetSourceException($"{name} has no pixels.");
        if ((long)info.Width * info.Height > maxPixels)
        {
            throw new InvalidDatasetSourceException($"{name} is {info.Width}x{info.Height} pixels, over the limit of {maxPixels:N0} pixels.");
        }
        var target = new SKImageInfo(info.Width, info.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var bitmap = new SKBitmap(target);
        var result = codec.GetPixels(target, bitmap.GetPixels());
        if (result != SKCodecResult.Success)
        {
            throw new InvalidDatasetSourceException($"{name} does not decode as an image ({result}).");
        }
        bitmap.SetImmutable();
        return SKImage.FromBitmap(bitmap);
    }

    /// <summary>Draws <paramref name="image"/> at <paramref name="size"/> x <paramref name="size"/> and writes its channels (CHW) to <paramref name="destination"/>.</summary>
    public static void Fit(SKImage image, int size, int channels, Span<byte> destination)
    {
        var info = new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var bitmap = new SKBitmap(info);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.Black);
            canvas.DrawImage(image, new SKRect(0, 0, size, size), Sampling);
        }
        WritePlanes(bitmap.GetPixelSpan(), size * size, channels, destination);
    }

    /// <summary>Checks a data set's channel count and image size.</summary>
    public static void CheckTarget(int channels, int size)
    {
        if (channels is not (1 or 3)) throw new InvalidDatasetSourceException($"A data set has 1 or 3 channels (got {channels}).");
        if (size is < 4 or > 1024) throw new InvalidDatasetSourceException($"The image size must be between 4 and 1024 (got {size}).");
    }

    /// <summary>Returns <paramref name="images"/> with the given channel count and size, converting only when they differ.</summary>
    public static ImageCollection Conform(ImageCollection images, int channels, int size, IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        CheckTarget(channels, size);
        if (images.Channels == channels && images.Height == size && images.Width == size) return images;
        var conformer = new ImageConformer(images.Channels, images.Height, images.Width, channels, size);
        var pixels = new byte[(long)images.Count * conformer.TargetBytes];
        for (var n = 0; n < images.Count; n++)
        {
            if (n % 1024 == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Report(new ImportProgress("resizing", n, images.Count));
            }
            conformer.Convert(images.Pixels.AsSpan(n * images.ImageBytes, images.ImageBytes)).CopyTo(pixels.AsSpan(n * conformer.TargetBytes));
        }
        return new ImageCollection(pixels, images.Labels, channels, size, size, images.ClassNames);
    }

    internal static void WriteRgba(ReadOnlySpan<byte> source, int sourceChannels, int sourcePlane, Span<byte> rgba)
    {
        for (var p = 0; p < sourcePlane; p++)
        {
            var r = source[p];
            var g = sourceChannels == 3 ? source[sourcePlane + p] : r;
            var b = sourceChannels == 3 ? source[2 * sourcePlane + p] : r;
            rgba[4 * p] = r;
            rgba[4 * p + 1] = g;
            rgba[4 * p + 2] = b;
            rgba[4 * p + 3] = 255;
        }
    }

    private static void WritePlanes(ReadOnlySpan<byte> rgba, int plane, int channels, Span<byte> destination)
    {
        for (var p = 0; p < plane; p++)
        {
            int r = rgba[4 * p], g = rgba[4 * p + 1], b = rgba[4 * p + 2];
            if (channels == 1)
            {
                destination[p] = (byte)((77 * r + 150 * g + 29 * b + 128) >> 8);
            }
            else
            {
                destination[p] = (byte)r;
                destination[plane + p] = (byte)g;
                destination[2 * plane + p] = (byte)b;
            }
        }
    }
}

/// <summary>Fits decoded images (uint8 CHW) of one shape to a data set's channel count and size, one at a time (see <see cref="ImageConverter"/>).</summary>
public sealed class ImageConformer(int sourceChannels, int sourceHeight, int sourceWidth, int channels, int size)
{
    private readonly byte[] rgba = new byte[sourceHeight * sourceWidth * 4];
    private readonly byte[] target = new byte[channels * size * size];
    private readonly SKImageInfo info = new(sourceWidth, sourceHeight, SKColorType.Rgba8888, SKAlphaType.Premul);

    public int TargetBytes => target.Length;

    /// <summary>The converted image; valid until the next call.</summary>
    public ReadOnlySpan<byte> Convert(ReadOnlySpan<byte> source)
    {
        ImageConverter.WriteRgba(source, sourceChannels, sourceHeight * sourceWidth, rgba);
        using var image = SKImage.FromPixelCopy(info, rgba);
        ImageConverter.Fit(image, size, channels, target);
        return target;
    }
}
