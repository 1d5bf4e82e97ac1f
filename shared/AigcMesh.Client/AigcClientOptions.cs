namespace AigcMesh.Client;

/// <summary>Where the gateway is and which API key to send (header <see cref="AigcClient.ApiKeyHeader"/>).</summary>
public sealed record AigcClientOptions(Uri GatewayAddress, string? ApiKey = null)
{
    public const string GatewayUrlVariable = "AIGC_GATEWAY_URL";
    public const string ApiKeyVariable = "AIGC_API_KEY";
    public static readonly Uri DefaultGatewayAddress = new("http://localhost:8080/");

    /// <summary>Options from explicit values, falling back to AIGC_GATEWAY_URL / AIGC_API_KEY, then to the embedded default address.</summary>
    public static AigcClientOptions Resolve(string? gatewayUrl, string? apiKey, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var url = NonEmpty(gatewayUrl) ?? NonEmpty(environment(GatewayUrlVariable));
        var key = NonEmpty(apiKey) ?? NonEmpty(environment(ApiKeyVariable));
        if (url is null) return new AigcClientOptions(DefaultGatewayAddress, key);
        if (!Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var address) || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"The gateway address '{url}' is not an absolute http(s) URL.", nameof(gatewayUrl));
        }
        return new AigcClientOptions(address, key);
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
