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

    internal override BatchTokenStream OpenBatchStream(Device device) => new RecurrentBatchStream(this, device);

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

    /// <summary>
    /// Many sequences, each with its own (h, c) as one row of the batch state [layers, B, hidden]: a step feeds every
    /// row its last token in one pass; a new row's prompt runs alone from a zero state and its state joins the batch.
    /// </summary>
    private sealed class RecurrentBatchStream(Lstm model, Device device) : BatchTokenStream
    {
        private readonly List<int> _rows = [];                  // the batch state's row order
        private readonly Dictionary<int, long> _next = [];      // each row's token to feed
        private readonly Dictionary<int, long[]> _prompts = []; // rows that have not run yet
        private Tensor? _h, _c;

        public override void Add(int row, IReadOnlyList<int> prompt) => _prompts.Add(row, prompt.Select(t => (long)t).ToArray());

        public override void Append(int row, int token) => _next[row] = token;

        public override void Remove(int row)
        {
            if (_prompts.Remove(row)) return;
            var at = _rows.IndexOf(row);
            if (at < 0) return;
            _rows.RemoveAt(at);
            _next.Remove(row);
            if (_rows.Count == 0)
            {
                SetState(null, null);
                return;
            }
            using var scope = NewDisposeScope();
            var keep = tensor(Enumerable.Range(0, _rows.Count + 1).Where(i => i != at).Select(i => (long)i).ToArray()).to(device);
            SetState(_h!.index_select(1, keep), _c!.index_select(1, keep));
        }

        public override Dictionary<int, float[]> Logits()
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var result = _rows.Count == 0 ? [] : PerRow(_rows, Step());
            foreach (var (row, prompt) in _prompts)
            {
                var (logits, (h, c)) = model.forward(tensor(prompt, [1, prompt.Length]).to(device), null);
                result[row] = PerRow([row], logits[0, -1])[row];
                SetState(_h is null ? h : cat([_h, h], 1), _c is null ? c : cat([_c, c], 1));
                _rows.Add(row);
            }
            _prompts.Clear();
            return result;
        }

        public override void Dispose() => SetState(null, null);

        /// <summary>Feeds every running row its next token: logits [B, V].</summary>
        private Tensor Step()
        {
            var tokens = tensor(_rows.Select(r => _next[r]).ToArray(), [_rows.Count, 1]).to(device);
            var (logits, (h, c)) = model.forward(tokens, (_h!, _c!));
            SetState(h, c);
            return logits[.., -1];
        }

        /// <summary>Keeps <paramref name="h"/> and <paramref name="c"/> past the caller's dispose scope and frees the old state.</summary>
        private void SetState(Tensor? h, Tensor? c)
        {
            var (oldH, oldC) = (_h, _c);
            _h = h?.DetachFromDisposeScope();
            _c = c?.DetachFromDisposeScope();
            if (!ReferenceEquals(oldH, _h)) oldH?.Dispose();
            if (!ReferenceEquals(oldC, _c)) oldC?.Dispose();
        }
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
