using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace AigcMesh.Models.Families;

/// <summary>
/// A 2-D transposed convolution computed as one matrix product and col2im: the weight [in, out * k * k] transposed
/// times each image's input columns [in, H * W] gives every input pixel's contribution to a k x k patch of each output
/// channel, and <c>fold</c> sums the patches into place (a transposed convolution is the adjoint of the convolution
/// unfold-then-multiply computes). Parameters are those of <see cref="ConvTranspose2d"/> (names, shapes, meaning and
/// initialisation), so weights saved by either load into the other.
/// For the image models' output layer (1 or 3 output channels): libtorch's oneDNN deconvolution pads the output
/// channels to a block of 16 and spent about 7x the CPU time of this on the 28x28 DCGAN's last layer at batch 64
/// (1 thread, 10.8 ms vs 1.6 ms), which alone held the DCGAN's batch-64 speed-up to under 3x.
/// </summary>
public sealed class GemmConvTranspose2d : Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter? bias;
    private readonly int kernel;
    private readonly int stride;
    private readonly int padding;

    public GemmConvTranspose2d(long inChannels, long outChannels, int kernel, int stride = 1, int padding = 0, bool bias = true)
        : base(nameof(GemmConvTranspose2d))
    {
        (this.kernel, this.stride, this.padding) = (kernel, stride, padding);
        // Initialised exactly as ConvTranspose2d (same draws from torch's generator), so seeded runs start the same.
        using var template = ConvTranspose2d(inChannels, outChannels, kernel, stride: stride, padding: padding, bias: bias);
        using (no_grad())
        {
            weight = Parameter(template.weight!.detach().clone());
            this.bias = bias ? Parameter(template.bias!.detach().clone()) : null;
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var (n, channels, height, width) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3]);
        var outHeight = (height - 1) * stride - 2 * padding + kernel;
        var outWidth = (width - 1) * stride - 2 * padding + kernel;
        using var flat = weight.view(channels, -1);
        using var transposed = flat.t();
        using var columns = input.reshape(n, channels, height * width);
        using var patches = matmul(transposed, columns); // [N, out * k * k, H * W]
        var output = functional.fold(patches, (outHeight, outWidth), (kernel, kernel), padding: (padding, padding), stride: (stride, stride));
        if (bias is null) return output;
        using (output)
        using (var perChannel = bias.view(1, -1, 1, 1))
            return output.add(perChannel);
    }
}
