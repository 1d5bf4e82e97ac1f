using Microsoft.AspNetCore.Authorization;

namespace AigcMesh.Gateway.Security;

/// <summary>A read-scoped key may only read (GET, HEAD, OPTIONS); a write-scoped key may do anything.</summary>
public sealed class ScopeAllowsMethodRequirement : AuthorizationHandler<ScopeAllowsMethodRequirement>, IAuthorizationRequirement
{
    public const string PolicyName = "api-key";

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeAllowsMethodRequirement requirement)
    {
        var http = context.Resource as HttpContext;
        var scope = context.User.FindFirst(ApiKeyAuthenticationHandler.ScopeClaim)?.Value;
        if (scope is not null && http is not null && Allows(scope, http.Request.Method)) context.Succeed(requirement);
        return Task.CompletedTask;
    }

    public static bool Allows(string scope, string method) =>
        scope == "write" || HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method);
}
