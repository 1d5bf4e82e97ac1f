using System.ComponentModel;
using AigcMesh.Contracts.Datasets;
using AigcMesh.Contracts.Pipelines;
using AigcMesh.Contracts.Training;
using AigcMesh.Models;

namespace AigcMesh.Evaluator.Pipelines;

/// <summary>POST /api/pipelines: what to train on, what to train, and how much.</summary>
public sealed record PipelineRequest(
    [property: Description("Model family: dcgan or vae (images), gpt or lstm (text).")] string Family,
    [property: Description("A built-in data set to import: synthetic-images or synthetic-text. Default: the one for the family's modality.")] string? Dataset = null,
    [property: Description("An existing data set's id (64 hex) instead of a built-in one.")] string? DatasetId = null,
    [property: Description("Hyperparameters by name (strings, invariant culture); unknown names are refused.")] Dictionary<string, string>? Hyperparameters = null,
    [property: Description("Training steps (default 200).")] int? MaxSteps = null,
    [property: Description("Wall-clock limit of the training in seconds (optional).")] double? MaxWallSeconds = null,
    [property: Description("Seed for training and generation (default 1234).")] int? Seed = null,
    [property: Description("How many samples the evaluation draws (default 256).")] int? EvaluationSamples = null,
    [property: Description("The sample set generated at the end.")] PipelineSampleRequest? Samples = null)
{
    public const int DefaultMaxSteps = 200;

    /// <summary>Every reason the request is refused (empty when fine), keyed by field as in validation problems.</summary>
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, List<string>>();
        void Add(string key, string message)
        {
            if (!errors.TryGetValue(key, out var list)) errors[key] = list = [];
            list.Add(message);
        }

        var modality = ModelFamilies.ModalityOf(Family ?? "");
        if (modality is null) Add("family", $"unknown family '{Family}' (known: {string.Join(", ", ModelFamilies.Names)}).");
        if (Dataset is not null && DatasetId is not null) Add("dataset", "give a built-in dataset or a datasetId, not both.");
        if (Dataset is not null && !PipelineDatasets.Names.Contains(Dataset))
            Add("dataset", $"unknown built-in data set '{Dataset}' (known: {string.Join(", ", PipelineDatasets.Names)}).");
        if (DatasetId is not null && !AigcMesh.Storage.ArtifactId.TryParse(DatasetId, out _)) Add("datasetId", "a data set id is 64 lower-case hex digits.");
        if (modality is not null && Dataset is not null && PipelineDatasets.Names.Contains(Dataset) && PipelineDatasets.ModalityOf(Dataset) != modality)
            Add("dataset", $"{Family} trains on {modality} data, and {Dataset} is {PipelineDatasets.ModalityOf(Dataset)} data.");
        if (modality is not null)
        {
            foreach (var error in ModelFamilies.Validate(Family!, Hyperparameters ?? [], modality)) Add("hyperparameters", error);
        }
        if (MaxSteps is < 1 or > 1_000_000) Add("maxSteps", "between 1 and 1000000.");
        if (MaxWallSeconds is <= 0) Add("maxWallSeconds", "positive.");
        if (EvaluationSamples is < 1 or > 100_000) Add("evaluationSamples", "between 1 and 100000.");
        if (Samples is { Count: < 1 or > 256 }) Add("samples.count", "between 1 and 256.");
        if (Samples is { MaxNewTokens: < 1 or > 4096 }) Add("samples.maxNewTokens", "between 1 and 4096.");
        if (Samples is { Temperature: <= 0 or > 10 }) Add("samples.temperature", "above 0 and at most 10.");
        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
    }

    /// <summary>The command for a valid request.</summary>
    public StartPipeline ToCommand(Guid correlationId, Guid pipelineId)
    {
        var modality = ModelFamilies.ModalityOf(Family) ?? DatasetModality.Image;
        var samples = Samples ?? new PipelineSampleRequest();
        return new StartPipeline(correlationId, pipelineId, DatasetId,
            DatasetId is null ? Dataset ?? PipelineDatasets.DefaultFor(modality) : null,
            Family, Hyperparameters ?? [], new TrainingBudget(MaxSteps ?? (MaxWallSeconds is null ? DefaultMaxSteps : null), MaxWallSeconds),
            Seed ?? 1234, EvaluationSamples ?? 256,
            new PipelineSampleOptions(samples.Count, samples.Prompt, samples.MaxNewTokens, samples.Temperature));
    }
}

/// <summary>The sample set: image count, or text prompt, length and temperature.</summary>
public sealed record PipelineSampleRequest(
    [property: Description("Images to generate (image families).")] int Count = 16,
    [property: Description("Prompt (text families).")] string Prompt = "The ",
    [property: Description("Tokens to generate (text families).")] int MaxNewTokens = 200,
    [property: Description("Sampling temperature (text families).")] double Temperature = 0.8);
