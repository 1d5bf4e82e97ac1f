using AigcMesh.Models.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace AigcMesh.Models.Inference;

/// <summary>What DCGAN and VAE generation share: a latent per seed, batched decoding, interpolation.</summary>
internal abstract class LatentImageModel(string family, ImageShape shape, int latentSize, bool conditional, nn.Module model, Device device) : IImageModel
{
    private const int ChunkSize = 256;

    protected Device Device { get; } = device;
    protected ImageShape Shape { get; } = shape;

    public string Family { get; } = family;
    public int Channels => Shape.Channels;
    public int Height => Shape.Height;
    public int Width => Shape.Width;
    public int ClassCount => conditional ? Shape.ClassCount : 0;
    public int LatentSize { get; } = latentSize;
    public long ParameterCount { get; } = model.parameters().Sum(p => p.numel());

    /// <summary>Images in [-1, 1] from latents [N, latent] (labels [N] or null when unconditional).</summary>
    protected abstract Tensor Decode(Tensor z, Tensor? labels);

    public float[] Latent(long seed)
    {
        using var generator = new Generator((ulong)seed, CPU);
        using var z = randn([LatentSize], generator: generator);
        return z.data<float>().ToArray();
    }

    public ImageBatch Generate(IReadOnlyList<long> seeds, IReadOnlyList<int>? labels = null) =>
        GenerateFromLatents(seeds.Select(Latent).ToList(), labels);

    public ImageBatch GenerateFromLatents(IReadOnlyList<float[]> latents, IReadOnlyList<int>? labels = null)
    {
        if (latents.Any(z => z.Length != LatentSize)) throw new ArgumentException($"Every latent must have {LatentSize} values.", nameof(latents));
        var classes = ClassesFor(latents.Count, labels);
        var pixels = new float[latents.Count * Shape.Size];
        for (var start = 0; start < latents.Count; start += ChunkSize)
        {
            var count = Math.Min(ChunkSize, latents.Count - start);
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var z = tensor(latents.Skip(start).Take(count).SelectMany(v => v).ToArray(), [count, LatentSize]).to(Device);
            var y = classes is null ? null : tensor(classes.Skip(start).Take(count).ToArray(), [count]).to(Device);
            TensorData.CopyTo(Decode(z, y).cpu(), pixels, start * Shape.Size);
        }
        return new ImageBatch(latents.Count, Shape.Channels, Shape.Height, Shape.Width, pixels);
    }

    public ImageBatch Interpolate(long fromSeed, long toSeed, int steps, int? label = null)
    {
        if (steps < 2) throw new ArgumentOutOfRangeException(nameof(steps), "Interpolation needs at least 2 steps.");
        var (a, b) = (Latent(fromSeed), Latent(toSeed));
        var latents = Enumerable.Range(0, steps).Select(i => Slerp(a, b, i / (double)(steps - 1))).ToList();
        return GenerateFromLatents(latents, label is null ? null : Enumerable.Repeat(label.Value, steps).ToList());
    }

    public virtual void Dispose() => model.Dispose();

    /// <summary>Spherical interpolation: stays on the shell where Gaussian latents live (White, 2016).</summary>
    private static float[] Slerp(float[] a, float[] b, double t)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++) { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
        var omega = Math.Acos(Math.Clamp(dot / Math.Sqrt(na * nb), -1, 1));
        var (wa, wb) = omega < 1e-6 ? (1 - t, t) : (Math.Sin((1 - t) * omega) / Math.Sin(omega), Math.Sin(t * omega) / Math.Sin(omega));
        return a.Select((v, i) => (float)(wa * v + wb * b[i])).ToArray();
    }

    /// <summary>The class per image: as given, or cycling through the classes when none are given.</summary>
    private long[]? ClassesFor(int count, IReadOnlyList<int>? labels)
    {
        if (ClassCount == 0) return null;
        if (labels is null) return Enumerable.Range(0, count).Select(i => (long)(i % ClassCount)).ToArray();
        if (labels.Count != count) throw new ArgumentException($"Expected {count} labels, got {labels.Count}.", nameof(labels));
        var bad = labels.FirstOrDefault(l => l < 0 || l >= ClassCount, -1);
        if (labels.Any(l => l < 0 || l >= ClassCount)) throw new ArgumentException($"Label {bad} is outside [0, {ClassCount}).", nameof(labels));
        return labels.Select(l => (long)l).ToArray();
    }
}
