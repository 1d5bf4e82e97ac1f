namespace AigcMesh.Contracts;

/// <summary>
/// Every message on the bus carries the correlation id of the request (or pipeline) that caused it,
/// so one user action can be followed through every service's logs and traces.
/// </summary>
public interface IPipelineMessage
{
    Guid CorrelationId { get; }
}
