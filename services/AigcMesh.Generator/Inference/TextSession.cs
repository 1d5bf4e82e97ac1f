using System.Diagnostics;
using AigcMesh.Datasets;
using AigcMesh.Models.Inference;

namespace AigcMesh.Generator.Inference;

/// <summary>One text request being sampled on the inference thread, a token per <see cref="Step"/>.</summary>
internal sealed class TextSession : IDisposable
{
    private readonly TextWork work;
    private readonly string family;
    private readonly StopTextDecoder decoder;
    private readonly IEnumerator<int> tokens;
    private double milliseconds;

    public TextSession(TextWork work, ITextModel model, ITextTokenizer tokenizer, string family)
    {
        this.work = work;
        this.family = family;
        var options = work.Options;
        var prompt = tokenizer.Encode(options.Prompt);
        if (prompt.Length == 0) throw new InvalidGenerationException("prompt: encodes to no tokens; give at least one character the model knows.");
        decoder = new StopTextDecoder(tokenizer, options.StopStrings);
        var started = Stopwatch.GetTimestamp();
        tokens = model.Sample(prompt, options.MaxNewTokens, options.Temperature, options.TopK ?? 0, options.TopP ?? 1.0, options.Seed).GetEnumerator();
        milliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    /// <summary>Samples one token; false when the request is finished (or failed, or its caller left).</summary>
    public bool Step()
    {
        try
        {
            if (work.Cancellation.IsCancellationRequested) return Finish("cancelled");
            var started = Stopwatch.GetTimestamp();
            var more = tokens.MoveNext();
            milliseconds += Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (!more) return Finish("length");
            GeneratorMetrics.TextTokens.WithLabels(family).Inc();
            var piece = decoder.Push(tokens.Current);
            if (piece.Length > 0) work.PieceWriter.TryWrite(piece);
            return !decoder.Stopped || Finish("stop");
        }
        catch (Exception e)
        {
            work.Fail(e);
            return false;
        }
    }

    private bool Finish(string reason)
    {
        var rest = decoder.Finish();
        if (rest.Length > 0 && reason != "cancelled") work.PieceWriter.TryWrite(rest);
        work.PieceWriter.TryComplete();
        work.Completion.TrySetResult(new TextResult(decoder.Text, decoder.TokenCount, reason, milliseconds));
        return false;
    }

    public void Dispose() => tokens.Dispose();
}
