using AigcMesh.Models.Inference;
using SkiaSharp;

namespace AigcMesh.Generator.Inference;

/// <summary>PNG files of single images (grayscale or RGB) and decoding of uploaded images into a model's shape.</summary>
public static class PngCodec
{
    /// <summary>Image <paramref name="index"/> of the batch as a PNG.</summary>
    public static byte[] Encode(ImageBatch images, int index)
    {
        var bytes = images.ToBytes();
        var (w, h, plane) = (images.Width, images.Height, images.Width * images.Height);
        var offset = index * images.ImageSize;
        var color = images.Channels >= 3;
        using var bitmap = new SKBitmap(new SKImageInfo(w, h, color ? SKColorType.Rgba8888 : SKColorType.Gray8, SKAlphaType.Opaque));
        var pixels = new byte[color ? plane * 4 : plane];
        for (var p = 0; p < plane; p++)
        {
            if (!color)
            {
                pixels[p] = bytes[offset + p];
                continue;
            }
            for (var c = 0; c < 3; c++) pixels[p * 4 + c] = bytes[offset + c * plane + p];
            pixels[p * 4 + 3] = 255;
        }
        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        using var pixmap = bitmap.PeekPixels();
        using var data = pixmap.Encode(FastPng) ?? throw new InvalidOperationException("Skia could not encode the PNG.");
        return data.ToArray();
    }

    /// <summary>
    /// Lossless like any PNG, but fast: Skia's defaults (zlib level 6, every row filter tried) cost about as much CPU
    /// per small image as the model's forward pass (measured by the "generation" benchmark); the sub filter and
    /// zlib level 1 make files a little larger and encoding several times cheaper.
    /// </summary>
    public static readonly SKPngEncoderOptions FastPng = new(SKPngEncoderFilterFlags.Sub, 1);

    /// <summary>
    /// Decodes a PNG or JPEG and resamples it to channels x height x width (uint8, CHW), or null when it is not an
    /// image. Also returns the decoded size so callers can enforce a size limit.
    /// </summary>
    public static (byte[] Pixels, int SourceWidth, int SourceHeight)? DecodeTo(ReadOnlySpan<byte> file, int channels, int height, int width, int maxSide)
    {
        using var data = SKData.CreateCopy(file);
        using var codec = SKCodec.Create(data);
        if (codec is null) return null;
        var (sw, sh) = (codec.Info.Width, codec.Info.Height);
        if (sw > maxSide || sh > maxSide) return (Array.Empty<byte>(), sw, sh);
        using var source = SKBitmap.Decode(codec, new SKImageInfo(sw, sh, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        if (source is null) return null;
        using var resized = source.Resize(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul), new SKSamplingOptions(SKFilterMode.Linear));
        var rgba = resized.Bytes;
        var plane = width * height;
        var pixels = new byte[channels * plane];
        for (var p = 0; p < plane; p++)
        {
            var (r, g, b) = (rgba[p * 4], rgba[p * 4 + 1], rgba[p * 4 + 2]);
            if (channels == 1) pixels[p] = (byte)Math.Round(0.299 * r + 0.587 * g + 0.114 * b);
            else for (var c = 0; c < channels; c++) pixels[c * plane + p] = rgba[p * 4 + Math.Min(c, 2)];
        }
        return (pixels, sw, sh);
    }

    /// <summary>Decodes the PNGs a worker returned (all of one shape) back into a batch, for job grids.</summary>
    public static ImageBatch DecodeBatch(IReadOnlyList<byte[]> pngs)
    {
        using var first = SKBitmap.Decode(pngs[0]) ?? throw new InvalidDataException("A worker returned an image that does not decode.");
        var (w, h, channels) = (first.Width, first.Height, first.ColorType == SKColorType.Gray8 ? 1 : 3);
        var all = new byte[pngs.Count * channels * w * h];
        for (var i = 0; i < pngs.Count; i++)
        {
            var decoded = DecodeTo(pngs[i], channels, h, w, int.MaxValue) ?? throw new InvalidDataException("A worker returned an image that does not decode.");
            decoded.Pixels.CopyTo(all, i * channels * w * h);
        }
        return ImageBatch.FromBytes(pngs.Count, channels, h, w, all);
    }
}
