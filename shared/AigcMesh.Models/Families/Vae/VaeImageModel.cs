using AigcMesh.Models.Inference;
using AigcMesh.Models.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AigcMesh.Models.Families.Vae;

/// <summary>A trained VAE: samples from the prior, reconstructs images and scores them by their ELBO.</summary>
internal sealed class VaeImageModel : LatentImageModel, IVariationalImageModel
{
    private const int ChunkSize = 256;
    private readonly Vae _model;
    private readonly VaeConfig _config;

    private VaeImageModel(VaeConfig config, Vae model, Device device)
        : base("vae", config.Shape, config.LatentSize, conditional: false, model, device) => (_model, _config) = (model, config);

    public static VaeImageModel Load(VaeConfig config, Stream weights, Device device)
    {
        var model = TorchRuntime.Unseeded(() => new Vae(config));
        try
        {
            WeightsFile.Load(model, weights);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        model.to(device).eval();
        return new VaeImageModel(config, model, device);
    }

    protected override Tensor Decode(Tensor z, Tensor? labels) => _model.Decode(z);

    public ImageBatch Reconstruct(ImageBatch images)
    {
        CheckShape(images);
        var pixels = new float[images.Pixels.Length];
        ForChunks(images, (start, x) => TensorData.CopyTo(_model.Decode(_model.Encode(x).Mean).cpu(), pixels, start * Shape.Size));
        return images with { Pixels = pixels };
    }

    public double[] NegativeElbo(ImageBatch images, long seed = 0)
    {
        CheckShape(images);
        var result = new double[images.Count];
        using var generator = new Generator((ulong)seed, CPU);
        using (NewDisposeScope())
        {
            var eps = randn([images.Count, _config.LatentSize], generator: generator).to(Device);
            ForChunks(images, (start, x) =>
            {
                var (reconstruction, kl) = _model.NegativeElbo(x, eps[start..(start + (int)x.shape[0])]);
                var values = (reconstruction + kl).cpu().data<float>();
                for (var i = 0; i < values.Count; i++) result[start + i] = values[i];
            });
        }
        return result;
    }

    private void ForChunks(ImageBatch images, Action<int, Tensor> run)
    {
        for (var start = 0; start < images.Count; start += ChunkSize)
        {
            var count = Math.Min(ChunkSize, images.Count - start);
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var x = tensor(images.Pixels.AsSpan(start * Shape.Size, count * Shape.Size).ToArray(), [count, Shape.Channels, Shape.Height, Shape.Width]).to(Device);
            run(start, x);
        }
    }

    private void CheckShape(ImageBatch images)
    {
        if (images.Channels != Shape.Channels || images.Height != Shape.Height || images.Width != Shape.Width)
            throw new ArgumentException(
                $"Images are {images.Channels}x{images.Height}x{images.Width}; the model takes {Shape.Channels}x{Shape.Height}x{Shape.Width}.", nameof(images));
    }
}
