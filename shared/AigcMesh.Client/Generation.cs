using System.Text.Json.Serialization;

namespace AigcMesh.Client;

/// <summary>Images from seeds Seed, Seed+1, ... (one per image), optionally of one class; or an interpolation to another seed.</summary>
public sealed record ImageGenerationRequest(int Count = 1, long Seed = 0, int? ClassLabel = null, long? InterpolateToSeed = null);

public sealed record TextGenerationRequest(
    string Prompt,
    int MaxNewTokens = 64,
    double Temperature = 1.0,
    int? TopK = null,
    double? TopP = null,
    IReadOnlyList<string>? Stop = null,
    int Seed = 0);

/// <summary>POST /api/generations: exactly one of <see cref="Images"/> and <see cref="Text"/>.</summary>
public sealed record GenerateRequest(Guid ModelId, ImageGenerationRequest? Images = null, TextGenerationRequest? Text = null, bool Store = false, bool Async = false);

/// <summary>
/// A generation: synchronous answers carry the PNGs and grid inline (<see cref="Images"/>, <see cref="Grid"/>) or the
/// <see cref="Text"/>; a large request answers 202 with a job (<see cref="Status"/>) whose stored files are listed by id.
/// </summary>
public sealed record GenerationResult : ApiResource
{
    public Guid GenerationId { get; init; }
    public Guid ModelId { get; init; }
    public IReadOnlyList<byte[]>? Images { get; init; }
    public byte[]? Grid { get; init; }
    public string? Text { get; init; }
    public int? TokenCount { get; init; }
    public string? FinishReason { get; init; }
    public double? ModelMilliseconds { get; init; }
    public int? BatchRequests { get; init; }
    public string? Worker { get; init; }
    public string? Kind { get; init; }
    public string? Status { get; init; }
    public IReadOnlyList<string>? ArtifactIds { get; init; }
    public string? GridArtifactId { get; init; }
    public string? Error { get; init; }

    [JsonIgnore]
    public bool IsJob => Images is null && Grid is null && Text is null;

    [JsonIgnore]
    public bool Completed => string.Equals(Status, "completed", StringComparison.OrdinalIgnoreCase);

    [JsonIgnore]
    public bool Failed => string.Equals(Status, "failed", StringComparison.OrdinalIgnoreCase);
}

public sealed class GenerationsClient(AigcClient client)
{
    public const string Path = "api/generations";

    public Task<GenerationResult> GenerateAsync(GenerateRequest request, CancellationToken cancellationToken = default) =>
        client.PostAsync<GenerationResult>(Path, request, cancellationToken);

    public Task<GenerationResult> GetAsync(Guid generationId, CancellationToken cancellationToken = default) =>
        client.GetAsync<GenerationResult>($"{Path}/{generationId}", cancellationToken);

    public Task<IReadOnlyList<GenerationResult>> ListAsync(Guid? modelId = null, CancellationToken cancellationToken = default) =>
        client.GetAsync<IReadOnlyList<GenerationResult>>(modelId is null ? Path : $"{Path}?modelId={modelId}", cancellationToken);

    /// <summary>One stored file of a generation (a PNG, the grid, or the text).</summary>
    public Task<byte[]> FileAsync(Guid generationId, string artifactId, CancellationToken cancellationToken = default) =>
        client.GetBytesAsync($"{Path}/{generationId}/artifacts/{AigcClient.Escape(artifactId)}", cancellationToken);

    /// <summary>Polls a generation job until it completed or failed.</summary>
    public async Task<GenerationResult> WaitAsync(Guid generationId, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        while (true)
        {
            var status = await GetAsync(generationId, limit.Token);
            if (status.Completed || status.Failed) return status;
            await Task.Delay(TimeSpan.FromMilliseconds(250), limit.Token);
        }
    }

    /// <summary>Streams a text generation: events "start", "token" ({index, text}) in order, then "done" or "error".</summary>
    public IAsyncEnumerable<ServerSentEvent> StreamTextAsync(Guid modelId, TextGenerationRequest text, CancellationToken cancellationToken = default) =>
        client.StreamAsync($"{Path}/stream", new GenerateRequest(modelId, Text: text), cancellationToken);
}
