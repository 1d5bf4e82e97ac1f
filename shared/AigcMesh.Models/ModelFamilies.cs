using AigcMesh.Contracts.Datasets;
using AigcMesh.Datasets;
using AigcMesh.Models.Configuration;
using AigcMesh.Models.Families.Dcgan;
using AigcMesh.Models.Families.Gpt;
using AigcMesh.Models.Families.Lstm;
using AigcMesh.Models.Families.Vae;
using AigcMesh.Models.Training;
using AigcMesh.Models.Inference;
using static TorchSharp.torch;

namespace AigcMesh.Models;

/// <summary>
/// The model families by name ("dcgan", "vae", "gpt", "lstm"): checks hyperparameters, creates trainers and loads
/// trained models for inference. Hyperparameters and model configs are named strings (invariant culture).
/// </summary>
public static class ModelFamilies
{
    public const string Dcgan = "dcgan";
    public const string Vae = "vae";
    public const string Gpt = "gpt";
    public const string Lstm = "lstm";

    public static IReadOnlyList<string> Names { get; } = [Dcgan, Vae, Gpt, Lstm];

    /// <summary>The kind of data set a family trains on; null for an unknown family.</summary>
    public static DatasetModality? ModalityOf(string family) => family switch
    {
        Dcgan or Vae => DatasetModality.Image,
        Gpt or Lstm => DatasetModality.Text,
        _ => null,
    };

    /// <summary>
    /// Every reason a request is refused, before any work: unknown family, a family that does not train on the data
    /// set's modality, unknown hyperparameter names, bad values, and data-shape keys (set from the data set).
    /// Empty when the request is fine.
    /// </summary>
    public static IReadOnlyList<string> Validate(string family, IReadOnlyDictionary<string, string> hyperparameters, DatasetModality? modality = null)
    {
        var familyModality = ModalityOf(family);
        if (familyModality is null) return [$"family: unknown family '{family}' (known: {string.Join(", ", Names)})."];
        var errors = new List<string>();
        if (modality is not null && modality != familyModality)
            errors.Add($"family: {family} trains on {familyModality} data sets, not {modality}.");
        errors.AddRange(hyperparameters.Keys.Where(DataShapeKeys.All.Contains).Order(StringComparer.Ordinal)
            .Select(k => $"{k}: set from the data set, not a hyperparameter."));
        var userValues = hyperparameters.Where(p => !DataShapeKeys.All.Contains(p.Key)).ToDictionary();
        errors.AddRange(ReadConfig(family, userValues).Errors);
        return errors;
    }

    /// <summary>A family's full default config (hyperparameters and default data shape), for documentation and UIs.</summary>
    public static IReadOnlyDictionary<string, string> Defaults(string family) => ReadConfig(family, new Dictionary<string, string>()).Config;

    /// <summary>A trainer for an image family (dcgan, vae) on <paramref name="data"/>; throws <see cref="ModelConfigException"/> with the reasons when refused.</summary>
    public static IModelTrainer CreateTrainer(string family, IReadOnlyDictionary<string, string> hyperparameters, IImageDataset data, long seed, Device? device = null)
    {
        var values = Checked(family, hyperparameters, DatasetModality.Image);
        new ImageShape(data.Channels, data.Height, data.Width, data.ClassCount).Write(values);
        return family switch
        {
            Dcgan => new DcganTrainer(Parse(DcganConfig.Read(values), c => c.CheckData()), data, seed, device ?? CPU),
            Vae => new VaeTrainer(Parse(VaeConfig.Read(values), _ => []), data, seed, device ?? CPU),
            _ => throw new ModelConfigException([$"family: {family} is not an image family."]),
        };
    }

    /// <summary>A trainer for a text family (gpt, lstm) on <paramref name="data"/>; throws <see cref="ModelConfigException"/> with the reasons when refused.</summary>
    public static IModelTrainer CreateTrainer(string family, IReadOnlyDictionary<string, string> hyperparameters, ITextDataset data, long seed, Device? device = null)
    {
        var values = Checked(family, hyperparameters, DatasetModality.Text);
        values[DataShapeKeys.VocabularySize] = data.Tokenizer.VocabularySize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (values.TryGetValue(TextShape.TokenizerKey, out var asked) && asked != data.Tokenizer.Kind)
            throw new ModelConfigException([$"{TextShape.TokenizerKey}: the run asks for '{asked}' tokens, but the data set was opened with its '{data.Tokenizer.Kind}' tokenization."]);
        values[TextShape.TokenizerKey] = data.Tokenizer.Kind;
        return family switch
        {
            Gpt => GptTrainer(Parse(GptConfig.Read(values), _ => []), data, seed, device ?? CPU),
            Lstm => LstmTrainer(Parse(LstmConfig.Read(values), _ => []), data, seed, device ?? CPU),
            _ => throw new ModelConfigException([$"family: {family} is not a text family."]),
        };
    }

    /// <summary>A trained image model from its config (<see cref="IModelTrainer.ModelConfig"/>) and weights; InvalidDataException when they do not fit.</summary>
    public static IImageModel LoadImageModel(string family, IReadOnlyDictionary<string, string> modelConfig, Stream weights, Device? device = null) => family switch
    {
        Dcgan => DcganImageModel.Load(Parse(DcganConfig.Read(modelConfig), _ => []), weights, device ?? CPU),
        Vae => VaeImageModel.Load(Parse(VaeConfig.Read(modelConfig), _ => []), weights, device ?? CPU),
        _ => throw new ModelConfigException([$"family: '{family}' is not an image family (dcgan, vae)."]),
    };

    /// <summary>A trained language model from its config (<see cref="IModelTrainer.ModelConfig"/>) and weights; InvalidDataException when they do not fit.</summary>
    public static ITextModel LoadTextModel(string family, IReadOnlyDictionary<string, string> modelConfig, Stream weights, Device? device = null) => family switch
    {
        Gpt => LanguageModel.Load(Gpt, TorchRuntime.Unseeded(() => new Gpt(Parse(GptConfig.Read(modelConfig), _ => []))), weights, device ?? CPU),
        Lstm => LanguageModel.Load(Lstm, TorchRuntime.Unseeded(() => new Lstm(Parse(LstmConfig.Read(modelConfig), _ => []))), weights, device ?? CPU),
        _ => throw new ModelConfigException([$"family: '{family}' is not a text family (gpt, lstm)."]),
    };

    private static LanguageModelTrainer GptTrainer(GptConfig config, ITextDataset data, long seed, Device device) =>
        new(Gpt, config.ToDictionary(), () => new Gpt(config), m => ((Gpt)m).ForwardFlopsPerToken(), config.Training, data, seed, device);

    private static LanguageModelTrainer LstmTrainer(LstmConfig config, ITextDataset data, long seed, Device device) =>
        new(Lstm, config.ToDictionary(), () => new Lstm(config), m => ((Lstm)m).ForwardFlopsPerToken(), config.Training, data, seed, device);

    private static (IReadOnlyDictionary<string, string> Config, IReadOnlyList<string> Errors) ReadConfig(string family, IReadOnlyDictionary<string, string> values)
    {
        switch (family)
        {
            case Dcgan: { var (c, e) = DcganConfig.Read(values); return (c.ToDictionary(), e); }
            case Vae: { var (c, e) = VaeConfig.Read(values); return (c.ToDictionary(), e); }
            case Gpt: { var (c, e) = GptConfig.Read(values); return (c.ToDictionary(), e); }
            case Lstm: { var (c, e) = LstmConfig.Read(values); return (c.ToDictionary(), e); }
            default: return (new Dictionary<string, string>(), [$"family: unknown family '{family}'."]);
        }
    }

    private static Dictionary<string, string> Checked(string family, IReadOnlyDictionary<string, string> hyperparameters, DatasetModality modality)
    {
        var errors = Validate(family, hyperparameters, modality);
        if (errors.Count > 0) throw new ModelConfigException(errors);
        return hyperparameters.ToDictionary();
    }

    private static T Parse<T>((T Config, IReadOnlyList<string> Errors) read, Func<T, IEnumerable<string>> checkData)
    {
        var errors = read.Errors.Concat(checkData(read.Config)).ToList();
        if (errors.Count > 0) throw new ModelConfigException(errors);
        return read.Config;
    }
}

/// <summary>A refused config, with one readable reason per problem.</summary>
public sealed class ModelConfigException(IReadOnlyList<string> errors)
    : ArgumentException("Invalid model config: " + string.Join(" ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
