using AigcMesh.Models.Inference;

namespace AigcMesh.Evaluation.Optimisation;

/// <summary>What contrast normalisation did to a batch: mean pixel standard deviation before and after.</summary>
public sealed record ContrastReport(int Images, double MeanStdBefore, double MeanStdAfter);

/// <summary>
/// Per-image contrast stretch: maps each image's 1st..99th percentile pixel range (over all channels) to [-1, 1]
/// and clips; an image that is flat (range below 1e-3) is left as it is.
/// </summary>
public static class ContrastNormalisation
{
    public static (ImageBatch Images, ContrastReport Report) Apply(ImageBatch images, double lowPercentile = 0.01, double highPercentile = 0.99)
    {
        var pixels = (float[])images.Pixels.Clone();
        double before = 0, after = 0;
        for (var i = 0; i < images.Count; i++)
        {
            var span = pixels.AsSpan(i * images.ImageSize, images.ImageSize);
            before += Std(span);
            var sorted = span.ToArray();
            Array.Sort(sorted);
            var low = sorted[(int)Math.Floor(lowPercentile * (sorted.Length - 1))];
            var high = sorted[(int)Math.Ceiling(highPercentile * (sorted.Length - 1))];
            if (high - low >= 1e-3f)
                for (var p = 0; p < span.Length; p++) span[p] = Math.Clamp((span[p] - low) / (high - low) * 2f - 1f, -1f, 1f);
            after += Std(span);
        }
        var n = Math.Max(1, images.Count);
        return (images with { Pixels = pixels }, new ContrastReport(images.Count, before / n, after / n));
    }

    private static double Std(ReadOnlySpan<float> values)
    {
        double mean = 0;
        foreach (var v in values) mean += v;
        mean /= values.Length;
        double variance = 0;
        foreach (var v in values) variance += (v - mean) * (v - mean);
        return Math.Sqrt(variance / values.Length);
    }
}
