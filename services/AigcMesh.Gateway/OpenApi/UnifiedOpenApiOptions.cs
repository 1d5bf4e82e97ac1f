namespace AigcMesh.Gateway.OpenApi;

/// <summary>The unified OpenAPI document's settings, bound from "Gateway:OpenApi".</summary>
public sealed class UnifiedOpenApiOptions
{
    /// <summary>Where the gateway serves the merged document (public, like health).</summary>
    public string DocumentPath { get; set; } = "/openapi/aigcmesh.json";

    /// <summary>Where the browsable reference page (Scalar) is served.</summary>
    public string ReferencePath { get; set; } = "/docs";

    /// <summary>Where each upstream service serves its own document.</summary>
    public string UpstreamDocumentPath { get; set; } = AigcMesh.Hosting.ServiceOpenApi.PathOf();

    /// <summary>How long a complete merged document is reused before the services are asked again.</summary>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a document with missing services is reused (shorter, so a service that is back shows up soon).</summary>
    public TimeSpan IncompleteCacheDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one upstream fetch may take.</summary>
    public TimeSpan FetchTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
