using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace AigcMesh.Client;

/// <summary>
/// The typed client of the AigcMesh gateway. Every call sends the API key (header X-Api-Key) and turns an error
/// status into an <see cref="AigcApiException"/> carrying the problem details; event streams are read as
/// Server-Sent Events, one item per event, as they arrive.
/// </summary>
public sealed class AigcClient : IDisposable
{
    public const string ApiKeyHeader = "X-Api-Key";
    public const string CorrelationIdHeader = "X-Correlation-Id";

    private readonly HttpClient http;
    private readonly bool ownsHttp;

    public AigcClient(AigcClientOptions options, HttpMessageHandler? handler = null)
        : this(new HttpClient(handler ?? new SocketsHttpHandler(), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan }, options, ownsHttp: true)
    {
    }

    /// <summary>Uses <paramref name="http"/> as given (for example from IHttpClientFactory); sets its base address and key header.</summary>
    public AigcClient(HttpClient http, AigcClientOptions options)
        : this(http, options, ownsHttp: false)
    {
    }

    private AigcClient(HttpClient http, AigcClientOptions options, bool ownsHttp)
    {
        this.http = http;
        this.ownsHttp = ownsHttp;
        Options = options;
        http.BaseAddress = options.GatewayAddress;
        if (options.ApiKey is { Length: > 0 } key)
        {
            http.DefaultRequestHeaders.Remove(ApiKeyHeader);
            http.DefaultRequestHeaders.Add(ApiKeyHeader, key);
        }
        Datasets = new DatasetsClient(this);
        Runs = new RunsClient(this);
        Sweeps = new SweepsClient(this);
        Models = new ModelsClient(this);
        Generations = new GenerationsClient(this);
        Evaluations = new EvaluationsClient(this);
        Leaderboards = new LeaderboardsClient(this);
        Pipelines = new PipelinesClient(this);
        Artifacts = new ArtifactsClient(this);
    }

    public AigcClientOptions Options { get; }
    public DatasetsClient Datasets { get; }
    public RunsClient Runs { get; }
    public SweepsClient Sweeps { get; }
    public ModelsClient Models { get; }
    public GenerationsClient Generations { get; }
    public EvaluationsClient Evaluations { get; }
    public LeaderboardsClient Leaderboards { get; }
    public PipelinesClient Pipelines { get; }
    public ArtifactsClient Artifacts { get; }

    /// <summary>Request timeout for ordinary (non-streaming) calls.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(100);

    public async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Relative(path));
        return await SendForJsonAsync<T>(request, cancellationToken);
    }

    public async Task<T> PostAsync<T>(string path, object? body, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Relative(path))
        {
            Content = body is null ? null : JsonContent.Create(body, body.GetType(), options: AigcJson.Options),
        };
        return await SendForJsonAsync<T>(request, cancellationToken);
    }

    public async Task<T> SendContentAsync<T>(HttpMethod method, string path, HttpContent content, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method, Relative(path)) { Content = content };
        return await SendForJsonAsync<T>(request, cancellationToken);
    }

    /// <summary>Sends a request whose answer has no body worth reading (DELETE, cancel).</summary>
    public async Task SendAsync(HttpMethod method, string path, object? body = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method, Relative(path))
        {
            Content = body is null ? null : JsonContent.Create(body, body.GetType(), options: AigcJson.Options),
        };
        using var timeout = WithTimeout(cancellationToken);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        await EnsureSuccessAsync(response, timeout.Token);
    }

    /// <summary>Downloads a binary answer (a PNG preview, an artifact) into memory.</summary>
    public async Task<byte[]> GetBytesAsync(string path, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Relative(path));
        using var timeout = WithTimeout(cancellationToken);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        await EnsureSuccessAsync(response, timeout.Token);
        return await response.Content.ReadAsByteArrayAsync(timeout.Token);
    }

    /// <summary>Reads a Server-Sent Events stream (GET, or POST with a JSON body) until the server ends it or the token is cancelled.</summary>
    public async IAsyncEnumerable<ServerSentEvent> StreamAsync(string path, object? body = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(body is null ? HttpMethod.Get : HttpMethod.Post, Relative(path))
        {
            Content = body is null ? null : JsonContent.Create(body, body.GetType(), options: AigcJson.Options),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(cancellationToken))
        {
            yield return new ServerSentEvent(item.EventType, item.Data, item.EventId);
        }
    }

    private async Task<T> SendForJsonAsync<T>(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var timeout = WithTimeout(cancellationToken);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        await EnsureSuccessAsync(response, timeout.Token);
        if (response.Content.Headers.ContentLength == 0 || response.StatusCode == HttpStatusCode.NoContent)
        {
            return default!;
        }
        var text = await response.Content.ReadAsStringAsync(timeout.Token);
        if (string.IsNullOrWhiteSpace(text)) return default!;
        try
        {
            return JsonSerializer.Deserialize<T>(text, AigcJson.Options)!;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{request.Method} {request.RequestUri} answered JSON this client cannot read ({e.Message}): {Truncate(text)}", e);
        }
    }

    private CancellationTokenSource WithTimeout(CancellationToken cancellationToken)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        source.CancelAfter(RequestTimeout);
        return source;
    }

    internal static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode) return;
        var body = response.Content is null ? null : await response.Content.ReadAsStringAsync(cancellationToken);
        ApiProblem? problem = null;
        if (!string.IsNullOrWhiteSpace(body) && body.TrimStart().StartsWith('{'))
        {
            try
            {
                problem = JsonSerializer.Deserialize<ApiProblem>(body, AigcJson.Options);
            }
            catch (JsonException)
            {
                problem = null;
            }
        }
        TimeSpan? retryAfter = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => null,
        };
        var correlation = response.Headers.TryGetValues(CorrelationIdHeader, out var values) ? values.FirstOrDefault() : null;
        throw new AigcApiException(response.StatusCode, problem, body, retryAfter, correlation);
    }

    internal static string Escape(string segment) => Uri.EscapeDataString(segment);

    private static string Relative(string path) => path.TrimStart('/');

    private static string Truncate(string text) => text.Length > 300 ? text[..300] + "…" : text;

    public void Dispose()
    {
        if (ownsHttp) http.Dispose();
    }
}
