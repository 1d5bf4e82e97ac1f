using System.Globalization;
using System.Text.Json;
using AigcMesh.Contracts.Datasets;
using AigcMesh.Contracts.Training;
using AigcMesh.Datasets;
using AigcMesh.Datasets.Manifest;
using AigcMesh.Models;
using AigcMesh.Storage;
using AigcMesh.Trainer.Runs;

namespace AigcMesh.Trainer.Api;

/// <summary>POST /api/runs. Hyperparameter values may be JSON strings, numbers or booleans.</summary>
public sealed record StartRunRequest(
    string? DatasetId,
    string? Family,
    Dictionary<string, JsonElement>? Hyperparameters,
    int? MaxSteps,
    double? MaxWallSeconds,
    int? Seed,
    DevicePreference? Device,
    string? Tokenizer);

/// <summary>
/// Checks a run request before any work, with one reason per problem keyed by field: the family is known, the data set
/// exists and holds what the family trains on (read from its manifest), the hyperparameters pass the family's checks,
/// the budget is set and sane. Returns the StartTraining command to publish when everything is fine.
/// </summary>
public sealed class RunRequestValidator(ArtifactStore store)
{
    public const int MaxStepsLimit = 100_000_000;

    public (StartTraining? Command, Dictionary<string, string[]> Errors) Validate(StartRunRequest request, Guid correlationId, Guid? sweepId = null)
    {
        var errors = new Dictionary<string, List<string>>();
        void Add(string key, string message)
        {
            if (!errors.TryGetValue(key, out var list)) errors[key] = list = [];
            list.Add(message);
        }

        var family = request.Family?.Trim().ToLowerInvariant() ?? "";
        var familyModality = ModelFamilies.ModalityOf(family);
        if (family.Length == 0) Add("family", $"The family is required (one of {string.Join(", ", ModelFamilies.Names)}).");
        else if (familyModality is null) Add("family", $"Unknown family '{request.Family}' (known: {string.Join(", ", ModelFamilies.Names)}).");

        var manifest = ReadManifest(request.DatasetId, Add);
        var hyperparameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in request.Hyperparameters ?? [])
        {
            if (ToText(value) is { } text) hyperparameters[name] = text;
            else Add($"hyperparameters.{name}", "A hyperparameter value is a string, a number or a boolean.");
        }

        if (familyModality is not null && manifest is not null && manifest.Modality != familyModality)
            Add("family", $"{family} trains on {familyModality.ToString()!.ToLowerInvariant()} data sets; data set {request.DatasetId} holds {manifest.Modality.ToString().ToLowerInvariant()}.");

        if (familyModality == DatasetModality.Text)
        {
            var tokenizer = request.Tokenizer ?? hyperparameters.GetValueOrDefault(RunHyperparameters.TokenizerKey) ?? RunHyperparameters.DefaultTokenizer;
            if (!RunHyperparameters.Tokenizers.Contains(tokenizer))
                Add("tokenizer", $"Unknown tokenizer '{tokenizer}' (bpe or char).");
            else if (manifest?.Text is { } text && text.Tokenizations.All(t => t.Kind != tokenizer))
                Add("tokenizer", $"Data set {request.DatasetId} has no '{tokenizer}' tokenization.");
            hyperparameters[RunHyperparameters.TokenizerKey] = tokenizer;
        }
        else if (request.Tokenizer is not null)
        {
            Add("tokenizer", "Only text families (gpt, lstm) take a tokenizer.");
        }

        if (familyModality is not null)
        {
            var (familyValues, _) = RunHyperparameters.Split(family, hyperparameters);
            foreach (var error in ModelFamilies.Validate(family, familyValues))
            {
                if (error.StartsWith("family:", StringComparison.Ordinal)) continue;
                var colon = error.IndexOf(':');
                Add(colon > 0 ? $"hyperparameters.{error[..colon]}" : "hyperparameters", error);
            }
        }

        if (request.MaxSteps is null && request.MaxWallSeconds is null)
            Add("budget", "Give a budget: maxSteps, maxWallSeconds or both (whichever comes first).");
        if (request.MaxSteps is { } steps && (steps < 1 || steps > MaxStepsLimit))
            Add("maxSteps", $"maxSteps must be between 1 and {MaxStepsLimit}.");
        if (request.MaxWallSeconds is { } seconds && (double.IsNaN(seconds) || seconds <= 0 || seconds > 30 * 24 * 3600))
            Add("maxWallSeconds", "maxWallSeconds must be more than 0 and at most 30 days.");
        if (request.Device is { } device && !Enum.IsDefined(device))
            Add("device", "device is auto, cpu or cuda.");

        if (errors.Count > 0) return (null, errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
        var command = new StartTraining(correlationId, Guid.NewGuid(), request.DatasetId!, family, hyperparameters,
            new TrainingBudget(request.MaxSteps, request.MaxWallSeconds), request.Seed ?? Random.Shared.Next(), request.Device ?? DevicePreference.Auto, sweepId);
        return (command, []);
    }

    private DatasetManifest? ReadManifest(string? datasetId, Action<string, string> add)
    {
        if (string.IsNullOrWhiteSpace(datasetId))
        {
            add("datasetId", "The data set id is required.");
            return null;
        }
        if (!ArtifactId.TryParse(datasetId, out _))
        {
            add("datasetId", $"'{datasetId}' is not a data set id (64 hex digits).");
            return null;
        }
        try
        {
            return DatasetReader.ReadManifest(store, datasetId);
        }
        catch (ArtifactNotFoundException)
        {
            add("datasetId", $"Unknown data set {datasetId}.");
        }
        catch (Exception e) when (e is InvalidDataException or JsonException or NotSupportedException or InvalidOperationException)
        {
            add("datasetId", $"{datasetId} is not a readable data set manifest: {e.Message}");
        }
        return null;
    }

    /// <summary>A JSON hyperparameter value in the invariant text the families read.</summary>
    public static string? ToText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.TryGetInt64(out var i) ? i.ToString(CultureInfo.InvariantCulture) : value.GetDouble().ToString("R", CultureInfo.InvariantCulture),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };
}
