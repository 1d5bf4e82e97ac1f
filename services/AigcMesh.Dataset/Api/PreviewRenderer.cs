using AigcMesh.Datasets;
using SkiaSharp;

namespace AigcMesh.Dataset.Api;

/// <summary>Previews of a stored data set: a PNG grid of images spread over a split, or the start of a split's text.</summary>
public static class PreviewRenderer
{
    public const int MaxImages = 256;

    public static byte[] ImageGrid(IImageDataset dataset, DatasetSplit split, int count)
    {
        var available = dataset.Count(split);
        count = Math.Clamp(Math.Min(count, available), 0, MaxImages);
        if (count == 0) throw new InvalidOperationException($"The {split.ToString().ToLowerInvariant()} split is empty.");
        var indices = Enumerable.Range(0, count).Select(i => (int)((long)i * available / count)).ToArray();
        var imageBytes = dataset.Channels * dataset.Height * dataset.Width;
        var pixels = new byte[count * imageBytes];
        dataset.Read(split, indices, pixels, new int[count]);

        var columns = (int)Math.Ceiling(Math.Sqrt(count));
        var rows = (count + columns - 1) / columns;
        var scale = Math.Max(1, 56 / Math.Max(dataset.Height, dataset.Width));
        const int gap = 2;
        var cellWidth = dataset.Width * scale + gap;
        var cellHeight = dataset.Height * scale + gap;
        using var bitmap = new SKBitmap(new SKImageInfo(columns * cellWidth + gap, rows * cellHeight + gap, SKColorType.Rgba8888, SKAlphaType.Opaque));
        bitmap.Erase(new SKColor(40, 40, 40));
        var plane = dataset.Height * dataset.Width;
        for (var n = 0; n < count; n++)
        {
            var image = pixels.AsSpan(n * imageBytes, imageBytes);
            var left = gap + n % columns * cellWidth;
            var top = gap + n / columns * cellHeight;
            for (var y = 0; y < dataset.Height * scale; y++)
            {
                for (var x = 0; x < dataset.Width * scale; x++)
                {
                    var p = y / scale * dataset.Width + x / scale;
                    var color = dataset.Channels == 1
                        ? new SKColor(image[p], image[p], image[p])
                        : new SKColor(image[p], image[plane + p], image[2 * plane + p]);
                    bitmap.SetPixel(left + x, top + y, color);
                }
            }
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    public static string TextSample(ITextDataset dataset, DatasetSplit split, int characters)
    {
        var text = dataset.ReadText(split);
        characters = Math.Clamp(characters, 1, 20_000);
        return text.Length <= characters ? text : text[..characters];
    }
}
