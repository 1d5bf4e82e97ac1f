using AigcMesh.Datasets;
using static TorchSharp.torch;

namespace AigcMesh.Models.Data;

/// <summary>
/// Training windows of a token stream: each row is <c>context + 1</c> tokens from a random offset, the offsets of
/// step s a function of (seed, s) alone, so a resumed run reads the batches the interrupted one would have read.
/// </summary>
internal sealed class TextBatches
{
    private readonly ITextDataset _data;
    private readonly int _batchSize;
    private readonly int _context;
    private readonly long _seed;
    private readonly long _tokens;

    public TextBatches(ITextDataset data, int batchSize, int context, long seed)
    {
        _data = data;
        _batchSize = batchSize;
        _context = context;
        _seed = seed;
        _tokens = data.TokenCount(DatasetSplit.Train);
        if (_tokens < context + 2)
            throw new ArgumentException($"The training split has {_tokens} tokens; a window needs {context + 2}.", nameof(data));
    }

    /// <summary>Inputs and next-token targets ([B, T], int64) for step <paramref name="step"/>.</summary>
    public (Tensor Inputs, Tensor Targets) ForStep(long step, Device device)
    {
        var rng = SplitMix64.For(_seed, 2, step);
        var offsets = new long[_batchSize];
        for (var i = 0; i < _batchSize; i++) offsets[i] = rng.NextLong(_tokens - _context - 1);
        return Read(DatasetSplit.Train, offsets, device);
    }

    /// <summary>Up to <paramref name="maxWindows"/> evenly spaced held-out windows (validation split, else the training split).</summary>
    public (Tensor Inputs, Tensor Targets) Held(int maxWindows, Device device)
    {
        var split = _data.TokenCount(DatasetSplit.Validation) >= _context + 2 ? DatasetSplit.Validation : DatasetSplit.Train;
        var available = _data.TokenCount(split) - _context - 1;
        var n = (int)Math.Min(maxWindows, Math.Max(1, available / (_context + 1)));
        var offsets = Enumerable.Range(0, n).Select(i => available * i / n).ToArray();
        return Read(split, offsets, device);
    }

    private (Tensor, Tensor) Read(DatasetSplit split, long[] offsets, Device device)
    {
        var width = _context + 1;
        var ids = new int[offsets.Length * width];
        for (var i = 0; i < offsets.Length; i++) _data.Read(split, offsets[i], ids.AsSpan(i * width, width));
        using var scope = NewDisposeScope();
        var all = tensor(ids.Select(t => (long)t).ToArray(), [offsets.Length, width]).to(device);
        var inputs = all[.., ..^1].contiguous();
        var targets = all[.., 1..].contiguous();
        return (inputs.MoveToOuterDisposeScope(), targets.MoveToOuterDisposeScope());
    }
}
