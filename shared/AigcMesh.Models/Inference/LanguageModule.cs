using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace AigcMesh.Models.Inference;

/// <summary>
/// A next-token network (GPT, LSTM): token ids [B, T] in, logits [B, T, V] out, each position seeing only the
/// tokens up to itself. The defaults here serve a model with a fixed context window (GPT): decoding recomputes the
/// last window, scoring slides a window along the sequence. A recurrent model overrides both to carry its state.
/// </summary>
public abstract class LanguageModule(string name, int vocabularySize, int? contextLength) : nn.Module<Tensor, Tensor>(name)
{
    public int VocabularySize { get; } = vocabularySize;

    /// <summary>Tokens the model looks back over; null when unbounded (a recurrent model).</summary>
    public int? ContextLength { get; } = contextLength;

    /// <summary>Forward passes, one per new token, for sampling.</summary>
    internal virtual TokenStream OpenStream(Device device) => new WindowStream(this, ContextLength ?? int.MaxValue, device);

    /// <summary>Many sequences decoded together, one forward pass per step (the default recomputes each row's window).</summary>
    internal virtual BatchTokenStream OpenBatchStream(Device device) => new WindowBatchStream(this, ContextLength ?? int.MaxValue, device);

    /// <summary>Logits [B, V] at position <paramref name="last"/>[b] of each row of <paramref name="tokens"/> [B, T].</summary>
    internal virtual Tensor LastLogits(Tensor tokens, Tensor last)
    {
        var logits = forward(tokens);
        return logits.gather(1, last.view(-1, 1, 1).expand(-1, 1, logits.shape[2])).squeeze(1);
    }

    /// <summary>
    /// Summed cross-entropy in nats of tokens[1..] given the tokens before each, and how many were predicted. With a
    /// context window, windows slide by half their length and each scores only the tokens it adds, so every token
    /// but those of the first half-window is predicted from at least half a window of context.
    /// </summary>
    internal virtual (double Nats, long Count) Score(long[] tokens, Device device)
    {
        var window = Math.Min(ContextLength ?? int.MaxValue, tokens.Length - 1);
        var stride = Math.Max(1, window / 2);
        double nats = 0;
        var scored = 0;                                   // targets tokens[1..scored] are done
        for (var start = 0; scored < tokens.Length - 1; start += stride)
        {
            var end = Math.Min(start + window, tokens.Length - 1);
            var skip = scored - start;                    // predictions of this window already counted
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var inputs = tensor(tokens[start..end], [1, end - start]).to(device);
            var targets = tensor(tokens[(start + 1 + skip)..(end + 1)], [end - start - skip]).to(device);
            nats += cross_entropy(forward(inputs)[0, skip..], targets, reduction: nn.Reduction.Sum).item<float>();
            scored = end;
        }
        return (nats, tokens.Length - 1);
    }
}

/// <summary>Feeds tokens to a model one step at a time and gives the logits of the token that comes next.</summary>
internal abstract class TokenStream : IDisposable
{
    /// <summary>Appends <paramref name="tokens"/> (at least one) and returns the next token's logits [V].</summary>
    public abstract float[] Feed(IReadOnlyList<int> tokens);

    public virtual void Dispose()
    {
    }
}

/// <summary>Recomputes the last context window at every token (a Transformer without a key-value cache).</summary>
internal sealed class WindowStream(LanguageModule model, int context, Device device) : TokenStream
{
    private readonly List<long> _tokens = [];

    public override float[] Feed(IReadOnlyList<int> tokens)
    {
        _tokens.AddRange(tokens.Select(t => (long)t));
        var start = Math.Max(0, _tokens.Count - context);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var window = tensor(_tokens.Skip(start).ToArray(), [1, _tokens.Count - start]).to(device);
        return model.forward(window)[0, -1].cpu().data<float>().ToArray();
    }
}
