using AigcMesh.Datasets.Writing;

namespace AigcMesh.Datasets.BuiltIn;

/// <summary>
/// The built-in image set: grayscale pictures of four shapes (circle, square, triangle, cross) at random positions,
/// sizes and brightness over faint noise, drawn with 4x4 supersampling. The same seed always draws the same pixels.
/// </summary>
public static class SyntheticShapes
{
    public static IReadOnlyList<string> ClassNames { get; } = ["circle", "square", "triangle", "cross"];

    public static ImageCollection Draw(int count, int size = 28, int seed = 1234)
    {
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count));
        if (size is < 8 or > 256) throw new ArgumentOutOfRangeException(nameof(size));
        var random = new Random(seed);
        var pixels = new byte[count * size * size];
        var labels = new int[count];
        for (var n = 0; n < count; n++)
        {
            var label = n % ClassNames.Count;
            labels[n] = label;
            var radius = size * (0.2 + 0.12 * random.NextDouble());
            var cx = size / 2.0 + (random.NextDouble() - 0.5) * (size - 2 * radius) * 0.8;
            var cy = size / 2.0 + (random.NextDouble() - 0.5) * (size - 2 * radius) * 0.8;
            var brightness = 150 + random.Next(106);
            var image = pixels.AsSpan(n * size * size, size * size);
            for (var y = 0; y < size; y++)
            {
                for (var x = 0; x < size; x++)
                {
                    var covered = 0;
                    for (var sy = 0; sy < 4; sy++)
                    {
                        for (var sx = 0; sx < 4; sx++)
                        {
                            var u = (x + (sx + 0.5) / 4 - cx) / radius;
                            var v = (y + (sy + 0.5) / 4 - cy) / radius;
                            if (Inside(label, u, v)) covered++;
                        }
                    }
                    var noise = random.Next(24);
                    image[y * size + x] = (byte)Math.Min(255, noise + covered * brightness / 16);
                }
            }
        }
        return new ImageCollection(pixels, labels, 1, size, size, ClassNames);
    }

    /// <summary>Whether a point in shape coordinates (the shape spans -1..1) is inside the shape.</summary>
    private static bool Inside(int label, double u, double v) => label switch
    {
        0 => u * u + v * v <= 1,
        1 => Math.Abs(u) <= 0.8 && Math.Abs(v) <= 0.8,
        2 => v <= 0.8 && v >= -1 + 2 * Math.Abs(u) * 0.9,
        _ => (Math.Abs(u) <= 0.25 && Math.Abs(v) <= 1) || (Math.Abs(v) <= 0.25 && Math.Abs(u) <= 1),
    };
}
