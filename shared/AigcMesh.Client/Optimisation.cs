namespace AigcMesh.Client;

/// <summary>
/// POST /api/evaluations/optimise (the evaluator's OptimiseRequest): generate <see cref="Candidates"/> items, filter
/// them, score them by <see cref="Objective"/> (the service's default when null) and keep the best <see cref="Keep"/>.
/// Images: <see cref="ClassLabel"/>, <see cref="ContrastNormalise"/>. Text: <see cref="Prompt"/> (required),
/// <see cref="MaxNewTokens"/>, <see cref="Temperature"/>, and the filters <see cref="Blocklist"/>,
/// <see cref="MaxRepetitionRate"/> and <see cref="NearDuplicateJaccard"/>.
/// </summary>
public sealed record OptimiseRequest(
    Guid ModelId,
    int Candidates = 16,
    int Keep = 4,
    long Seed = 0,
    string? Objective = null,
    int? ClassLabel = null,
    bool ContrastNormalise = true,
    string? Prompt = null,
    int MaxNewTokens = 48,
    double Temperature = 1.0,
    IReadOnlyList<string>? Blocklist = null,
    double MaxRepetitionRate = 0.5,
    double NearDuplicateJaccard = 0.8);

/// <summary>One candidate: its index among the n, seed and score; the stored PNG (images, kept ones) or the text; the filter that rejected it.</summary>
public sealed record OptimisedItem : ApiResource
{
    public int Index { get; init; }
    public long Seed { get; init; }
    public double Score { get; init; }
    public string? ArtifactId { get; init; }
    public string? Text { get; init; }
    public string? RejectedBy { get; init; }
    /// <summary>A kept image's PNG (relative to the API's address); <see cref="Evaluations.OptimisedImageAsync"/> reads it.</summary>
    public string? Url { get; init; }
}

/// <summary>Images' per-image contrast stretch: how many images and their mean pixel standard deviation before and after.</summary>
public sealed record ContrastReport : ApiResource
{
    public int Images { get; init; }
    public double MeanStdBefore { get; init; }
    public double MeanStdAfter { get; init; }
}

/// <summary>
/// The answer of POST /api/evaluations/optimise (the evaluator's OptimiseResponse): <see cref="Best"/> (the kept
/// candidates, best score first), every candidate, the mean scores of all and of the kept, the contrast
/// normalisation applied (images) and how many candidates each filter removed.
/// </summary>
public sealed record OptimiseResponse : ApiResource
{
    public Guid ModelId { get; init; }

    /// <summary>"image" or "text".</summary>
    public string Kind { get; init; } = "";
    public string Objective { get; init; } = "";
    public int Candidates { get; init; }
    public int Keep { get; init; }
    public double MeanScoreAll { get; init; }
    public double MeanScoreBest { get; init; }
    public IReadOnlyList<OptimisedItem> Best { get; init; } = [];
    public IReadOnlyList<OptimisedItem> AllCandidates { get; init; } = [];
    public ContrastReport? ContrastNormalisation { get; init; }
    public IReadOnlyDictionary<string, int> Filtered { get; init; } = new Dictionary<string, int>();
}
