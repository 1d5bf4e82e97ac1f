using AigcMesh.Datasets;
using AigcMesh.Models.Data;
using AigcMesh.Models.Inference;
using AigcMesh.Models.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace AigcMesh.Models.Families.Dcgan;

/// <summary>One DCGAN run: alternating discriminator and generator Adam steps with the non-saturating loss.</summary>
internal sealed class DcganTrainer : FamilyTrainer
{
    private const int HeldImages = 256;
    private readonly DcganConfig _config;
    private readonly Dcgan _model;
    private readonly Adam _generatorOptimizer;
    private readonly Adam _discriminatorOptimizer;
    private readonly ImageBatches _batches;

    public DcganTrainer(DcganConfig config, IImageDataset data, long seed, Device device)
        : base("dcgan", config.ToDictionary(), seed, device)
    {
        _config = config;
        _model = TorchRuntime.Seeded(seed, () => new Dcgan(config)).to(device);
        _generatorOptimizer = optim.Adam(_model.GeneratorParameters(), config.LearningRate, config.Beta1, 0.999);
        _discriminatorOptimizer = optim.Adam(_model.DiscriminatorParameters(), config.LearningRate, config.Beta1, 0.999);
        _batches = new ImageBatches(data, config.BatchSize, seed);
    }

    protected override nn.Module Model => _model;
    protected override IReadOnlyList<OptimizerHelper> Optimizers => [_generatorOptimizer, _discriminatorOptimizer];
    public override int ItemsPerStep => _config.BatchSize;

    /// <summary>G forward and backward once (3x), D forward and backward on real, fake and again fake for G's loss (9x).</summary>
    public override double FlopsPerStep
    {
        get
        {
            var (g, d) = _model.ForwardFlops();
            return _config.BatchSize * (3 * g + 9 * d);
        }
    }

    public override TrainStepResult TrainStep()
    {
        using var scope = NewDisposeScope();
        _model.train();
        var (real, labels) = _batches.ForStep(Step, Device);
        var conditioning = _config.Conditional ? labels : null;
        var z = randn([_config.BatchSize, _config.LatentSize], device: Device, generator: Noise);
        var fake = _model.Generate(z, conditioning);
        var ones = ones_like(labels, ScalarType.Float32);
        var zeros = zeros_like(ones);

        _discriminatorOptimizer.zero_grad();
        var realLoss = binary_cross_entropy_with_logits(_model.Discriminate(real, conditioning), ones);
        var fakeLoss = binary_cross_entropy_with_logits(_model.Discriminate(fake.detach(), conditioning), zeros);
        var discriminatorLoss = realLoss + fakeLoss;
        discriminatorLoss.backward();
        _discriminatorOptimizer.step();

        _generatorOptimizer.zero_grad();
        var generatorLoss = binary_cross_entropy_with_logits(_model.Discriminate(fake, conditioning), ones);
        generatorLoss.backward();
        _generatorOptimizer.step();

        Step++;
        return new TrainStepResult(new Dictionary<string, double>
        {
            ["d_loss"] = discriminatorLoss.item<float>(),
            ["g_loss"] = generatorLoss.item<float>(),
        }, _config.LearningRate);
    }

    /// <summary>
    /// How far generated images are from held-out ones in simple statistics (a GAN has no likelihood): squared
    /// distance between the mean images, gap between pixel standard deviations, and the discriminator's mean belief.
    /// </summary>
    public override IReadOnlyDictionary<string, double> Validate()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        _model.eval();
        try
        {
            var (real, labels) = _batches.Held(HeldImages, Device);
            var conditioning = _config.Conditional ? labels : null;
            var fake = _model.Generate(FixedLatents(labels.shape[0]), conditioning);
            return new Dictionary<string, double>
            {
                ["mean_image_mse"] = (fake.mean([0]) - real.mean([0])).square().mean().item<float>(),
                ["pixel_std_gap"] = Math.Abs(fake.std().item<float>() - real.std().item<float>()),
                ["d_real"] = torch.sigmoid(_model.Discriminate(real, conditioning)).mean().item<float>(),
                ["d_fake"] = torch.sigmoid(_model.Discriminate(fake, conditioning)).mean().item<float>(),
            };
        }
        finally
        {
            _model.train();
        }
    }

    public override (byte[] Content, string MediaType) Snapshot()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        _model.eval();
        try
        {
            const int count = 64;
            var labels = _config.Conditional ? arange(count, device: Device) % _config.Shape.ClassCount : null;
            var images = _model.Generate(FixedLatents(count), labels).cpu();
            var shape = _config.Shape;
            var batch = new ImageBatch(count, shape.Channels, shape.Height, shape.Width, images.data<float>().ToArray());
            return (batch.ToPngGrid(), "image/png");
        }
        finally
        {
            _model.train();
        }
    }

    /// <summary>The same latents at every validation and snapshot, so they show progress rather than noise.</summary>
    private Tensor FixedLatents(long count)
    {
        using var generator = new Generator((ulong)Seed + 1, CPU);
        return randn([count, _config.LatentSize], generator: generator).to(Device);
    }
}
