using AigcMesh.Datasets;
using AigcMesh.Evaluation.Metrics;
using AigcMesh.Models.Inference;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace AigcMesh.Evaluation.Features;

/// <summary>What the feature network was trained to predict.</summary>
public enum FeatureTask
{
    /// <summary>The data set's class labels.</summary>
    Classes,

    /// <summary>For unlabelled data sets: which of 4 rotations (0, 90, 180, 270 degrees) an image shows (Gidaris et al., 2018).</summary>
    Rotation,
}

/// <summary>How a feature network was made; stored beside its weights.</summary>
public sealed record FeatureNetworkInfo(string DatasetId, FeatureTask Task, int Classes, int Channels, int Height, int Width, int Steps, int Seed, double TestAccuracy, int TestCount);

/// <summary>
/// The domain feature network: a small CNN classifier (two conv-ReLU-maxpool blocks, 4x4 adaptive average pooling,
/// a 128-unit hidden layer that gives the features, and a linear classifier) trained on the data set's training
/// split. Its features stand in for Inception features in FD/KID/precision-recall, and its class probabilities give
/// the inception score and conditional accuracy. Use from one thread at a time.
/// </summary>
public sealed class FeatureNetwork : IDisposable
{
    public const int FeatureSize = 128;
    private const int BatchSize = 64;
    private const int InferenceChunk = 512;

    private readonly Cnn network;
    private readonly Device device;

    private FeatureNetwork(Cnn network, FeatureNetworkInfo info, Device device)
    {
        this.network = network;
        this.device = device;
        Info = info;
    }

    public FeatureNetworkInfo Info { get; private set; }

    public int ClassCount => Info.Classes;

    /// <summary>Trains a fresh network for <paramref name="steps"/> Adam steps (batch 64, lr 1e-3) and measures its test accuracy.</summary>
    public static FeatureNetwork Train(IImageDataset data, int steps, int seed, Device? device = null, CancellationToken cancellationToken = default)
    {
        var task = data.ClassCount >= 2 ? FeatureTask.Classes : FeatureTask.Rotation;
        var classes = task == FeatureTask.Classes ? data.ClassCount : 4;
        var target = device ?? CPU;
        var cnn = AigcMesh.Models.TorchRuntime.Seeded(seed, () => new Cnn(data.Channels, classes));
        cnn.to(target);
        var info = new FeatureNetworkInfo(data.DatasetId, task, classes, data.Channels, data.Height, data.Width, steps, seed, 0, 0);
        var result = new FeatureNetwork(cnn, info, target);
        var trainCount = data.Count(DatasetSplit.Train);
        if (trainCount == 0) throw new ArgumentException("The data set's training split is empty.", nameof(data));
        var random = new Random(seed);
        using var optimizer = optim.Adam(cnn.parameters(), lr: 1e-3);
        cnn.train();
        for (var step = 0; step < steps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var indices = Enumerable.Range(0, BatchSize).Select(_ => random.Next(trainCount)).ToArray();
            using var scope = NewDisposeScope();
            var (images, labels) = result.Batch(data, DatasetSplit.Train, indices, random);
            optimizer.zero_grad();
            var loss = functional.cross_entropy(cnn.forward(images), labels);
            loss.backward();
            optimizer.step();
        }
        cnn.eval();
        var (accuracy, count) = result.Accuracy(data, TestSplitOf(data));
        result.Info = info with { TestAccuracy = accuracy, TestCount = count };
        return result;
    }

    /// <summary>The split used for test accuracy and as the real reference: test, else validation, else train.</summary>
    public static DatasetSplit TestSplitOf(IImageDataset data) =>
        data.Count(DatasetSplit.Test) >= 2 ? DatasetSplit.Test : data.Count(DatasetSplit.Validation) >= 2 ? DatasetSplit.Validation : DatasetSplit.Train;

    /// <summary>Accuracy on a split (for the rotation task: on all 4 rotations of each image).</summary>
    public (double Accuracy, int Count) Accuracy(IImageDataset data, DatasetSplit split, int max = 10_000)
    {
        var count = Math.Min(max, data.Count(split));
        long hits = 0, total = 0;
        var random = new Random(1);
        for (var start = 0; start < count; start += InferenceChunk)
        {
            var indices = Enumerable.Range(start, Math.Min(InferenceChunk, count - start)).ToArray();
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var (images, labels) = Batch(data, split, indices, random);
            hits += network.forward(images).argmax(1).eq(labels).sum().item<long>();
            total += labels.shape[0];
        }
        return (total == 0 ? 0 : hits / (double)total, (int)total);
    }

    /// <summary>Features (the 128-unit hidden layer) of images in [-1, 1].</summary>
    public FeatureMatrix Features(ImageBatch images) => Run(images).Features;

    /// <summary>Class probabilities (softmax), one row of <see cref="ClassCount"/> per image.</summary>
    public float[] Probabilities(ImageBatch images) => Run(images).Probabilities;

    /// <summary>Features and probabilities in one pass.</summary>
    public (FeatureMatrix Features, float[] Probabilities) Run(ImageBatch images)
    {
        CheckShape(images);
        var features = new float[images.Count * FeatureSize];
        var probabilities = new float[images.Count * ClassCount];
        for (var start = 0; start < images.Count; start += InferenceChunk)
        {
            var n = Math.Min(InferenceChunk, images.Count - start);
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var x = tensor(images.Pixels.AsSpan(start * images.ImageSize, n * images.ImageSize).ToArray(), [n, images.Channels, images.Height, images.Width]).to(device);
            var hidden = network.Hidden(x);
            hidden.cpu().data<float>().CopyTo(features, start * FeatureSize);
            functional.softmax(network.Classify(hidden), 1).cpu().data<float>().CopyTo(probabilities, start * ClassCount);
        }
        return (new FeatureMatrix(images.Count, FeatureSize, features), probabilities);
    }

    /// <summary>Reads images of a split as a batch in [-1, 1] (with their labels).</summary>
    public static (ImageBatch Images, int[] Labels) ReadImages(IImageDataset data, DatasetSplit split, int[] indices)
    {
        var size = data.Channels * data.Height * data.Width;
        var pixels = new byte[indices.Length * size];
        var labels = new int[indices.Length];
        data.Read(split, indices, pixels, labels);
        return (ImageBatch.FromBytes(indices.Length, data.Channels, data.Height, data.Width, pixels), labels);
    }

    public void Save(Stream destination)
    {
        using var writer = new BinaryWriter(destination, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(System.Text.Json.JsonSerializer.Serialize(Info));
        network.save(writer);
        writer.Flush();
    }

    /// <summary>Loads what <see cref="Save"/> wrote; InvalidDataException when the file does not fit.</summary>
    public static FeatureNetwork Load(Stream source, Device? device = null)
    {
        using var reader = new BinaryReader(source, System.Text.Encoding.UTF8, leaveOpen: true);
        FeatureNetworkInfo info;
        try
        {
            info = System.Text.Json.JsonSerializer.Deserialize<FeatureNetworkInfo>(reader.ReadString()) ?? throw new InvalidDataException("Empty feature network header.");
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or EndOfStreamException)
        {
            throw new InvalidDataException("Not a feature network file.", e);
        }
        var target = device ?? CPU;
        var cnn = AigcMesh.Models.TorchRuntime.Unseeded(() => new Cnn(info.Channels, info.Classes));
        try
        {
            cnn.load(reader, strict: true);
        }
        catch (Exception e) when (e is not InvalidDataException)
        {
            cnn.Dispose();
            throw new InvalidDataException($"The feature network weights do not fit: {e.Message}", e);
        }
        cnn.to(target);
        cnn.eval();
        return new FeatureNetwork(cnn, info, target);
    }

    public void Dispose() => network.Dispose();

    private void CheckShape(ImageBatch images)
    {
        if (images.Channels != Info.Channels || images.Height != Info.Height || images.Width != Info.Width)
            throw new ArgumentException($"The feature network takes {Info.Channels}x{Info.Height}x{Info.Width} images, not {images.Channels}x{images.Height}x{images.Width}.");
    }

    private (Tensor Images, Tensor Labels) Batch(IImageDataset data, DatasetSplit split, int[] indices, Random random)
    {
        var (batch, labels) = ReadImages(data, split, indices);
        var images = tensor(batch.Pixels, [batch.Count, batch.Channels, batch.Height, batch.Width]);
        if (Info.Task == FeatureTask.Classes)
            return (images.to(device), tensor(labels.Select(l => (long)l).ToArray()).to(device));
        var rotations = indices.Select(_ => (long)random.Next(4)).ToArray();
        var rotated = stack(rotations.Select((r, i) => images[i].rot90(r, (1, 2))).ToArray());
        return (rotated.to(device), tensor(rotations).to(device));
    }

    private sealed class Cnn : Module<Tensor, Tensor>
    {
        private readonly Module<Tensor, Tensor> conv1;
        private readonly Module<Tensor, Tensor> conv2;
        private readonly Module<Tensor, Tensor> pool;
        private readonly Module<Tensor, Tensor> hidden;
        private readonly Module<Tensor, Tensor> classifier;

        public Cnn(int channels, int classes) : base("feature_cnn")
        {
            conv1 = Conv2d(channels, 32, 3, padding: 1);
            conv2 = Conv2d(32, 64, 3, padding: 1);
            pool = AdaptiveAvgPool2d(4);
            hidden = Linear(64 * 16, FeatureSize);
            classifier = Linear(FeatureSize, classes);
            RegisterComponents();
        }

        public Tensor Hidden(Tensor x)
        {
            using var scope = NewDisposeScope();
            var h = functional.max_pool2d(functional.relu(conv1.forward(x)), 2, 2, ceil_mode: true);
            h = functional.max_pool2d(functional.relu(conv2.forward(h)), 2, 2, ceil_mode: true);
            h = pool.forward(h).flatten(1);
            return functional.relu(hidden.forward(h)).MoveToOuterDisposeScope();
        }

        public Tensor Classify(Tensor features) => classifier.forward(features);

        public override Tensor forward(Tensor x) => Classify(Hidden(x));

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                conv1.Dispose();
                conv2.Dispose();
                pool.Dispose();
                hidden.Dispose();
                classifier.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
