using AigcMesh.Models.Inference;
using SkiaSharp;

namespace AigcMesh.Models.Imaging;

/// <summary>Tiles a batch of images into one PNG (a snapshot or a preview), with a one-pixel gap between tiles.</summary>
public static class PngGrid
{
    public static byte[] Encode(ImageBatch images, int columns = 8)
    {
        if (images.Count == 0) throw new ArgumentException("No images to tile.", nameof(images));
        columns = Math.Clamp(columns, 1, images.Count);
        var rows = (images.Count + columns - 1) / columns;
        var width = columns * (images.Width + 1) + 1;
        var height = rows * (images.Height + 1) + 1;
        var bytes = images.ToBytes();
        var plane = images.Height * images.Width;

        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var pixels = new byte[width * height * 4];
        for (var n = 0; n < images.Count; n++)
        {
            var left = 1 + n % columns * (images.Width + 1);
            var top = 1 + n / columns * (images.Height + 1);
            for (var y = 0; y < images.Height; y++)
                for (var x = 0; x < images.Width; x++)
                {
                    var source = n * images.ImageSize + y * images.Width + x;
                    var target = ((top + y) * width + left + x) * 4;
                    for (var c = 0; c < 3; c++)
                        pixels[target + c] = bytes[source + (images.Channels >= 3 ? c : 0) * plane];
                    pixels[target + 3] = 255;
                }
        }
        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
