namespace AigcMesh.Client;

public sealed record ImageGenerationRequest(int Count, int Seed = 0, int? ClassLabel = null);

public sealed record TextGenerationRequest(
    string Prompt,
    int MaxNewTokens = 200,
    double Temperature = 1.0,
    int? TopK = null,
    double? TopP = null,
    IReadOnlyList<string>? StopStrings = null,
    int Seed = 0);

public sealed record GenerateRequest(Guid ModelId, ImageGenerationRequest? Images = null, TextGenerationRequest? Text = null);

public sealed record GenerationResult : ApiResource
{
    public Guid Id { get; init; }
    public Guid? GenerationId { get; init; }
    public Guid ModelId { get; init; }
    public string? Status { get; init; }
    public IReadOnlyList<string>? ArtifactIds { get; init; }
    public string? GridArtifactId { get; init; }
    public string? Text { get; init; }
    public double? ModelMilliseconds { get; init; }
    public string? Reason { get; init; }

    public Guid EffectiveId => GenerationId ?? Id;
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

    /// <summary>Streams a text generation token by token (events "token", then "completed").</summary>
    public IAsyncEnumerable<ServerSentEvent> StreamTextAsync(Guid modelId, TextGenerationRequest text, CancellationToken cancellationToken = default) =>
        client.StreamAsync($"{Path}/stream", new GenerateRequest(modelId, Text: text), cancellationToken);
}

public sealed class ArtifactsClient(AigcClient client)
{
    public const string Path = "api/artifacts";

    public Task<byte[]> GetAsync(string artifactId, CancellationToken cancellationToken = default) =>
        client.GetBytesAsync($"{Path}/{AigcClient.Escape(artifactId)}", cancellationToken);
}
