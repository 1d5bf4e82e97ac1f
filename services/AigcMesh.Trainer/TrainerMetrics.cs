using Prometheus;

namespace AigcMesh.Trainer;

/// <summary>The trainer's Prometheus figures on /metrics.</summary>
public static class TrainerMetrics
{
    public static readonly Counter Steps = Metrics.CreateCounter(
        "aigcmesh_trainer_steps_total", "Optimizer steps taken by this trainer.", "family");

    public static readonly Gauge StepsPerSecond = Metrics.CreateGauge(
        "aigcmesh_trainer_steps_per_second", "Training steps per second of each run this trainer is running.", "run_id", "family");

    public static readonly Gauge ActiveRuns = Metrics.CreateGauge(
        "aigcmesh_trainer_active_runs", "Runs this trainer is training now.");

    public static readonly Counter RunsEnded = Metrics.CreateCounter(
        "aigcmesh_trainer_runs_ended_total", "Runs this trainer ended, by outcome.", "outcome");
}
