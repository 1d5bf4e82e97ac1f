using System.Net.Http.Headers;
using AigcMesh.Embedded;
using AigcMesh.Gateway.Security;
using AigcMesh.Testing;

namespace AigcMesh.Gateway.Tests;

/// <summary>
/// The embedded default (every real service on the in-memory bus, behind the real gateway) with three configured
/// keys: read-write, read-only, and a read-write key with a rate limit of three requests per ten seconds.
/// </summary>
public sealed class GatewayMesh : IAsyncLifetime
{
    public const string WriteKey = "test-write-key";
    public const string ReadKey = "test-read-key";
    public const string LimitedKey = "test-limited-key";
    public const int LimitedPermits = 3;

    private readonly TempDirectory data = new();

    public EmbeddedMesh Mesh { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Mesh = await EmbeddedMesh.StartAsync([], new Dictionary<string, string?>
        {
            ["Embedded:DataDirectory"] = data.Path,
            ["Embedded:GatewayUrl"] = "http://127.0.0.1:0",
            ["Embedded:BackendUrl"] = "http://127.0.0.1:0",
            ["Gateway:ApiKeys:0:Name"] = "writer",
            ["Gateway:ApiKeys:0:Hash"] = ApiKeyHasher.Hash(WriteKey),
            ["Gateway:ApiKeys:0:Scope"] = "Write",
            ["Gateway:ApiKeys:1:Name"] = "reader",
            ["Gateway:ApiKeys:1:Hash"] = ApiKeyHasher.Hash(ReadKey),
            ["Gateway:ApiKeys:1:Scope"] = "Read",
            ["Gateway:ApiKeys:2:Name"] = "limited",
            ["Gateway:ApiKeys:2:Hash"] = ApiKeyHasher.Hash(LimitedKey).ToUpperInvariant(),
            ["Gateway:ApiKeys:2:Scope"] = "Write",
            ["Gateway:ApiKeys:2:PermitsPerWindow"] = LimitedPermits.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Gateway:RateLimit:Window"] = "00:00:10",
        });
    }

    public HttpClient Client(string? key = null)
    {
        var http = new HttpClient { BaseAddress = Mesh.GatewayAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null) http.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.HeaderName, key);
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return http;
    }

    public async Task DisposeAsync()
    {
        await Mesh.DisposeAsync();
        data.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class GatewayMeshCollection : ICollectionFixture<GatewayMesh>
{
    public const string Name = "gateway-mesh";
}
