using System.Diagnostics;

namespace AigcMesh.Evaluation.Text;

/// <summary>
/// The .xz format through XZ Utils' own <c>xz</c> program (Debian's xz-utils), run as a process: no managed
/// library on the package mirror writes .xz (SharpCompress only reads it; Joveler.Compression.XZ needs
/// Joveler.DynLoader, which the mirror does not serve). Single-threaded (<c>-T1</c>), so the output is the same on
/// every machine for one xz version; the preset is xz's default, 6 (LZMA2, 8 MiB dictionary).
/// </summary>
public static class XzProcess
{
    public const int DefaultPreset = 6;

    private static readonly Lazy<string?> version = new(ReadVersion);

    /// <summary>The first line of <c>xz --version</c>, or null where no <c>xz</c> program is on the PATH.</summary>
    public static string? Version => version.Value;

    public static bool IsAvailable => Version is not null;

    /// <summary>Bytes of the .xz file <c>xz -&lt;preset&gt; -T1</c> writes for <paramref name="data"/> (header, block, index and footer included).</summary>
    public static long CompressedSize(byte[] data, int preset = DefaultPreset) => Compress(data, preset).Length;

    /// <summary>The .xz file <c>xz -&lt;preset&gt; -T1</c> writes for <paramref name="data"/>.</summary>
    public static byte[] Compress(byte[] data, int preset = DefaultPreset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(preset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(preset, 9);
        using var process = Start(["--format=xz", $"-{preset}", "-T1", "--stdout", "--no-warn"]);
        var stderr = process.StandardError.ReadToEndAsync();
        // Feed stdin on another thread while this one drains stdout, so neither pipe can fill up and stall xz.
        var writer = Task.Run(() =>
        {
            using var input = process.StandardInput.BaseStream;
            input.Write(data);
        });
        using var output = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(output);
        writer.GetAwaiter().GetResult();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"xz exited with {process.ExitCode}: {stderr.GetAwaiter().GetResult().Trim()}");
        return output.ToArray();
    }

    private static string? ReadVersion()
    {
        try
        {
            using var process = Start(["--version"]);
            process.StandardInput.Close();
            var first = process.StandardOutput.ReadLine();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? first : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no xz on the PATH
        }
    }

    private static Process Start(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("xz")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        return Process.Start(start) ?? throw new InvalidOperationException("xz did not start.");
    }
}
