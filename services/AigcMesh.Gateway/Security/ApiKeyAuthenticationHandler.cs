using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace AigcMesh.Gateway.Security;

/// <summary>
/// Authenticates a request by its API key (header X-Api-Key, or Authorization: Bearer): the key's SHA-256 must
/// match a configured hash (<see cref="ApiKeyStore"/>). The principal's name is the key's name and its "scope" claim
/// the key's scope; the matched key is also set as a request feature (<see cref="AuthenticatedApiKey"/>) for the
/// per-key rate limiter.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyStore keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";
    public const string ScopeClaim = "scope";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = ReadKey(Request);
        if (key.IsEmpty) return Task.FromResult(AuthenticateResult.NoResult());

        var match = keys.Find(key);
        if (match is null) return Task.FromResult(AuthenticateResult.Fail("Unknown API key."));

        Context.Features.Set(match);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(match.CreatePrincipal(SchemeName), SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = $"{SchemeName} header=\"{HeaderName}\"";
        return Task.CompletedTask;
    }

    private static ReadOnlySpan<char> ReadKey(HttpRequest request)
    {
        var header = request.Headers[HeaderName];
        if (header.Count > 0)
        {
            var value = header.ToString().AsSpan().Trim();
            if (!value.IsEmpty) return value;
        }
        var authorization = request.Headers.Authorization.ToString().AsSpan();
        const string bearer = "Bearer ";
        return authorization.StartsWith(bearer, StringComparison.OrdinalIgnoreCase) ? authorization[bearer.Length..].Trim() : default;
    }
}
