using System.IO.Compression;
using System.Text;
using ZstdSharp;

namespace AigcMesh.Evaluation.Text;

/// <summary>Bits per character a compressor spends on the held-out text once it has seen the training text.</summary>
public sealed record CompressorBaseline(string Compressor, double BitsPerCharacter, long ContextCharacters, long HeldOutCharacters);

/// <summary>
/// Compressor baselines for a language model: gzip (System.IO.Compression, smallest size), xz (the .xz format
/// written by XZ Utils' <c>xz -6</c>, see <see cref="XzProcess"/>) and zstd (ZstdSharp, level 19). The held-out
/// text's cost given the training text is
/// |C(train + held-out)| - |C(train)| bytes, in bits per character of the held-out text (UTF-16 code units,
/// the same count <see cref="LanguageModelScore"/> uses). The training text is cut to its last
/// <c>maxContextCharacters</c> (a compressor's window is finite anyway: 32 KiB for gzip). Where no <c>xz</c>
/// program is installed the xz baseline is left out (<see cref="Available"/>).
/// </summary>
public static class CompressorBaselines
{
    public const string Gzip = "gzip";
    public const string Xz = "xz";
    public const string Zstd = "zstd";

    public static IReadOnlyList<string> Names { get; } = [Gzip, Xz, Zstd];

    /// <summary>The compressors this machine can run: every one of <see cref="Names"/>, less xz where XZ Utils is missing.</summary>
    public static IReadOnlyList<string> Available => XzProcess.IsAvailable ? Names : [Gzip, Zstd];

    public static IReadOnlyList<CompressorBaseline> Measure(string training, string heldOut, int maxContextCharacters = 1 << 20)
    {
        if (heldOut.Length == 0) throw new ArgumentException("The held-out text is empty.", nameof(heldOut));
        var context = training.Length > maxContextCharacters ? training[^maxContextCharacters..] : training;
        var contextBytes = Encoding.UTF8.GetBytes(context);
        var bothBytes = Encoding.UTF8.GetBytes(context + heldOut);
        return Available.Select(name =>
        {
            var extra = CompressedSize(name, bothBytes) - CompressedSize(name, contextBytes);
            return new CompressorBaseline(name, 8.0 * extra / heldOut.Length, context.Length, heldOut.Length);
        }).ToList();
    }

    public static long CompressedSize(string compressor, byte[] data)
    {
        using var output = new MemoryStream();
        switch (compressor)
        {
            case Gzip:
                using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true)) gzip.Write(data);
                return output.Length;
            case Xz:
                return XzProcess.CompressedSize(data);
            case Zstd:
                using (var zstd = new Compressor(19)) return zstd.Wrap(data).Length;
            default:
                throw new ArgumentException($"Unknown compressor '{compressor}'.", nameof(compressor));
        }
    }
}
