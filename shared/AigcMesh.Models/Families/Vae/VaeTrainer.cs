using AigcMesh.Datasets;
using AigcMesh.Models.Data;
using AigcMesh.Models.Inference;
using AigcMesh.Models.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AigcMesh.Models.Families.Vae;

/// <summary>One VAE run: Adam steps on the negative ELBO per image, the reparameterisation noise from the run's own generator.</summary>
internal sealed class VaeTrainer : FamilyTrainer
{
    private const int HeldImages = 256;
    private readonly VaeConfig _config;
    private readonly Vae _model;
    private readonly Adam _optimizer;
    private readonly ImageBatches _batches;

    public VaeTrainer(VaeConfig config, IImageDataset data, long seed, Device device)
        : base("vae", config.ToDictionary(), seed, device)
    {
        _config = config;
        _model = TorchRuntime.Seeded(seed, () => new Vae(config)).to(device);
        _optimizer = optim.Adam(_model.parameters(), config.LearningRate);
        _batches = new ImageBatches(data, config.BatchSize, seed);
    }

    protected override nn.Module Model => _model;
    protected override IReadOnlyList<OptimizerHelper> Optimizers => [_optimizer];
    public override int ItemsPerStep => _config.BatchSize;

    /// <summary>Forward and backward through encoder and decoder (3x the forward pass).</summary>
    public override double FlopsPerStep => 3 * _config.BatchSize * _model.ForwardFlops();

    public override TrainStepResult TrainStep()
    {
        using var scope = NewDisposeScope();
        _model.train();
        var (images, _) = _batches.ForStep(Step, Device);
        var eps = randn([_config.BatchSize, _config.LatentSize], device: Device, generator: Noise);
        var (reconstruction, kl) = _model.NegativeElbo(images, eps);
        var loss = (reconstruction + kl).mean();

        _optimizer.zero_grad();
        loss.backward();
        _optimizer.step();

        Step++;
        return new TrainStepResult(new Dictionary<string, double>
        {
            ["loss"] = loss.item<float>(),
            ["reconstruction_nats"] = reconstruction.mean().item<float>(),
            ["kl_nats"] = kl.mean().item<float>(),
        }, _config.LearningRate);
    }

    /// <summary>
    /// The ELBO per held-out image in nats ("elbo_nats", a lower bound on log p(x); higher is better), its negation
    /// as "val_loss", and its two terms. The posterior noise is fixed, so the figure moves only with the model.
    /// </summary>
    public override IReadOnlyDictionary<string, double> Validate()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        _model.eval();
        try
        {
            var (images, _) = _batches.Held(HeldImages, Device);
            using var generator = new Generator((ulong)Seed + 1, CPU);
            var eps = randn([images.shape[0], _config.LatentSize], generator: generator).to(Device);
            var (reconstruction, kl) = _model.NegativeElbo(images, eps);
            var negativeElbo = (reconstruction + kl).mean().item<float>();
            return new Dictionary<string, double>
            {
                ["elbo_nats"] = -negativeElbo,
                ["val_loss"] = negativeElbo,
                ["reconstruction_nats"] = reconstruction.mean().item<float>(),
                ["kl_nats"] = kl.mean().item<float>(),
            };
        }
        finally
        {
            _model.train();
        }
    }

    /// <summary>Top half: samples from the prior (fixed latents); bottom half: held-out images above their reconstructions.</summary>
    public override (byte[] Content, string MediaType) Snapshot()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        _model.eval();
        try
        {
            using var generator = new Generator((ulong)Seed + 1, CPU);
            var samples = _model.Decode(randn([32, _config.LatentSize], generator: generator).to(Device));
            var (held, _) = _batches.Held(16, Device);
            var reconstructions = _model.Decode(_model.Encode(held).Mean);
            var grid = cat([samples, held, reconstructions], 0).cpu();
            var shape = _config.Shape;
            var batch = new ImageBatch((int)grid.shape[0], shape.Channels, shape.Height, shape.Width, grid.data<float>().ToArray());
            return (batch.ToPngGrid(), "image/png");
        }
        finally
        {
            _model.train();
        }
    }
}
