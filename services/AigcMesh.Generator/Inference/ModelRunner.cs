using System.Collections.Concurrent;
using System.Diagnostics;
using AigcMesh.Models.Inference;

namespace AigcMesh.Generator.Inference;

/// <summary>
/// One loaded model and the dedicated thread that runs it (TorchSharp's dispose scopes are per thread). Image
/// requests that wait together are combined into one forward pass of at most <see cref="BatchingOptions.MaxBatchSize"/>
/// images: the thread takes what is queued, and while the model is busy (the last batch was shared) it waits up to
/// <see cref="BatchingOptions.MaxWaitMilliseconds"/> for more. A lone request under no load is never held back.
/// Text requests are rows of one <see cref="ITextSampleBatch"/>: every step samples one token for each of them in one
/// batched forward pass; requests that arrive during a step join the next one, finished ones leave.
/// </summary>
public sealed class ModelRunner : IDisposable
{
    private readonly BlockingCollection<WorkItem> queue = new();
    private readonly Func<LoadedModel> load;
    private readonly Action<ModelRunner, Exception> onLoadFailed;
    private readonly BatchingOptions batching;
    private readonly int maxQueued;
    private readonly Thread thread;
    private readonly Queue<WorkItem> deferred = new();
    private readonly Dictionary<int, TextSession> sessions = [];
    private ITextSampleBatch? textBatch;
    private int queuedItems;
    private int lastBatchRequests = 1;
    private double millisecondsPerItem = 1;
    private volatile Exception? loadFailure;

    public ModelRunner(string key, string family, long sizeBytes, BatchingOptions batching, int maxQueued, Func<LoadedModel> load, Action<ModelRunner, Exception> onLoadFailed)
    {
        Key = key;
        Family = family;
        SizeBytes = sizeBytes;
        this.batching = batching;
        this.maxQueued = maxQueued;
        this.load = load;
        this.onLoadFailed = onLoadFailed;
        thread = new Thread(Run) { IsBackground = true, Name = $"inference {family} {key[..Math.Min(8, key.Length)]}" };
        thread.Start();
    }

    public string Key { get; }
    public string Family { get; }
    public long SizeBytes { get; }

    /// <summary>Queues a request; throws <see cref="GeneratorBusyException"/> when the queue is too long.</summary>
    public void Enqueue(WorkItem item)
    {
        if (loadFailure is { } failure) throw new ModelUnusableException(failure.Message, failure);
        var queued = Interlocked.Add(ref queuedItems, item.Size);
        if (queued - item.Size > 0 && queued > maxQueued)
        {
            Interlocked.Add(ref queuedItems, -item.Size);
            var seconds = (int)Math.Ceiling(queued * millisecondsPerItem / 1000);
            throw new GeneratorBusyException($"The model's queue holds {queued - item.Size} items (limit Generator:Limits:MaxQueuedItems = {maxQueued}).", Math.Max(1, seconds));
        }
        try
        {
            queue.Add(item);
        }
        catch (InvalidOperationException)
        {
            Interlocked.Add(ref queuedItems, -item.Size);
            if (loadFailure is { } failed) throw new ModelUnusableException(failed.Message, failed);
            throw new GeneratorBusyException("The model is being unloaded; retry.", 1);
        }
    }

    /// <summary>Stops taking requests; the thread finishes what is queued, then frees the model.</summary>
    public void Dispose() => queue.CompleteAdding();

    private void Run()
    {
        LoadedModel model;
        try
        {
            model = load();
        }
        catch (Exception e)
        {
            loadFailure = e;
            onLoadFailed(this, e);
            queue.CompleteAdding();
            foreach (var item in queue.GetConsumingEnumerable()) item.Fail(new ModelUnusableException(e.Message, e));
            return;
        }
        using (model)
        {
            while (true)
            {
                var item = Next(block: sessions.Count == 0);
                if (item is null && sessions.Count == 0) break; // added no more and drained
                if (item is not null) Handle(item, model);
                // Whatever arrived meanwhile joins this step (bounded, so a stream of images cannot stall the text).
                for (var n = queue.Count + deferred.Count; n > 0 && Next(block: false) is { } more; n--) Handle(more, model);
                StepText();
            }
            textBatch?.Dispose();
        }
    }

    private WorkItem? Next(bool block)
    {
        if (deferred.Count > 0) return deferred.Dequeue();
        var taken = block ? queue.TryTake(out var item, Timeout.Infinite) : queue.TryTake(out item);
        if (!taken) return null;
        Interlocked.Add(ref queuedItems, -item!.Size);
        return item;
    }

    private void Handle(WorkItem item, LoadedModel model)
    {
        if (item.Cancellation.IsCancellationRequested)
        {
            item.Fail(new OperationCanceledException(item.Cancellation));
            return;
        }
        try
        {
            switch (item)
            {
                case ImageWork work when model.Image is { } image:
                    RunImageBatch(image, Collect(work));
                    break;
                case ReconstructWork work when model.Image is IVariationalImageModel vae:
                    Reconstruct(vae, work);
                    break;
                case ReconstructWork:
                    throw new InvalidGenerationException($"Reconstruction needs a VAE; this model is a {Family}.");
                case TextWork work when model.Text is { } text:
                    textBatch ??= text.OpenBatch();
                    var session = new TextSession(work, textBatch, model.Tokenizer!);
                    sessions.Add(session.Row, session);
                    break;
                default:
                    throw new InvalidGenerationException($"This {Family} model does not serve {(item is TextWork ? "text" : "image")} requests.");
            }
        }
        catch (Exception e)
        {
            item.Fail(e);
        }
    }

    /// <summary>The first request plus whatever image requests fit the batch, waiting a few ms while under load.</summary>
    private List<ImageWork> Collect(ImageWork first)
    {
        var batch = new List<ImageWork> { first };
        var size = first.Count;
        var wait = lastBatchRequests > 1 || queue.Count > 0 ? TimeSpan.FromMilliseconds(batching.MaxWaitMilliseconds) : TimeSpan.Zero;
        var deadline = Stopwatch.GetTimestamp() + (long)(wait.TotalSeconds * Stopwatch.Frequency);
        while (size < batching.MaxBatchSize)
        {
            var left = Math.Max(0, (deadline - Stopwatch.GetTimestamp()) * 1000 / Stopwatch.Frequency);
            if (!queue.TryTake(out var next, (int)left)) break;
            Interlocked.Add(ref queuedItems, -next.Size);
            if (next is ImageWork work && !work.Cancellation.IsCancellationRequested && size + work.Count <= batching.MaxBatchSize)
            {
                batch.Add(work);
                size += work.Count;
            }
            else
            {
                deferred.Enqueue(next);
                if (next is ImageWork) break;
            }
        }
        return batch;
    }

    private void RunImageBatch(IImageModel model, List<ImageWork> batch)
    {
        var latents = new List<float[]>();
        List<int>? labels = model.ClassCount > 0 ? [] : null;
        var accepted = new List<ImageWork>();
        foreach (var work in batch)
        {
            if (labels is not null && work.ClassLabel is { } label && (label < 0 || label >= model.ClassCount))
            {
                work.Fail(new InvalidGenerationException($"classLabel: {label} is outside [0, {model.ClassCount}) for this model."));
                continue;
            }
            latents.AddRange(work.Latents(model));
            labels?.AddRange(work.Labels(model.ClassCount));
            accepted.Add(work);
        }
        if (accepted.Count == 0) return;
        var started = Stopwatch.GetTimestamp();
        var images = model.GenerateFromLatents(latents, labels);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        Record(accepted.Count, latents.Count, elapsed);
        var offset = 0;
        foreach (var work in accepted)
        {
            work.Completion.TrySetResult(new ImageResult(images.Slice(offset, work.Count), elapsed * work.Count / latents.Count, accepted.Count));
            offset += work.Count;
        }
    }

    private void Reconstruct(IVariationalImageModel model, ReconstructWork work)
    {
        if (work.Images.Channels != model.Channels || work.Images.Height != model.Height || work.Images.Width != model.Width)
            throw new InvalidGenerationException($"The images must be {model.Channels}x{model.Height}x{model.Width} for this model.");
        var started = Stopwatch.GetTimestamp();
        var images = model.Reconstruct(work.Images);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        Record(1, work.Images.Count, elapsed);
        work.Completion.TrySetResult(new ImageResult(images, elapsed, 1));
    }

    private void Record(int requests, int items, double milliseconds)
    {
        lastBatchRequests = requests;
        millisecondsPerItem = 0.8 * millisecondsPerItem + 0.2 * (milliseconds / Math.Max(1, items));
        RecordPass(requests, items, milliseconds);
    }

    private void RecordPass(int requests, int items, double milliseconds)
    {
        GeneratorMetrics.BatchRequests.WithLabels(Family).Observe(requests);
        GeneratorMetrics.BatchItems.WithLabels(Family).Observe(items);
        GeneratorMetrics.ForwardSeconds.WithLabels(Family).Observe(milliseconds / 1000);
    }

    /// <summary>One token for every text request in one batched step; the callers that left and the finished leave the batch.</summary>
    private void StepText()
    {
        foreach (var (row, session) in sessions.Where(s => s.Value.CallerLeft).ToList())
        {
            textBatch!.Remove(row);
            sessions.Remove(row);
            session.Cancel();
        }
        if (sessions.Count == 0) return;
        IReadOnlyList<SampledToken> tokens;
        var started = Stopwatch.GetTimestamp();
        try
        {
            tokens = textBatch!.Step();
        }
        catch (Exception e)
        {
            foreach (var session in sessions.Values) session.Fail(e);
            sessions.Clear();
            textBatch!.Dispose();
            textBatch = null;
            return;
        }
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        RecordPass(tokens.Count, tokens.Count, elapsed);
        GeneratorMetrics.TextTokens.WithLabels(Family).Inc(tokens.Count);
        foreach (var token in tokens)
        {
            var session = sessions[token.Row];
            if (session.Accept(token, elapsed / tokens.Count)) continue;
            if (!token.Last) textBatch!.Remove(token.Row);
            sessions.Remove(token.Row);
        }
    }
}
