using AigcMesh.Datasets;
using AigcMesh.Models.Inference;

namespace AigcMesh.Generator.Inference;

/// <summary>A model ready for inference: an image model, or a language model with its data set's tokenizer.</summary>
public sealed class LoadedModel(IImageModel? image, ITextModel? text, ITextTokenizer? tokenizer) : IDisposable
{
    public IImageModel? Image { get; } = image;
    public ITextModel? Text { get; } = text;
    public ITextTokenizer? Tokenizer { get; } = tokenizer;

    public void Dispose()
    {
        Image?.Dispose();
        Text?.Dispose();
    }
}
