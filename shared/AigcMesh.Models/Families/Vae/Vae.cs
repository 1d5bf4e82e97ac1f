using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using static TorchSharp.torch.nn.functional;

namespace AigcMesh.Models.Families.Vae;

/// <summary>
/// A convolutional variational auto-encoder (Kingma and Welling, 2014). The encoder q(z|x) maps an image to the mean
/// and log-variance of a diagonal Gaussian; z = mu + sigma * eps (the reparameterisation trick) keeps the sample
/// differentiable; the decoder p(x|z) gives Bernoulli logits per pixel (pixels scaled to [0, 1]). The loss is the
/// negative ELBO: reconstruction cross-entropy plus KL(q(z|x) || N(0, I)), summed over an image, in nats.
/// </summary>
public sealed class Vae : Module
{
    private readonly VaeEncoder encoder;
    private readonly VaeDecoder decoder;
    private readonly VaeConfig _config;

    public Vae(VaeConfig config) : base(nameof(Vae))
    {
        _config = config;
        encoder = new VaeEncoder(config);
        decoder = new VaeDecoder(config);
        RegisterComponents();
    }

    /// <summary>Posterior mean and log-variance [N, latent] of images in [-1, 1].</summary>
    public (Tensor Mean, Tensor LogVariance) Encode(Tensor images) => encoder.forward(images);

    /// <summary>Bernoulli logits [N, C, H, W] of the pixels (in [0, 1]) given latents [N, latent].</summary>
    public Tensor DecodeLogits(Tensor z) => decoder.forward(z);

    /// <summary>Images in [-1, 1]: the decoder's pixel means.</summary>
    public Tensor Decode(Tensor z) => torch.sigmoid(decoder.forward(z)).mul(2).sub(1);

    /// <summary>
    /// Reconstruction and KL terms of the negative ELBO per image [N] in nats, with <paramref name="eps"/> the
    /// standard-normal noise of the reparameterisation (one sample per image).
    /// </summary>
    public (Tensor Reconstruction, Tensor Kl) NegativeElbo(Tensor images, Tensor eps)
    {
        var (mu, logVariance) = Encode(images);
        var z = mu + exp(0.5 * logVariance) * eps;                                   // reparameterisation
        var target = images.add(1).div(2);                                            // [-1, 1] -> [0, 1]
        var reconstruction = binary_cross_entropy_with_logits(DecodeLogits(z), target, reduction: Reduction.None)
            .flatten(1).sum(1);                                                       // -log p(x|z)
        var kl = -0.5 * (1 + logVariance - mu.square() - logVariance.exp()).sum(1);   // KL(q(z|x) || N(0, I))
        return (reconstruction, kl);
    }

    /// <summary>Multiply-adds of one image's pass through the encoder and the decoder, times two.</summary>
    public double ForwardFlops()
    {
        var (c, h, w) = (_config.Shape.Channels, _config.Shape.Height, _config.Shape.Width);
        double k = _config.Width, half = h / 2 * (w / 2), quarter = h / 4 * (w / 4);
        var convolutions = c * k * 16 * half + k * 2 * k * 16 * quarter;
        var projection = 2 * k * quarter * 2 * _config.LatentSize;
        return 2.0 * (2 * convolutions + projection + _config.LatentSize * 2 * k * quarter);
    }
}

internal sealed class VaeEncoder : Module<Tensor, (Tensor, Tensor)>
{
    private readonly Sequential net;
    private readonly Linear mean;
    private readonly Linear log_variance;

    public VaeEncoder(VaeConfig config) : base(nameof(VaeEncoder))
    {
        var k = config.Width;
        var quarter = config.Shape.Height / 4 * (config.Shape.Width / 4);
        net = Sequential(
            Conv2d(config.Shape.Channels, k, 4, stride: 2, padding: 1), ReLU(), // H -> H/2
            Conv2d(k, 2 * k, 4, stride: 2, padding: 1), ReLU(),                 // H/2 -> H/4
            Flatten());
        mean = Linear(2 * k * quarter, config.LatentSize);
        log_variance = Linear(2 * k * quarter, config.LatentSize);
        RegisterComponents();
    }

    public override (Tensor, Tensor) forward(Tensor images)
    {
        var features = net.forward(images);
        return (mean.forward(features), log_variance.forward(features));
    }
}

internal sealed class VaeDecoder : Module<Tensor, Tensor>
{
    private readonly Sequential net;

    public VaeDecoder(VaeConfig config) : base(nameof(VaeDecoder))
    {
        var k = config.Width;
        var (h, w) = (config.Shape.Height / 4, config.Shape.Width / 4);
        net = Sequential(
            Linear(config.LatentSize, 2 * k * h * w), ReLU(),
            Unflatten(1, [2 * k, h, w]),
            ConvTranspose2d(2 * k, k, 4, stride: 2, padding: 1), ReLU(),                    // H/4 -> H/2
            new GemmConvTranspose2d(k, config.Shape.Channels, 4, stride: 2, padding: 1));   // H/2 -> H (logits; few channels: see GemmConvTranspose2d)
        RegisterComponents();
    }

    public override Tensor forward(Tensor z) => net.forward(z);
}
