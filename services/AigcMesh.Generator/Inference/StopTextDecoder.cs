using AigcMesh.Datasets;

namespace AigcMesh.Generator.Inference;

/// <summary>
/// Turns sampled token ids into text pieces as they come, and stops at the first stop string. It decodes the whole
/// sample each time (byte-level BPE tokens may split a character) and holds back any tail that could still become a
/// stop string or an unfinished character, so a piece once sent is never taken back.
/// </summary>
public sealed class StopTextDecoder(ITextTokenizer tokenizer, IReadOnlyList<string> stopStrings)
{
    private readonly List<int> tokens = [];
    private readonly string[] stops = stopStrings.Where(s => s.Length > 0).ToArray();
    private string text = "";
    private int emitted;

    public bool Stopped { get; private set; }
    public int TokenCount => tokens.Count;

    /// <summary>The full text so far (cut at the stop string once stopped).</summary>
    public string Text => text;

    /// <summary>Adds a token; returns the text that can be sent now (possibly empty).</summary>
    public string Push(int token)
    {
        if (Stopped) return "";
        tokens.Add(token);
        text = tokenizer.Decode(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(tokens));
        var stopAt = FirstStop();
        if (stopAt >= 0)
        {
            Stopped = true;
            text = text[..stopAt];
            return Take(text.Length);
        }
        return Take(text.Length - HeldBack());
    }

    /// <summary>The rest of the text once sampling has ended.</summary>
    public string Finish() => Take(text.Length);

    private string Take(int upTo)
    {
        if (upTo <= emitted) return "";
        var piece = text[emitted..upTo];
        emitted = upTo;
        return piece;
    }

    private int FirstStop()
    {
        var best = -1;
        foreach (var stop in stops)
        {
            var from = Math.Max(0, emitted - stop.Length);
            var at = text.IndexOf(stop, from, StringComparison.Ordinal);
            if (at >= 0 && (best < 0 || at < best)) best = at;
        }
        return best;
    }

    private int HeldBack()
    {
        var held = text.Length > 0 && text[^1] == '\uFFFD' ? 1 : 0;
        foreach (var stop in stops)
            for (var n = Math.Min(stop.Length - 1, text.Length); n > held; n--)
                if (text.AsSpan(text.Length - n).SequenceEqual(stop.AsSpan(0, n))) { held = n; break; }
        return Math.Min(held, text.Length - emitted);
    }
}
