namespace AigcMesh.Trainer.Api;

/// <summary>POST /api/runs answers 202 with this: the run's id, status, its status URL and its event stream URL.</summary>
public sealed record RunAccepted(Guid Id, string Status, string Url, string Events);

/// <summary>POST /api/runs/{id}/cancel answers 202 with this.</summary>
public sealed record RunCancelling(Guid Id, string Status);

/// <summary>POST /api/sweeps answers 202 with this: the sweep's id, the runs it started and its status URL.</summary>
public sealed record SweepAccepted(Guid Id, IReadOnlyList<Guid> Runs, string Url);
