using AigcMesh.Models.Inference;
using AigcMesh.Models.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AigcMesh.Models.Families.Dcgan;

/// <summary>A trained DCGAN's generator, for generation.</summary>
internal sealed class DcganImageModel : LatentImageModel
{
    private readonly Dcgan _model;

    private DcganImageModel(DcganConfig config, Dcgan model, Device device)
        : base("dcgan", config.Shape, config.LatentSize, config.Conditional, model, device) => _model = model;

    public static DcganImageModel Load(DcganConfig config, Stream weights, Device device)
    {
        var model = TorchRuntime.Unseeded(() => new Dcgan(config));
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
        return new DcganImageModel(config, model, device);
    }

    protected override Tensor Decode(Tensor z, Tensor? labels) => _model.Generate(z, labels);
}
