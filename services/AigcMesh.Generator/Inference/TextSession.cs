using AigcMesh.Datasets;
using AigcMesh.Models.Inference;

namespace AigcMesh.Generator.Inference;

/// <summary>
/// One text request as a row of its model's <see cref="ITextSampleBatch"/> (on the inference thread): turns the row's
/// tokens into text pieces for its caller and says when the request is finished.
/// </summary>
internal sealed class TextSession
{
    private readonly TextWork work;
    private readonly StopTextDecoder decoder;
    private double milliseconds;

    public TextSession(TextWork work, ITextSampleBatch batch, ITextTokenizer tokenizer)
    {
        this.work = work;
        var options = work.Options;
        var prompt = tokenizer.Encode(options.Prompt);
        if (prompt.Length == 0) throw new InvalidGenerationException("prompt: encodes to no tokens; give at least one character the model knows.");
        decoder = new StopTextDecoder(tokenizer, options.StopStrings);
        Row = batch.Add(prompt, options.MaxNewTokens, options.Temperature, options.TopK ?? 0, options.TopP ?? 1.0, options.Seed);
    }

    public int Row { get; }
    public bool CallerLeft => work.Cancellation.IsCancellationRequested;

    /// <summary>Takes the row's new token and its share of the step's time; false when the request is finished.</summary>
    public bool Accept(SampledToken token, double stepMilliseconds)
    {
        milliseconds += stepMilliseconds;
        var piece = decoder.Push(token.Token);
        if (piece.Length > 0) work.PieceWriter.TryWrite(piece);
        if (decoder.Stopped) return Finish("stop");
        return !token.Last || Finish("length");
    }

    public bool Cancel() => Finish("cancelled");

    public void Fail(Exception error) => work.Fail(error);

    private bool Finish(string reason)
    {
        var rest = decoder.Finish();
        if (rest.Length > 0 && reason != "cancelled") work.PieceWriter.TryWrite(rest);
        work.PieceWriter.TryComplete();
        work.Completion.TrySetResult(new TextResult(decoder.Text, decoder.TokenCount, reason, milliseconds));
        return false;
    }
}
