namespace AigcMesh.Models.Inference;

/// <summary>
/// Many token sequences sampled together: each <see cref="Step"/> gives every row its next token from one batched
/// forward pass (GPT and LSTM of the model library; see <see cref="ITextModel.OpenBatch"/>). Rows join and leave
/// between steps. Each row keeps its own sampler (temperature, top-k, top-p, seed), so a row's tokens are those
/// <see cref="ITextModel.Sample"/> gives for the same arguments, whatever else is in the batch. One thread at a time.
/// </summary>
public interface ITextSampleBatch : IDisposable
{
    /// <summary>Rows in the batch.</summary>
    int Count { get; }

    /// <summary>Adds a sequence (its prompt is read on the next step); returns its row id. Arguments as <see cref="ITextModel.Sample"/>, with at least one new token.</summary>
    int Add(IReadOnlyList<int> prompt, int maxNewTokens, double temperature = 1.0, int topK = 0, double topP = 1.0, long seed = 0);

    /// <summary>Takes a row out (its caller left or hit a stop string); unknown ids are ignored.</summary>
    void Remove(int row);

    /// <summary>One new token for every row; a row that got its last token (<see cref="SampledToken.Last"/>) has left the batch.</summary>
    IReadOnlyList<SampledToken> Step();
}

/// <summary>A row's new token; <see cref="Last"/> when it was the row's <c>maxNewTokens</c>-th.</summary>
public readonly record struct SampledToken(int Row, int Token, bool Last);

/// <summary>
/// The fallback for a model without a batched forward pass: each row is its own <see cref="ITextModel.Sample"/>
/// enumeration, stepped in turn (same tokens, no shared pass).
/// </summary>
public sealed class SequentialSampleBatch(ITextModel model) : ITextSampleBatch
{
    private readonly Dictionary<int, (IEnumerator<int> Tokens, int Left)> rows = [];
    private int nextRow;

    public int Count => rows.Count;

    public int Add(IReadOnlyList<int> prompt, int maxNewTokens, double temperature = 1.0, int topK = 0, double topP = 1.0, long seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxNewTokens, 1);
        rows.Add(nextRow, (model.Sample(prompt, maxNewTokens, temperature, topK, topP, seed).GetEnumerator(), maxNewTokens));
        return nextRow++;
    }

    public void Remove(int row)
    {
        if (rows.Remove(row, out var r)) r.Tokens.Dispose();
    }

    public IReadOnlyList<SampledToken> Step()
    {
        var tokens = new List<SampledToken>(rows.Count);
        foreach (var (row, (enumerator, left)) in rows.ToList())
        {
            var more = enumerator.MoveNext();
            if (more) tokens.Add(new SampledToken(row, enumerator.Current, left == 1));
            if (more && left > 1) rows[row] = (enumerator, left - 1);
            else Remove(row);
        }
        return tokens;
    }

    public void Dispose()
    {
        foreach (var row in rows.Keys.ToList()) Remove(row);
    }
}
