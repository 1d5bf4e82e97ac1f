using static TorchSharp.torch;

namespace AigcMesh.Models.Inference;

/// <summary>
/// Feeds many sequences to a model together: <see cref="Logits"/> runs one batched forward pass and gives each row
/// the logits of its next token. Rows join with a prompt, are fed the token picked for them, and leave.
/// </summary>
internal abstract class BatchTokenStream : IDisposable
{
    public abstract void Add(int row, IReadOnlyList<int> prompt);

    public abstract void Remove(int row);

    /// <summary>The token picked for <paramref name="row"/>: fed on the next <see cref="Logits"/>.</summary>
    public abstract void Append(int row, int token);

    /// <summary>Next-token logits [V] of every row, from one forward pass.</summary>
    public abstract Dictionary<int, float[]> Logits();

    public virtual void Dispose()
    {
    }

    /// <summary>Splits logits [B, V] (in the caller's dispose scope) into one array per row, in row order.</summary>
    protected static Dictionary<int, float[]> PerRow(IReadOnlyList<int> rows, Tensor logits)
    {
        var values = logits.cpu().data<float>().ToArray();
        var width = values.Length / Math.Max(1, rows.Count);
        return rows.Select((row, i) => (row, values[(i * width)..((i + 1) * width)])).ToDictionary(r => r.row, r => r.Item2);
    }
}

/// <summary>
/// A model with a context window (GPT, no key-value cache): every step recomputes each row's last window. Rows of
/// different lengths are right-padded into one [B, T] batch: under causal attention no real position sees the
/// padding after it, and each row's logits are read at its own last position, so positions stay 0.. for every row.
/// </summary>
internal sealed class WindowBatchStream(LanguageModule model, int context, Device device) : BatchTokenStream
{
    private readonly Dictionary<int, List<long>> rows = [];

    public override void Add(int row, IReadOnlyList<int> prompt) => rows.Add(row, [.. prompt.Select(t => (long)t)]);

    public override void Remove(int row) => rows.Remove(row);

    public override void Append(int row, int token)
    {
        var tokens = rows[row];
        tokens.Add(token);
        if (tokens.Count > context) tokens.RemoveRange(0, tokens.Count - context);
    }

    public override Dictionary<int, float[]> Logits()
    {
        var ids = rows.Keys.ToList();
        var windows = ids.Select(id => rows[id].TakeLast(context).ToArray()).ToList();
        var width = windows.Max(w => w.Length);
        var padded = new long[ids.Count * width];
        for (var i = 0; i < windows.Count; i++) windows[i].CopyTo(padded, i * width);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var tokens = tensor(padded, [ids.Count, width]).to(device);
        var last = tensor(windows.Select(w => (long)w.Length - 1).ToArray()).to(device);
        return PerRow(ids, model.LastLogits(tokens, last));
    }
}

/// <summary>
/// <see cref="ITextSampleBatch"/> over a <see cref="BatchTokenStream"/>: one forward pass per step, then each row's
/// own <see cref="TokenSampler"/> picks its token from its logits.
/// </summary>
internal sealed class TextSampleBatch(BatchTokenStream stream, Action<IReadOnlyList<int>> checkPrompt) : ITextSampleBatch
{
    private readonly Dictionary<int, (TokenSampler Sampler, int Left)> rows = [];
    private int nextRow;

    public int Count => rows.Count;

    public int Add(IReadOnlyList<int> prompt, int maxNewTokens, double temperature = 1.0, int topK = 0, double topP = 1.0, long seed = 0)
    {
        checkPrompt(prompt);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxNewTokens, 1);
        var sampler = new TokenSampler(temperature, topK, topP, seed);
        stream.Add(nextRow, prompt);
        rows.Add(nextRow, (sampler, maxNewTokens));
        return nextRow++;
    }

    public void Remove(int row)
    {
        if (rows.Remove(row)) stream.Remove(row);
    }

    public IReadOnlyList<SampledToken> Step()
    {
        if (rows.Count == 0) return [];
        var logits = stream.Logits();
        var tokens = new List<SampledToken>(rows.Count);
        foreach (var (row, (sampler, left)) in rows.ToList())
        {
            var token = sampler.Pick(logits[row]);
            tokens.Add(new SampledToken(row, token, left == 1));
            if (left == 1)
            {
                Remove(row);
                continue;
            }
            rows[row] = (sampler, left - 1);
            stream.Append(row, token);
        }
        return tokens;
    }

    public void Dispose() => stream.Dispose();
}
