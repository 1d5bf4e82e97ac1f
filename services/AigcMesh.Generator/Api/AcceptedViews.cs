namespace AigcMesh.Generator.Api;

// Shapes of request and response bodies the generator's endpoints describe in its OpenAPI document.

/// <summary>POST /api/generations answers 202 with this for a large or asynchronous request.</summary>
public sealed record GenerationAccepted(Guid GenerationId, string Status, string StatusUrl);

/// <summary>One model the generator can serve (GET /api/generations/models).</summary>
public sealed record GeneratorModelSummary(Guid ModelId, int Version, string Family, string DatasetId);

/// <summary>The multipart form POST /api/generations/reconstructions reads (described for OpenAPI; the handler reads the form).</summary>
public sealed record ReconstructionForm(Guid ModelId, IFormFile File);
