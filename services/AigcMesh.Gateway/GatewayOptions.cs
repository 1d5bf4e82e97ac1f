namespace AigcMesh.Gateway;

/// <summary>The gateway's own settings, bound from the "Gateway" configuration section.</summary>
public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>
    /// The accepted API keys, stored hashed: each entry holds the lower-case hex SHA-256 of a key and its scope.
    /// Environment example: Gateway__ApiKeys__0__Hash=..., Gateway__ApiKeys__0__Scope=write.
    /// </summary>
    public List<ApiKeyEntry> ApiKeys { get; set; } = [];

    public RateLimitOptions RateLimit { get; set; } = new();

    /// <summary>The request body limit of a route that sets none (uploads set their own, larger one).</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>How long an ordinary request may take end to end, for routes that set no timeout of their own.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>The path prefix that needs an API key, is rate limited and is size limited.</summary>
    public string ApiPrefix { get; set; } = "/api";

    /// <summary>The unified OpenAPI document and its reference page ("Gateway:OpenApi").</summary>
    public OpenApi.UnifiedOpenApiOptions OpenApi { get; set; } = new();
}

/// <summary>One accepted key: its SHA-256 (hex), what it may do, and a name for logs, metrics and rate limits.</summary>
public sealed class ApiKeyEntry
{
    public string Name { get; set; } = "";
    public string Hash { get; set; } = "";
    public ApiKeyScope Scope { get; set; } = ApiKeyScope.Read;

    /// <summary>This key's own request rate, overriding <see cref="RateLimitOptions.PermitsPerWindow"/>.</summary>
    public int? PermitsPerWindow { get; set; }
}

public enum ApiKeyScope
{
    /// <summary>GET, HEAD and OPTIONS only.</summary>
    Read,
    /// <summary>Every method.</summary>
    Write,
}

/// <summary>Per-key fixed-window rate limit: at most <see cref="PermitsPerWindow"/> requests per <see cref="Window"/>.</summary>
public sealed class RateLimitOptions
{
    public int PermitsPerWindow { get; set; } = 200;
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(1);
}
