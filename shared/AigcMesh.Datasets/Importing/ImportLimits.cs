namespace AigcMesh.Datasets.Importing;

/// <summary>Limits that keep a hostile or broken source from exhausting memory or disk; bound from configuration.</summary>
public sealed class ImportLimits
{
    /// <summary>Most bytes of decoded content (IDX pixels, expanded zip entries, text) one import may hold.</summary>
    public long MaxDecodedBytes { get; set; } = 1L << 30;

    /// <summary>Most items (images or text records) one import may hold.</summary>
    public int MaxItems { get; set; } = 5_000_000;

    /// <summary>Most pixels of one source image before it is decoded (width x height).</summary>
    public long MaxImagePixels { get; set; } = 8192L * 8192;

    /// <summary>Highest expanded-to-compressed size ratio of a zip (entries over 1 MiB expanded in all).</summary>
    public double MaxZipRatio { get; set; } = 200;
}
