using AigcMesh.Datasets;
using TorchSharp;
using static TorchSharp.torch;

namespace AigcMesh.Models.Data;

/// <summary>
/// Training batches of an image data set: epochs of seeded shuffles, so the batch of step s is a function of
/// (seed, s) alone and a resumed run reads exactly the batches the interrupted one would have read.
/// </summary>
internal sealed class ImageBatches
{
    private readonly IImageDataset _data;
    private readonly int _batchSize;
    private readonly long _seed;
    private readonly int _count;
    private int[] _order = [];
    private long _orderEpoch = -1;

    public ImageBatches(IImageDataset data, int batchSize, long seed)
    {
        _data = data;
        _batchSize = batchSize;
        _seed = seed;
        _count = data.Count(DatasetSplit.Train);
        if (_count == 0) throw new ArgumentException("The data set's training split is empty.", nameof(data));
    }

    public int ImageSize => _data.Channels * _data.Height * _data.Width;

    /// <summary>Images scaled to [-1, 1] ([B, C, H, W], float32) and labels ([B], int64) for step <paramref name="step"/>.</summary>
    public (Tensor Images, Tensor Labels) ForStep(long step, Device device)
    {
        var indices = new int[_batchSize];
        for (var i = 0; i < _batchSize; i++)
        {
            var position = step * _batchSize + i;
            indices[i] = OrderOf(position / _count)[(int)(position % _count)];
        }
        return Read(DatasetSplit.Train, indices, device);
    }

    /// <summary>A fixed set of up to <paramref name="max"/> held-out images (validation split, else the training split's tail).</summary>
    public (Tensor Images, Tensor Labels) Held(int max, Device device)
    {
        var split = _data.Count(DatasetSplit.Validation) > 0 ? DatasetSplit.Validation : DatasetSplit.Train;
        var available = _data.Count(split);
        var n = Math.Min(max, available);
        var indices = Enumerable.Range(available - n, n).ToArray();
        return Read(split, indices, device);
    }

    private (Tensor, Tensor) Read(DatasetSplit split, int[] indices, Device device)
    {
        var pixels = new byte[indices.Length * ImageSize];
        var labels = new int[indices.Length];
        _data.Read(split, indices, pixels, labels);
        using var scope = NewDisposeScope();
        var images = tensor(pixels, [indices.Length, _data.Channels, _data.Height, _data.Width])
            .to(ScalarType.Float32).div_(127.5).sub_(1.0).to(device);
        var labelTensor = tensor(labels.Select(l => (long)l).ToArray(), [indices.Length]).to(device);
        return (images.MoveToOuterDisposeScope(), labelTensor.MoveToOuterDisposeScope());
    }

    private int[] OrderOf(long epoch)
    {
        if (epoch == _orderEpoch) return _order;
        var order = Enumerable.Range(0, _count).ToArray();
        var rng = SplitMix64.For(_seed, 1, epoch);
        for (var i = order.Length - 1; i > 0; i--)
        {
            var j = (int)rng.NextLong(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        (_order, _orderEpoch) = (order, epoch);
        return order;
    }
}
