using System.Buffers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace AigcMesh.Gateway.Security;

/// <summary>
/// The configured API keys, prepared once (and again whenever the "Gateway" options change, so a removed key stops
/// working at once): each key's SHA-256 as bytes, its claims and its rate-limit partition. Looking a presented key up
/// hashes it into a stack buffer and compares the digest with every configured one in constant time: nothing is
/// allocated per request and no raw key is kept in memory.
/// </summary>
public sealed class ApiKeyStore : IDisposable
{
    private const int StackKeyBytes = 256;
    private readonly IDisposable? subscription;
    private volatile AuthenticatedApiKey[] keys;

    public ApiKeyStore(IOptionsMonitor<GatewayOptions> options, ILogger<ApiKeyStore> logger)
    {
        keys = Prepare(options.CurrentValue, logger);
        subscription = options.OnChange(o => keys = Prepare(o, logger));
    }

    /// <summary>The configured key whose hash is the SHA-256 of <paramref name="key"/>'s UTF-8 bytes, or null.</summary>
    public AuthenticatedApiKey? Find(ReadOnlySpan<char> key)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        var length = Encoding.UTF8.GetMaxByteCount(key.Length);
        byte[]? rented = null;
        var utf8 = length <= StackKeyBytes ? stackalloc byte[StackKeyBytes] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            SHA256.HashData(utf8[..Encoding.UTF8.GetBytes(key, utf8)], digest);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented, clearArray: true);
            else utf8.Clear();
        }

        // Compare against every entry so the time taken does not depend on which one matches.
        var current = keys;
        AuthenticatedApiKey? match = null;
        for (var i = 0; i < current.Length; i++)
        {
            if (CryptographicOperations.FixedTimeEquals(digest, current[i].Digest) && match is null) match = current[i];
        }
        return match;
    }

    public void Dispose() => subscription?.Dispose();

    private static AuthenticatedApiKey[] Prepare(GatewayOptions options, ILogger logger)
    {
        var prepared = new List<AuthenticatedApiKey>(options.ApiKeys.Count);
        foreach (var entry in options.ApiKeys)
        {
            var hex = entry.Hash.Trim();
            if (hex.Length != SHA256.HashSizeInBytes * 2 || !IsHex(hex))
            {
                logger.LogWarning("Ignoring API key {Name}: its Hash is not the 64-digit hex SHA-256 of a key.", entry.Name);
                continue;
            }
            var name = string.IsNullOrWhiteSpace(entry.Name) ? hex[..12].ToLowerInvariant() : entry.Name;
            var permits = entry.PermitsPerWindow ?? options.RateLimit.PermitsPerWindow;
            prepared.Add(new AuthenticatedApiKey(name, entry.Scope, Convert.FromHexString(hex), permits, options.RateLimit.Window));
        }
        return [.. prepared];
    }

    private static bool IsHex(string value) => value.All(char.IsAsciiHexDigit);
}

/// <summary>
/// A configured key as the gateway uses it per request: its name and scope (as claims), and its own fixed-window rate
/// limiter partition. Immutable and shared by every request made with that key.
/// </summary>
public sealed class AuthenticatedApiKey
{
    private readonly Claim[] claims;

    public AuthenticatedApiKey(string name, ApiKeyScope scope, byte[] digest, int permitsPerWindow, TimeSpan window)
    {
        Name = name;
        Scope = scope;
        Digest = digest;
        ScopeClaimValue = scope == ApiKeyScope.Write ? "write" : "read";
        claims = [new Claim(ClaimTypes.Name, name), new Claim(ApiKeyAuthenticationHandler.ScopeClaim, ScopeClaimValue)];
        var limiter = new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, permitsPerWindow),
            Window = window,
            QueueLimit = 0,
            AutoReplenishment = true,
        };
        // The partition key names the limits too, so changed limits start a new window rather than reuse the old one.
        RateLimitPartitionKey = $"{name}/{permitsPerWindow}/{window.Ticks}";
        RateLimitPartition = System.Threading.RateLimiting.RateLimitPartition.GetFixedWindowLimiter(RateLimitPartitionKey, _ => limiter);
    }

    public string Name { get; }
    public ApiKeyScope Scope { get; }
    public string ScopeClaimValue { get; }
    internal byte[] Digest { get; }
    public string RateLimitPartitionKey { get; }

    /// <summary>This key's rate limiter partition, made once (the limiter itself is made by ASP.NET Core on first use).</summary>
    public RateLimitPartition<string> RateLimitPartition { get; }

    /// <summary>A new principal for one request (claims are copied into it, so no request can change another's).</summary>
    public ClaimsPrincipal CreatePrincipal(string authenticationType) => new(new ClaimsIdentity(claims, authenticationType));
}
