namespace AigcMesh.Models.Configuration;

/// <summary>
/// Config values that come from the data set rather than from the user. They are part of a model's config (the
/// weights need them to load) but are refused as hyperparameters.
/// </summary>
public static class DataShapeKeys
{
    public const string ImageChannels = "image_channels";
    public const string ImageHeight = "image_height";
    public const string ImageWidth = "image_width";
    public const string ClassCount = "class_count";
    public const string VocabularySize = "vocab_size";

    public static IReadOnlySet<string> All { get; } =
        new HashSet<string>([ImageChannels, ImageHeight, ImageWidth, ClassCount, VocabularySize]);
}

/// <summary>The image size and class count a model is built for.</summary>
public sealed record ImageShape(int Channels = 1, int Height = 28, int Width = 28, int ClassCount = 0)
{
    public int Size => Channels * Height * Width;

    internal static ImageShape Read(HyperparameterReader r)
    {
        var shape = new ImageShape(
            r.Int(DataShapeKeys.ImageChannels, 1, 1, 4),
            r.Int(DataShapeKeys.ImageHeight, 28, 8, 256),
            r.Int(DataShapeKeys.ImageWidth, 28, 8, 256),
            r.Int(DataShapeKeys.ClassCount, 0, 0, 10_000));
        r.Require(shape.Height % 4 == 0 && shape.Width % 4 == 0,
            $"image size {shape.Height}x{shape.Width}: height and width must be multiples of 4 (two stride-2 stages).");
        return shape;
    }

    internal void Write(IDictionary<string, string> values)
    {
        values[DataShapeKeys.ImageChannels] = HyperparameterText.Of(Channels);
        values[DataShapeKeys.ImageHeight] = HyperparameterText.Of(Height);
        values[DataShapeKeys.ImageWidth] = HyperparameterText.Of(Width);
        values[DataShapeKeys.ClassCount] = HyperparameterText.Of(ClassCount);
    }
}

/// <summary>
/// What a language model is built for: the vocabulary size (from the data set) and the data set's tokenization the
/// model reads, "bpe" or "char" (a hyperparameter; the trainer opens the data set with it).
/// </summary>
public sealed record TextShape(int VocabularySize = 512, string Tokenizer = TextShape.Bpe)
{
    public const string TokenizerKey = "tokenizer";
    public const string Bpe = "bpe";
    public const string Char = "char";

    public static IReadOnlyList<string> Tokenizers { get; } = [Bpe, Char];

    internal static TextShape Read(HyperparameterReader r) => new(
        r.Int(DataShapeKeys.VocabularySize, 512, 2, 1_000_000),
        r.Choice(TokenizerKey, Bpe, Tokenizers));

    internal void Write(IDictionary<string, string> values)
    {
        values[DataShapeKeys.VocabularySize] = HyperparameterText.Of(VocabularySize);
        values[TokenizerKey] = Tokenizer;
    }
}
