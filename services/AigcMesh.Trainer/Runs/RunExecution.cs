using System.Diagnostics;
using AigcMesh.Contracts.Datasets;
using AigcMesh.Contracts.Training;
using AigcMesh.Datasets;
using AigcMesh.Models;
using AigcMesh.Storage;
using AigcMesh.Trainer.Leases;
using static TorchSharp.torch;

namespace AigcMesh.Trainer.Runs;

/// <summary>Where a run's loop reports as it goes (the host queues these for publishing on the bus).</summary>
public interface IRunSink
{
    void Started(TrainingStarted started);
    void Progressed(TrainingProgressed progressed);
}

/// <summary>How one execution of a run ended.</summary>
public abstract record RunResult(int Step)
{
    public sealed record Completed(int Step, IReadOnlyDictionary<string, double> Metrics, string WeightsArtifactId,
        string CheckpointArtifactId, IReadOnlyDictionary<string, string> ModelConfig) : RunResult(Step);

    public sealed record Failed(int Step, string Reason) : RunResult(Step);

    public sealed record Stopped(int Step, StopKind Kind, string Reason) : RunResult(Step);
}

/// <summary>
/// The training loop of one run, run synchronously on the run's own thread (TorchSharp dispose scopes are per thread):
/// opens the data set, builds the family's trainer, resumes from the run's last checkpoint, steps until the budget is
/// spent or it is told to stop, and on the way reports progress, stores snapshots and checkpoints.
/// </summary>
public sealed class RunExecution(ArtifactStore store, TrainerOptions options, string instanceId, TimeProvider clock)
{
    public RunResult Execute(StartTraining command, RunLease lease, IRunSink sink, RunControl control)
    {
        var step = 0;
        try
        {
            return Train(command, lease, sink, control, ref step);
        }
        catch (Exception e)
        {
            // Any error ends the run with its reason (TrainingFailed): bad config or data set, a torch error, a full disk.
            return new RunResult.Failed(step, e is ModelConfigException config ? string.Join(" ", config.Errors) : e.Message);
        }
    }

    private RunResult Train(StartTraining command, RunLease lease, IRunSink sink, RunControl control, ref int step)
    {
        var modality = ModelFamilies.ModalityOf(command.Family)
            ?? throw new InvalidOperationException($"Unknown family '{command.Family}'.");
        var device = TorchRuntimeDevice(command.Device);
        var (hyperparameters, tokenizer) = RunHyperparameters.Split(command.Family, command.Hyperparameters);

        using var data = modality == DatasetModality.Image
            ? (IDisposable)DatasetReader.OpenImages(store, command.DatasetId)
            : DatasetReader.OpenText(store, command.DatasetId, tokenizer ?? RunHyperparameters.DefaultTokenizer);
        using var trainer = data is IImageDataset images
            ? ModelFamilies.CreateTrainer(command.Family, hyperparameters, images, command.Seed, device)
            : ModelFamilies.CreateTrainer(command.Family, hyperparameters, (ITextDataset)data, command.Seed, device);

        var trainedBefore = 0.0;
        if (lease.Folder.ReadCheckpoint() is { } checkpoint)
        {
            using var stream = store.OpenRead(ArtifactId.Parse(checkpoint.ArtifactId));
            trainer.LoadCheckpoint(stream);
            trainedBefore = checkpoint.TrainedSeconds;
        }
        step = trainer.Step;
        var resumedFrom = trainer.Step;
        sink.Started(new TrainingStarted(command.CorrelationId, command.RunId, instanceId, device.type.ToString().ToLowerInvariant(), resumedFrom, trainer.ParameterCount));

        var budget = command.Budget;
        var wall = Stopwatch.StartNew();
        double Trained() => trainedBefore + wall.Elapsed.TotalSeconds;
        var lastProgress = TimeSpan.Zero;
        var lastSnapshot = TimeSpan.Zero;
        var lastCheckpoint = TimeSpan.Zero;
        var lastCheckpointStep = step;
        var lastTrim = TimeSpan.Zero;
        var windowStart = (Time: TimeSpan.Zero, Step: step);
        var stepsCounter = TrainerMetrics.Steps.WithLabels(command.Family);
        var rateGauge = TrainerMetrics.StepsPerSecond.WithLabels(command.RunId.ToString(), command.Family);
        TrainStepResult? last = null;
        try
        {
            while (!control.IsStopped && !BudgetSpent(budget, step, Trained()))
            {
                last = trainer.TrainStep();
                step = trainer.Step;
                stepsCounter.Inc();
                var now = wall.Elapsed;
                var progressDue = now - lastProgress >= TimeSpan.FromSeconds(options.ProgressSeconds) || step == resumedFrom + 1;
                if (progressDue)
                {
                    var seconds = (now - windowStart.Time).TotalSeconds;
                    var stepsPerSecond = seconds > 0 ? (step - windowStart.Step) / seconds : 0;
                    rateGauge.Set(stepsPerSecond);
                    string? snapshot = null;
                    // Snapshots at the cadence and at the end only: one after the first step showed an untrained model and cost
                    // a sampling pass (0.6 s for a small GPT, 10-20% of a short run; trainer-overhead benchmark).
                    if (now - lastSnapshot >= TimeSpan.FromSeconds(options.SnapshotSeconds))
                    {
                        snapshot = store.Put(trainer.Snapshot().Content).Value;
                        lastSnapshot = now;
                    }
                    sink.Progressed(Progress(command, step, last, stepsPerSecond * trainer.ItemsPerStep, Eta(budget, step, stepsPerSecond, Trained()), snapshot));
                    lastProgress = now;
                    windowStart = (now, step);
                }
                var checkpointDue = now - lastCheckpoint >= TimeSpan.FromSeconds(options.CheckpointSeconds)
                    || (options.CheckpointEverySteps > 0 && step - lastCheckpointStep >= options.CheckpointEverySteps);
                if (checkpointDue)
                {
                    if (Checkpoint(trainer, lease, Trained()) is null) control.Stop(StopKind.LeaseLost, "another trainer took the run over");
                    lastCheckpoint = now;
                    lastCheckpointStep = step;
                }
                if (options.MemoryTrimSeconds > 0 && now - lastTrim >= TimeSpan.FromSeconds(options.MemoryTrimSeconds))
                {
                    // malloc keeps the freed tensors' memory; without this the resident set crept up ~10 MiB/min (trainer-memory).
                    TorchRuntime.ReleaseFreeNativeMemory();
                    lastTrim = now;
                }
            }

            if (control.IsStopped)
            {
                if (control.Kind == StopKind.Shutdown && step > lastCheckpointStep) Checkpoint(trainer, lease, Trained());
                return new RunResult.Stopped(step, control.Kind, control.Reason);
            }

            // The final validation, sample, weights and checkpoint allocate on top of what the steps left in malloc's free lists.
            if (options.MemoryTrimSeconds > 0) TorchRuntime.ReleaseFreeNativeMemory();
            var metrics = new Dictionary<string, double>(trainer.Validate());
            if (last is not null)
                foreach (var (name, value) in last.Losses) metrics.TryAdd($"train_{name}", value);
            var finalSnapshot = store.Put(trainer.Snapshot().Content).Value;
            sink.Progressed(Progress(command, step, last, 0, 0, finalSnapshot));
            using var weights = new MemoryStream();
            trainer.SaveWeights(weights);
            var weightsId = store.Put(weights.GetBuffer().AsSpan(0, (int)weights.Length)).Value;
            var checkpointId = Checkpoint(trainer, lease, Trained());
            if (checkpointId is null) return new RunResult.Stopped(step, StopKind.LeaseLost, "another trainer took the run over");
            var config = new Dictionary<string, string>(trainer.ModelConfig);
            if (tokenizer is not null) config.TryAdd(RunHyperparameters.TokenizerKey, tokenizer);
            return new RunResult.Completed(step, metrics, weightsId, checkpointId, config);
        }
        finally
        {
            TrainerMetrics.StepsPerSecond.RemoveLabelled(command.RunId.ToString(), command.Family);
        }
    }

    /// <summary>Stores a checkpoint and points the run's index at it; null when the lease was lost meanwhile.</summary>
    private string? Checkpoint(IModelTrainer trainer, RunLease lease, double trainedSeconds)
    {
        var temp = Path.Combine(lease.Folder.Path, $".checkpoint-{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                trainer.SaveCheckpoint(file);
            }
            using var read = File.OpenRead(temp);
            var id = store.PutAsync(read).GetAwaiter().GetResult().Value;
            return lease.RecordCheckpoint(new CheckpointIndex(trainer.Step, id, trainedSeconds, lease.Generation, clock.GetUtcNow())) ? id : null;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static TrainingProgressed Progress(StartTraining command, int step, TrainStepResult? last, double itemsPerSecond, double? eta, string? snapshot) =>
        new(command.CorrelationId, command.RunId, step, command.Budget.MaxSteps,
            last?.Losses ?? new Dictionary<string, double>(), last?.LearningRate ?? 0, itemsPerSecond, eta, snapshot);

    private static bool BudgetSpent(TrainingBudget budget, int step, double trainedSeconds) =>
        (budget.MaxSteps is { } steps && step >= steps) || (budget.MaxWallSeconds is { } seconds && trainedSeconds >= seconds);

    private static double? Eta(TrainingBudget budget, int step, double stepsPerSecond, double trainedSeconds)
    {
        double? eta = null;
        if (budget.MaxSteps is { } steps && stepsPerSecond > 0) eta = Math.Max(0, steps - step) / stepsPerSecond;
        if (budget.MaxWallSeconds is { } seconds) eta = Math.Min(eta ?? double.MaxValue, Math.Max(0, seconds - trainedSeconds));
        return eta;
    }

    private Device TorchRuntimeDevice(DevicePreference preference)
    {
        var device = TorchRuntime.SelectDevice(allowCuda: preference != DevicePreference.Cpu);
        if (preference == DevicePreference.Cuda && device.type != TorchSharp.DeviceType.CUDA)
            throw new InvalidOperationException($"The run asks for CUDA and trainer {instanceId} has no CUDA device.");
        return device;
    }
}
