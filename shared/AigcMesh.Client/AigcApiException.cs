using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AigcMesh.Client;

/// <summary>RFC 9457 problem details as the services answer them (validation errors per field in <see cref="Errors"/>).</summary>
public sealed record ApiProblem
{
    public string? Type { get; init; }
    public string? Title { get; init; }
    public int? Status { get; init; }
    public string? Detail { get; init; }
    public string? Instance { get; init; }
    public IReadOnlyDictionary<string, string[]>? Errors { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extensions { get; init; }
}

/// <summary>The gateway or a service answered with an error status; <see cref="Problem"/> holds its problem details when it sent them.</summary>
public sealed class AigcApiException(HttpStatusCode statusCode, ApiProblem? problem, string? body, TimeSpan? retryAfter, string? correlationId)
    : Exception(Describe(statusCode, problem, body))
{
    public HttpStatusCode StatusCode { get; } = statusCode;
    public ApiProblem? Problem { get; } = problem;
    public string? Body { get; } = body;
    public TimeSpan? RetryAfter { get; } = retryAfter;
    public string? CorrelationId { get; } = correlationId;

    private static string Describe(HttpStatusCode status, ApiProblem? problem, string? body)
    {
        var head = $"{(int)status} {problem?.Title ?? status.ToString()}";
        if (problem?.Detail is { Length: > 0 } detail) head += $": {detail}";
        else if (problem is null && !string.IsNullOrWhiteSpace(body)) head += $": {(body.Length > 300 ? body[..300] + "…" : body)}";
        if (problem?.Errors is { Count: > 0 } errors)
        {
            head += " (" + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")) + ")";
        }
        return head;
    }
}
