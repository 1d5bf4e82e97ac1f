using AigcMesh.Models.Imaging;

namespace AigcMesh.Models.Inference;

/// <summary>A batch of images as floats in [-1, 1], NCHW order (what every image model takes and returns).</summary>
public sealed record ImageBatch(int Count, int Channels, int Height, int Width, float[] Pixels)
{
    public int ImageSize => Channels * Height * Width;

    /// <summary>Pixels as uint8 (0..255), NCHW order: the data sets' storage form.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[Pixels.Length];
        for (var i = 0; i < bytes.Length; i++)
            bytes[i] = (byte)Math.Clamp(MathF.Round((Pixels[i] + 1f) * 127.5f), 0f, 255f);
        return bytes;
    }

    /// <summary>Scales uint8 pixels (NCHW) to [-1, 1] as p / 127.5 - 1.</summary>
    public static ImageBatch FromBytes(int count, int channels, int height, int width, ReadOnlySpan<byte> pixels)
    {
        if (pixels.Length != count * channels * height * width)
            throw new ArgumentException($"Expected {count * channels * height * width} bytes, got {pixels.Length}.", nameof(pixels));
        var floats = new float[pixels.Length];
        for (var i = 0; i < floats.Length; i++) floats[i] = pixels[i] / 127.5f - 1f;
        return new ImageBatch(count, channels, height, width, floats);
    }

    /// <summary>One image of the batch, as a batch of one.</summary>
    public ImageBatch Slice(int index, int count = 1) =>
        new(count, Channels, Height, Width, Pixels.AsSpan(index * ImageSize, count * ImageSize).ToArray());

    /// <summary>The images tiled into a PNG grid (grayscale or RGB).</summary>
    public byte[] ToPngGrid(int columns = 8) => PngGrid.Encode(this, columns);
}
