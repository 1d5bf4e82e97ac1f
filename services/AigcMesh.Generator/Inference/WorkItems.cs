using System.Threading.Channels;
using AigcMesh.Contracts.Generation;
using AigcMesh.Models.Inference;

namespace AigcMesh.Generator.Inference;

/// <summary>One request waiting for (or in) a model's inference thread.</summary>
public abstract class WorkItem(CancellationToken cancellation)
{
    public CancellationToken Cancellation { get; } = cancellation;
    public long EnqueuedAt { get; } = System.Diagnostics.Stopwatch.GetTimestamp();

    /// <summary>Images (or sequences) this item adds to a batch.</summary>
    public abstract int Size { get; }

    public abstract void Fail(Exception error);
}

/// <summary>The images a request got and its share of the forward pass.</summary>
public sealed record ImageResult(ImageBatch Images, double ModelMilliseconds, int BatchRequests);

/// <summary>Images from seeds (seed, seed + 1, ...) or along the latent path between two seeds.</summary>
public sealed class ImageWork(int count, long seed, int? classLabel, long? interpolateToSeed, CancellationToken cancellation) : WorkItem(cancellation)
{
    public int Count { get; } = count;
    public long Seed { get; } = seed;
    public int? ClassLabel { get; } = classLabel;
    public long? InterpolateToSeed { get; } = interpolateToSeed;
    public TaskCompletionSource<ImageResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public override int Size => Count;
    public override void Fail(Exception error) => Completion.TrySetException(error);

    /// <summary>This request's latents: one per seed, or the interpolation path (computed on the inference thread).</summary>
    public IReadOnlyList<float[]> Latents(IImageModel model) => InterpolateToSeed is { } to
        ? LatentPath.Slerp(model.Latent(Seed), model.Latent(to), Count)
        : Enumerable.Range(0, Count).Select(i => model.Latent(Seed + i)).ToList();

    /// <summary>
    /// The class of each image: the one asked for, else its seed modulo the class count (the whole path's first seed
    /// for an interpolation), so an image depends on its seed alone, whichever request or batch it comes in.
    /// </summary>
    public IEnumerable<int> Labels(int classCount) =>
        Enumerable.Range(0, Count).Select(i => ClassLabel ?? (int)(((InterpolateToSeed is null ? Seed + i : Seed) % classCount + classCount) % classCount));
}

/// <summary>A VAE's reconstruction of given images.</summary>
public sealed class ReconstructWork(ImageBatch images, CancellationToken cancellation) : WorkItem(cancellation)
{
    public ImageBatch Images { get; } = images;
    public TaskCompletionSource<ImageResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public override int Size => Images.Count;
    public override void Fail(Exception error) => Completion.TrySetException(error);
}

/// <summary>What a text request produced.</summary>
public sealed record TextResult(string Text, int TokenCount, string FinishReason, double ModelMilliseconds);

/// <summary>A text sample; its pieces are written to <see cref="Pieces"/> as they are produced.</summary>
public sealed class TextWork(TextGenerationOptions options, CancellationToken cancellation) : WorkItem(cancellation)
{
    private readonly Channel<string> pieces = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    public TextGenerationOptions Options { get; } = options;
    public ChannelReader<string> Pieces => pieces.Reader;
    internal ChannelWriter<string> PieceWriter => pieces.Writer;
    public TaskCompletionSource<TextResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public override int Size => 1;

    public override void Fail(Exception error)
    {
        pieces.Writer.TryComplete();
        Completion.TrySetException(error);
    }
}
