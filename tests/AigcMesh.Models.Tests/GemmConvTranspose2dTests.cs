using AigcMesh.Models.Families;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace AigcMesh.Models.Tests;

public sealed class GemmConvTranspose2dTests
{
    [Theory]
    [InlineData(64, 1, 4, 2, 1, 14, true)]   // the 28x28 DCGAN's output layer
    [InlineData(16, 3, 4, 2, 1, 8, true)]    // RGB
    [InlineData(8, 5, 3, 1, 0, 5, false)]    // odd kernel, stride 1, no bias
    [InlineData(4, 2, 5, 3, 2, 6, true)]
    public void Matches_libtorch_ConvTranspose2d_forward_and_backward(int inChannels, int outChannels, int kernel, int stride, int padding, int size, bool bias)
    {
        using var reference = TorchRuntime.Seeded(1, () => ConvTranspose2d(inChannels, outChannels, kernel, stride: stride, padding: padding, bias: bias));
        using var gemm = TorchRuntime.Unseeded(() => new GemmConvTranspose2d(inChannels, outChannels, kernel, stride, padding, bias));

        // Same parameter names and shapes: the weights of either load into the other.
        var expected = reference.state_dict();
        Assert.Equal(expected.Keys.Order(), gemm.state_dict().Keys.Order());
        gemm.load_state_dict(expected);
        var actual = gemm.state_dict();
        foreach (var (name, value) in expected) Assert.True(Same(value, actual[name]), name);

        using var generator = new Generator(2);
        using var input = randn([3, inChannels, size, size], requires_grad: true, generator: generator);
        using var input2 = input.detach().clone().requires_grad_(true);
        using var want = reference.forward(input);
        using var got = gemm.forward(input2);
        Assert.Equal(want.shape, got.shape);
        Assert.True(want.allclose(got, rtol: 1e-4, atol: 1e-5), $"max difference {(want - got).abs().max().item<float>()}");

        want.square().sum().backward();
        got.square().sum().backward();
        Assert.True(input.grad!.allclose(input2.grad!, rtol: 1e-4, atol: 1e-4));
        var referenceGrads = reference.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!);
        foreach (var (name, parameter) in gemm.named_parameters())
            Assert.True(referenceGrads[name].allclose(parameter.grad!, rtol: 1e-4, atol: 1e-3), name);
    }

    [Fact]
    public void An_image_does_not_depend_on_the_batch_it_is_in()
    {
        using var gemm = TorchRuntime.Seeded(3, () => new GemmConvTranspose2d(64, 1, 4, 2, 1));
        using var _ = no_grad();
        using var generator = new Generator(3);
        using var batch = randn([64, 64, 14, 14], generator: generator);
        using var all = gemm.forward(batch);
        using var first = batch[..5];
        using var some = gemm.forward(first);
        using var same = all[..5];
        Assert.True(Same(some, same), "the first 5 images differ when run as a batch of 5");
    }

    private static bool Same(Tensor a, Tensor b)
    {
        using var equal = a.eq(b);
        using var all = equal.all();
        return a.shape.SequenceEqual(b.shape) && all.item<bool>();
    }
}
