using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace AigcMesh.Gateway.Security;

/// <summary>
/// Authenticates a request by its API key (header X-Api-Key, or Authorization: Bearer): the key's SHA-256 must
/// match a configured hash. The principal's name is the key's name and its "scope" claim the key's scope.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptionsMonitor<GatewayOptions> gateway)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";
    public const string ScopeClaim = "scope";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = ReadKey(Request);
        if (key is null) return Task.FromResult(AuthenticateResult.NoResult());

        var hash = ApiKeyHasher.Hash(key);
        var keys = gateway.CurrentValue.ApiKeys;
        // Compare against every entry so the time taken does not depend on which one matches.
        ApiKeyEntry? match = null;
        for (var i = 0; i < keys.Count; i++)
        {
            if (ApiKeyHasher.Matches(hash, keys[i].Hash) && match is null) match = keys[i];
        }
        if (match is null) return Task.FromResult(AuthenticateResult.Fail("Unknown API key."));

        var name = string.IsNullOrWhiteSpace(match.Name) ? match.Hash[..12] : match.Name;
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, name), new Claim(ScopeClaim, match.Scope.ToString().ToLowerInvariant())],
            SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = $"{SchemeName} header=\"{HeaderName}\"";
        return Task.CompletedTask;
    }

    private static string? ReadKey(HttpRequest request)
    {
        var header = request.Headers[HeaderName].ToString();
        if (!string.IsNullOrWhiteSpace(header)) return header.Trim();
        var authorization = request.Headers.Authorization.ToString();
        const string bearer = "Bearer ";
        return authorization.StartsWith(bearer, StringComparison.OrdinalIgnoreCase) ? authorization[bearer.Length..].Trim() : null;
    }
}
