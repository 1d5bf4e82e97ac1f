using AigcMesh.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace AigcMesh.Models.Tests;

/// <summary>
/// TorchSharp's native library loads (on Debian 12 only thanks to the build's loader fix), a tensor op gives
/// the right numbers, and an optimizer step moves a parameter downhill.
/// </summary>
public class TorchSharp_loads_on_this_machine
{
    [Fact]
    public void A_tensor_op_and_an_optimizer_step_run()
    {
        using var scope = NewDisposeScope();
        TorchRuntime.Seed(7);
        var a = tensor(new float[] { 1, 2, 3, 4 }).reshape(2, 2);
        var product = a.matmul(a);
        Assert.Equal(new float[] { 7, 10, 15, 22 }, product.data<float>().ToArray());

        var w = new TorchSharp.Modules.Parameter(ones(3));
        var optimizer = optim.SGD([w], learningRate: 0.1);
        var lossBefore = w.pow(2).sum();
        lossBefore.backward();
        optimizer.step();
        var lossAfter = w.pow(2).sum();

        Assert.True(lossAfter.item<float>() < lossBefore.item<float>());
        Assert.Equal(0.8f, w[0].item<float>(), 5);
    }
}
