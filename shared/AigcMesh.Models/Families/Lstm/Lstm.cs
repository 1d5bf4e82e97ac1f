using AigcMesh.Models.Inference;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using static TorchSharp.torch.nn.functional;

namespace AigcMesh.Models.Families.Lstm;

/// <summary>
/// An LSTM language model (Hochreiter and Schmidhuber, 1997; as a word/character model after Zaremba et al., 2014):
/// token embeddings, a stack of LSTM layers, and a linear head from each hidden state to next-token logits. The
/// recurrent state carries across calls, so sampling and scoring see the whole text, not a window.
/// </summary>
public sealed class Lstm : LanguageModule
{
    private const int ScoreChunk = 512;
    private readonly Embedding embedding;
    private readonly LSTM lstm;
    private readonly Linear head;
    private readonly LstmConfig _config;

    public Lstm(LstmConfig config) : base(nameof(Lstm), config.Text.VocabularySize, contextLength: null)
    {
        _config = config;
        embedding = Embedding(config.Text.VocabularySize, config.EmbeddingSize);
        lstm = LSTM(config.EmbeddingSize, config.HiddenSize, config.Layers, batchFirst: true);
        head = Linear(config.HiddenSize, config.Text.VocabularySize);
        RegisterComponents();
        using var _ = no_grad();
        init.uniform_(embedding.weight!, -0.1, 0.1);
    }

    /// <summary>Next-token logits [B, T, V] for token ids [B, T], from a zero state.</summary>
    public override Tensor forward(Tensor tokens) => forward(tokens, null).Logits;

    /// <summary>Logits [B, T, V] and the state (h, c) after the last token, from <paramref name="state"/> (zero when null).</summary>
    public (Tensor Logits, (Tensor H, Tensor C) State) forward(Tensor tokens, (Tensor H, Tensor C)? state)
    {
        var (output, h, c) = lstm.forward(embedding.forward(tokens), state);
        return (head.forward(output), (h, c));
    }

    /// <summary>Forward FLOPs per token: 2 per weight of the four gates' input and recurrent matrices per layer, and of the head.</summary>
    public double ForwardFlopsPerToken()
    {
        double e = _config.EmbeddingSize, h = _config.HiddenSize;
        var gates = 4 * h * (e + h) + (_config.Layers - 1) * 4 * h * (h + h);
        return 2.0 * (gates + h * _config.Text.VocabularySize);
    }

    internal override TokenStream OpenStream(Device device) => new RecurrentStream(this, device);

    internal override (double Nats, long Count) Score(long[] tokens, Device device)
    {
        using var stream = new RecurrentStream(this, device);
        double nats = 0;
        for (var start = 0; start < tokens.Length - 1; start += ScoreChunk)
        {
            var end = Math.Min(start + ScoreChunk, tokens.Length - 1);
            using var scope = NewDisposeScope();
            var logits = stream.Advance(tokens[start..end]);
            var targets = tensor(tokens[(start + 1)..(end + 1)], [end - start]).to(device);
            nats += cross_entropy(logits[0], targets, reduction: Reduction.Sum).item<float>();
        }
        return (nats, Math.Max(0, tokens.Length - 1));
    }

    /// <summary>Carries (h, c) from call to call: each new token costs one step of the recurrence.</summary>
    private sealed class RecurrentStream(Lstm model, Device device) : TokenStream
    {
        private (Tensor H, Tensor C)? _state;

        public override float[] Feed(IReadOnlyList<int> tokens)
        {
            using var scope = NewDisposeScope();
            return Advance(tokens.Select(t => (long)t).ToArray())[0, -1].cpu().data<float>().ToArray();
        }

        /// <summary>Logits [1, T, V] of <paramref name="tokens"/> (in the caller's dispose scope); keeps the new state.</summary>
        public Tensor Advance(long[] tokens)
        {
            using var _ = no_grad();
            var (logits, (h, c)) = model.forward(tensor(tokens, [1, tokens.Length]).to(device), _state);
            DisposeState();
            _state = (h.DetachFromDisposeScope(), c.DetachFromDisposeScope());
            return logits;
        }

        public override void Dispose() => DisposeState();

        private void DisposeState()
        {
            _state?.H.Dispose();
            _state?.C.Dispose();
            _state = null;
        }
    }
}
