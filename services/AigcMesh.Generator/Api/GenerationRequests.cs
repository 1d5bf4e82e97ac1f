using AigcMesh.Contracts.Datasets;
using AigcMesh.Contracts.Generation;
using AigcMesh.Models;

namespace AigcMesh.Generator.Api;

/// <summary>POST /api/generations: images or text from a registered model.</summary>
public sealed record GenerationRequest(Guid ModelId, ImageRequest? Images = null, TextRequest? Text = null, bool Store = false, bool Async = false);

/// <summary>
/// Images from seeds <see cref="Seed"/>, <see cref="Seed"/> + 1, ... (one per image), with an optional class for
/// conditional models; with <see cref="InterpolateToSeed"/>, <see cref="Count"/> steps from seed to that seed instead.
/// </summary>
public sealed record ImageRequest(int Count = 1, long Seed = 0, int? ClassLabel = null, long? InterpolateToSeed = null);

/// <summary>Text: prompt, up to <see cref="MaxNewTokens"/> new tokens, sampling knobs, stop strings and seed.</summary>
public sealed record TextRequest(
    string Prompt,
    int MaxNewTokens = 64,
    double Temperature = 1.0,
    int? TopK = null,
    double? TopP = null,
    IReadOnlyList<string>? Stop = null,
    int Seed = 0)
{
    public TextGenerationOptions ToOptions() => new(Prompt, MaxNewTokens, Temperature, TopK, TopP, Stop ?? [], Seed);
}

/// <summary>Checks a request against the limits and the model; every problem names its field and, for bounds, the setting.</summary>
public static class GenerationValidation
{
    public static Dictionary<string, string[]> Check(GenerationRequest request, GeneratorModel model, GenerationLimits limits)
    {
        var errors = new Dictionary<string, string[]>();
        var modality = ModelFamilies.ModalityOf(model.Family);
        if (request.Images is null == (request.Text is null))
            errors["request"] = ["Give exactly one of 'images' and 'text'."];
        else if (request.Images is { } images)
        {
            if (modality != DatasetModality.Image) errors["images"] = [$"Model {model.ModelId} is a {model.Family} text model; ask for 'text'."];
            else CheckImages(images, model, limits, errors);
        }
        else if (request.Text is { } text)
        {
            if (modality != DatasetModality.Text) errors["text"] = [$"Model {model.ModelId} is a {model.Family} image model; ask for 'images'."];
            else CheckText(text, limits, errors);
        }
        return errors;
    }

    public static void CheckImages(ImageRequest images, GeneratorModel model, GenerationLimits limits, Dictionary<string, string[]> errors)
    {
        var min = images.InterpolateToSeed is null ? 1 : 2;
        if (images.Count < min || images.Count > limits.MaxImages)
            errors["images.count"] = [$"Must be between {min} and {limits.MaxImages} (limit Generator:Limits:MaxImages)."];
        var shape = Worker.GenerationWorker.ImageShapeOf(model);
        if (images.ClassLabel is { } label)
        {
            if (!shape.Conditional) errors["images.classLabel"] = ["This model is not class-conditional."];
            else if (label < 0 || label >= shape.ClassCount) errors["images.classLabel"] = [$"Must be between 0 and {shape.ClassCount - 1}."];
        }
    }

    public static void CheckText(TextRequest text, GenerationLimits limits, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(text.Prompt)) errors["text.prompt"] = ["Must not be empty."];
        else if (text.Prompt.Length > limits.MaxPromptChars)
            errors["text.prompt"] = [$"Is {text.Prompt.Length} characters; the limit is {limits.MaxPromptChars} (Generator:Limits:MaxPromptChars)."];
        if (text.MaxNewTokens < 1 || text.MaxNewTokens > limits.MaxNewTokens)
            errors["text.maxNewTokens"] = [$"Must be between 1 and {limits.MaxNewTokens} (limit Generator:Limits:MaxNewTokens)."];
        if (!double.IsFinite(text.Temperature) || text.Temperature < 0 || text.Temperature > 10)
            errors["text.temperature"] = ["Must be between 0 (greedy) and 10."];
        if (text.TopK is < 0) errors["text.topK"] = ["Must be 0 (off) or more."];
        if (text.TopP is { } p && (!double.IsFinite(p) || p <= 0 || p > 1)) errors["text.topP"] = ["Must be in (0, 1]."];
        var stops = text.Stop ?? [];
        if (stops.Count > limits.MaxStopStrings)
            errors["text.stop"] = [$"At most {limits.MaxStopStrings} stop strings (limit Generator:Limits:MaxStopStrings)."];
        else if (stops.Any(s => string.IsNullOrEmpty(s) || s.Length > limits.MaxStopStringChars))
            errors["text.stop"] = [$"Each stop string must have 1 to {limits.MaxStopStringChars} characters (limit Generator:Limits:MaxStopStringChars)."];
    }
}
