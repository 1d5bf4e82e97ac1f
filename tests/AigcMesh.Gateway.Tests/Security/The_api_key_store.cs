using AigcMesh.Gateway.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AigcMesh.Gateway.Tests.Security;

/// <summary>
/// The prepared key table the gateway authenticates with: a configured key is found by its hash, anything else is
/// not, and a key removed from (or changed in) configuration is refused from then on.
/// </summary>
public sealed class The_api_key_store
{
    private const string Reader = "reader-key";
    private const string Writer = "writer-key";

    [Fact]
    public void Finds_a_configured_key_by_its_hash_with_its_scope_and_name()
    {
        var (store, _) = Store(new()
        {
            ["Gateway:ApiKeys:0:Name"] = "r",
            ["Gateway:ApiKeys:0:Hash"] = ApiKeyHasher.Hash(Reader).ToUpperInvariant(),
            ["Gateway:ApiKeys:0:Scope"] = "Read",
            ["Gateway:ApiKeys:1:Hash"] = ApiKeyHasher.Hash(Writer),
            ["Gateway:ApiKeys:1:Scope"] = "Write",
            ["Gateway:ApiKeys:1:PermitsPerWindow"] = "7",
        });
        using (store)
        {
            var reader = store.Find(Reader);
            Assert.NotNull(reader);
            Assert.Equal(("r", ApiKeyScope.Read), (reader.Name, reader.Scope));
            var writer = store.Find(Writer);
            Assert.NotNull(writer);
            Assert.Equal(ApiKeyHasher.Hash(Writer)[..12], writer.Name);
            Assert.Equal("write", writer.CreatePrincipal("ApiKey").FindFirst(ApiKeyAuthenticationHandler.ScopeClaim)?.Value);
            Assert.Contains("/7/", writer.RateLimitPartitionKey);
            Assert.NotEqual(reader.RateLimitPartitionKey, writer.RateLimitPartitionKey);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("reader-ke")]
    [InlineData("reader-key ")]
    [InlineData("READER-KEY")]
    public void Refuses_any_other_key(string key)
    {
        var (store, _) = Store(new() { ["Gateway:ApiKeys:0:Hash"] = ApiKeyHasher.Hash(Reader), ["Gateway:ApiKeys:0:Scope"] = "Read" });
        using (store) Assert.Null(store.Find(key));
    }

    [Fact]
    public void Hashes_long_keys_too()
    {
        var longKey = new string('k', 5000) + "é";
        var (store, _) = Store(new() { ["Gateway:ApiKeys:0:Hash"] = ApiKeyHasher.Hash(longKey) });
        using (store)
        {
            Assert.NotNull(store.Find(longKey));
            Assert.Null(store.Find(longKey.AsSpan(0, longKey.Length - 1)));
        }
    }

    [Fact]
    public void Ignores_an_entry_whose_hash_is_not_a_sha256()
    {
        var (store, _) = Store(new()
        {
            ["Gateway:ApiKeys:0:Hash"] = "not-hex",
            ["Gateway:ApiKeys:1:Hash"] = ApiKeyHasher.Hash(Reader)[..40],
            ["Gateway:ApiKeys:2:Hash"] = ApiKeyHasher.Hash(Writer),
        });
        using (store)
        {
            Assert.Null(store.Find("not-hex"));
            Assert.Null(store.Find(Reader));
            Assert.NotNull(store.Find(Writer));
        }
    }

    [Fact]
    public void Refuses_a_key_once_it_is_removed_or_changed_in_configuration()
    {
        var (store, configuration) = Store(new()
        {
            ["Gateway:ApiKeys:0:Name"] = "revocable",
            ["Gateway:ApiKeys:0:Hash"] = ApiKeyHasher.Hash(Reader),
            ["Gateway:ApiKeys:0:Scope"] = "Write",
        });
        using (store)
        {
            Assert.Equal(ApiKeyScope.Write, store.Find(Reader)?.Scope);

            configuration["Gateway:ApiKeys:0:Scope"] = "Read";
            configuration.Reload();
            Assert.Equal(ApiKeyScope.Read, store.Find(Reader)?.Scope);

            configuration["Gateway:ApiKeys:0:Hash"] = ApiKeyHasher.Hash(Writer);
            configuration.Reload();
            Assert.Null(store.Find(Reader));
            Assert.NotNull(store.Find(Writer));
        }
    }

    private static (ApiKeyStore Store, IConfigurationRoot Configuration) Store(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.Configure<GatewayOptions>(configuration.GetSection(GatewayOptions.Section));
        var options = services.BuildServiceProvider().GetRequiredService<IOptionsMonitor<GatewayOptions>>();
        return (new ApiKeyStore(options, NullLogger<ApiKeyStore>.Instance), configuration);
    }
}
