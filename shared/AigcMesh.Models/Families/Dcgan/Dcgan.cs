using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace AigcMesh.Models.Families.Dcgan;

/// <summary>
/// DCGAN (Radford, Metz and Chintala, 2016) for small images: a generator that projects z and upsamples with
/// strided transposed convolutions (batch norm, ReLU, tanh out), and an all-convolutional discriminator (strided
/// convolutions, batch norm, LeakyReLU 0.2). Conditional mode (Mirza and Osindero, 2014) appends a learned label
/// vector to z and a learned label map to the discriminator's input channels.
/// </summary>
public sealed class Dcgan : Module
{
    private readonly DcganGenerator generator;
    private readonly DcganDiscriminator discriminator;
    private readonly Embedding? generator_labels;
    private readonly Embedding? discriminator_labels;
    private readonly DcganConfig _config;

    public Dcgan(DcganConfig config) : base(nameof(Dcgan))
    {
        _config = config;
        var shape = config.Shape;
        var labelSize = config.Conditional ? Math.Min(config.LatentSize, 32) : 0;
        generator = new DcganGenerator(config.LatentSize + labelSize, config);
        discriminator = new DcganDiscriminator(shape.Channels + (config.Conditional ? 1 : 0), config);
        if (config.Conditional)
        {
            generator_labels = Embedding(shape.ClassCount, labelSize);
            discriminator_labels = Embedding(shape.ClassCount, shape.Height * shape.Width);
        }
        RegisterComponents();
        InitialiseWeights();
    }

    /// <summary>Images in [-1, 1] from latents [N, latent] (and labels [N] in conditional mode).</summary>
    public Tensor Generate(Tensor z, Tensor? labels) =>
        generator.forward(generator_labels is null ? z : cat([z, generator_labels.forward(labels!)], 1));

    /// <summary>Real-vs-fake logits [N].</summary>
    public Tensor Discriminate(Tensor images, Tensor? labels)
    {
        if (discriminator_labels is null) return discriminator.forward(images);
        var labelMap = discriminator_labels.forward(labels!).view(-1, 1, _config.Shape.Height, _config.Shape.Width);
        return discriminator.forward(cat([images, labelMap], 1));
    }

    public IEnumerable<Parameter> GeneratorParameters() =>
        generator.parameters().Concat(generator_labels?.parameters() ?? []);

    public IEnumerable<Parameter> DiscriminatorParameters() =>
        discriminator.parameters().Concat(discriminator_labels?.parameters() ?? []);

    /// <summary>Multiply-adds of one image's forward pass through each network, times two.</summary>
    public (double Generator, double Discriminator) ForwardFlops()
    {
        var (c, h, w) = (_config.Shape.Channels, _config.Shape.Height, _config.Shape.Width);
        double g = _config.GeneratorWidth, d = _config.DiscriminatorWidth, quarter = h / 4 * (w / 4);
        var gen = 2.0 * (_config.LatentSize * 4 * g * quarter + 4 * g * 2 * g * 16 * quarter + 2 * g * c * 16 * (h / 2 * (w / 2)));
        var disc = 2.0 * (c * d * 16 * (h / 2 * (w / 2)) + d * 2 * d * 16 * quarter + 2 * d * quarter);
        return (gen, disc);
    }

    /// <summary>Weights from N(0, 0.02), batch-norm scales from N(1, 0.02), as in the paper.</summary>
    private void InitialiseWeights()
    {
        using var _ = no_grad();
        foreach (var (_, module) in named_modules())
        {
            switch (module)
            {
                case TorchSharp.Modules.Conv2d or TorchSharp.Modules.ConvTranspose2d or GemmConvTranspose2d or TorchSharp.Modules.Linear or TorchSharp.Modules.Embedding:
                    foreach (var (name, p) in module.named_parameters(recurse: false))
                        if (name == "weight") init.normal_(p, 0, 0.02); else init.zeros_(p);
                    break;
                case TorchSharp.Modules.BatchNorm2d:
                    foreach (var (name, p) in module.named_parameters(recurse: false))
                        if (name == "weight") init.normal_(p, 1, 0.02); else init.zeros_(p);
                    break;
            }
        }
    }
}

internal sealed class DcganGenerator : Module<Tensor, Tensor>
{
    private readonly Sequential net;

    public DcganGenerator(int inputSize, DcganConfig config) : base(nameof(DcganGenerator))
    {
        var g = config.GeneratorWidth;
        var (h, w) = (config.Shape.Height / 4, config.Shape.Width / 4);
        net = Sequential(
            Linear(inputSize, 4 * g * h * w, hasBias: false),             // project z ...
            Unflatten(1, [4 * g, h, w]),                                   // ... and reshape
            BatchNorm2d(4 * g), ReLU(),
            ConvTranspose2d(4 * g, 2 * g, 4, stride: 2, padding: 1, bias: false), // H/4 -> H/2
            BatchNorm2d(2 * g), ReLU(),
            new GemmConvTranspose2d(2 * g, config.Shape.Channels, 4, stride: 2, padding: 1), // H/2 -> H (few channels: see GemmConvTranspose2d)
            Tanh());
        RegisterComponents();
    }

    public override Tensor forward(Tensor z) => net.forward(z);
}

internal sealed class DcganDiscriminator : Module<Tensor, Tensor>
{
    private readonly Sequential net;

    public DcganDiscriminator(int inputChannels, DcganConfig config) : base(nameof(DcganDiscriminator))
    {
        var d = config.DiscriminatorWidth;
        var quarter = config.Shape.Height / 4 * (config.Shape.Width / 4);
        net = Sequential(
            Conv2d(inputChannels, d, 4, stride: 2, padding: 1), LeakyReLU(0.2),       // H -> H/2, no batch norm on the input layer
            Conv2d(d, 2 * d, 4, stride: 2, padding: 1, bias: false), BatchNorm2d(2 * d), LeakyReLU(0.2), // H/2 -> H/4
            Flatten(),
            Linear(2 * d * quarter, 1));
        RegisterComponents();
    }

    public override Tensor forward(Tensor images) => net.forward(images).squeeze(1);
}
