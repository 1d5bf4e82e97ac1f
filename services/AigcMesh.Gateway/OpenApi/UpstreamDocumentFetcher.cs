using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace AigcMesh.Gateway.OpenApi;

/// <summary>An upstream service's document, or why there is none.</summary>
public sealed record UpstreamDocument(UpstreamApi Api, OpenApiDocument? Document, string? Failure);

/// <summary>
/// Fetches one service's OpenAPI document from its destinations (healthy ones first, the next one when one fails)
/// and reads it with Microsoft.OpenApi.
/// </summary>
public sealed class UpstreamDocumentFetcher(IHttpClientFactory clients, IOptionsMonitor<GatewayOptions> options, ILogger<UpstreamDocumentFetcher> logger)
{
    public const string HttpClientName = "openapi-upstream";

    public async Task<UpstreamDocument> FetchAsync(UpstreamApi api, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue.OpenApi;
        if (api.DestinationAddresses.Count == 0) return Failed(api, "the cluster has no destination");
        var failures = new List<string>();
        foreach (var address in api.DestinationAddresses)
        {
            var url = new Uri(new Uri(address.TrimEnd('/') + "/"), settings.UpstreamDocumentPath.TrimStart('/'));
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(settings.FetchTimeout);
                using var http = clients.CreateClient(HttpClientName);
                var json = await http.GetStringAsync(url, timeout.Token);
                var read = OpenApiDocument.Parse(json, "json");
                if (read.Document is null || read.Diagnostic?.Errors.Count > 0)
                {
                    failures.Add($"{url}: not a valid OpenAPI document ({string.Join("; ", read.Diagnostic?.Errors.Select(e => e.Message) ?? [])})");
                    continue;
                }
                return new UpstreamDocument(api, read.Document, null);
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or System.Text.Json.JsonException && !cancellationToken.IsCancellationRequested)
            {
                failures.Add($"{url}: {(e is OperationCanceledException ? $"no answer within {settings.FetchTimeout.TotalSeconds:0.#} s" : e.Message)}");
            }
        }
        return Failed(api, string.Join("; ", failures));
    }

    private UpstreamDocument Failed(UpstreamApi api, string reason)
    {
        logger.LogWarning("The {Cluster} service's OpenAPI document is missing from the unified document: {Reason}", api.ClusterId, reason);
        return new UpstreamDocument(api, null, reason);
    }
}
