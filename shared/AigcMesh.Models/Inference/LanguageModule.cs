using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace AigcMesh.Models.Inference;

/// <summary>
/// A next-token network (GPT, LSTM): token ids [B, T] in, logits [B, T, V] out, each position seeing only the
/// tokens up to itself. The defaults here serve a model with a fixed context window (GPT): decoding recomputes the
/// last window, scoring walks the sequence in windows. A recurrent model overrides both to carry its state.
/// </summary>
public abstract class LanguageModule(string name, int vocabularySize, int? contextLength) : nn.Module<Tensor, Tensor>(name)
{
    public int VocabularySize { get; } = vocabularySize;

    /// <summary>Tokens the model looks back over; null when unbounded (a recurrent model).</summary>
    public int? ContextLength { get; } = contextLength;

    /// <summary>Forward passes, one per new token, for sampling.</summary>
    internal virtual TokenStream OpenStream(Device device) => new WindowStream(this, ContextLength ?? int.MaxValue, device);

    /// <summary>
    /// Summed cross-entropy in nats of tokens[1..] given the tokens before each, and how many were predicted. With a
    /// context window, the sequence is cut into windows of that length that share one token, so each window's first
    /// prediction sees one token of context.
    /// </summary>
    internal virtual (double Nats, long Count) Score(long[] tokens, Device device)
    {
        var window = ContextLength ?? tokens.Length;
        double nats = 0;
        for (var start = 0; start < tokens.Length - 1; start += window)
        {
            var end = Math.Min(start + window, tokens.Length - 1);
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var inputs = tensor(tokens[start..end], [1, end - start]).to(device);
            var targets = tensor(tokens[(start + 1)..(end + 1)], [end - start]).to(device);
            nats += cross_entropy(forward(inputs)[0], targets, reduction: nn.Reduction.Sum).item<float>();
        }
        return (nats, Math.Max(0, tokens.Length - 1));
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
