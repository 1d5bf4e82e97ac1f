using System.Collections.Concurrent;
using System.Threading.Channels;
using AigcMesh.Contracts.Training;
using AigcMesh.Models;
using AigcMesh.Storage;
using AigcMesh.Trainer.Leases;
using AigcMesh.Trainer.Registry;
using MassTransit;

namespace AigcMesh.Trainer.Runs;

/// <summary>
/// The runs this trainer is training: a slot per run (Trainer:MaxConcurrentRuns), a dedicated thread per run, a
/// heartbeat loop that keeps the run's lease and watches for a cancel request, and the publishing of the run's facts.
/// On shutdown each run checkpoints, releases its lease and goes back to the queue for another trainer.
/// </summary>
public sealed class RunHost : IHostedLifecycleService, IDisposable
{
    private readonly ConcurrentDictionary<Guid, ActiveRun> _active = new();
    private readonly SemaphoreSlim _slots;
    private readonly TrainerOptions _options;
    private readonly RunLeases _leases;
    private readonly ArtifactStore _store;
    private readonly IBus _bus;
    private readonly RunRegistry _registry;
    private readonly TimeProvider _clock;
    private readonly ILogger<RunHost> _log;

    public RunHost(TrainerOptions options, RunLeases leases, ArtifactStore store, IBus bus, RunRegistry registry, TimeProvider clock, ILogger<RunHost> log)
    {
        _options = options;
        _leases = leases;
        _store = store;
        _bus = bus;
        _registry = registry;
        _clock = clock;
        _log = log;
        _slots = new SemaphoreSlim(Math.Max(1, options.MaxConcurrentRuns));
    }

    public string InstanceId => _leases.InstanceId;
    public IReadOnlyCollection<Guid> ActiveRunIds => _active.Keys.ToList();

    /// <summary>Waits for a free run slot; false after <paramref name="timeout"/>. A true answer must be followed by <see cref="Start"/> or <see cref="ReleaseSlot"/>.</summary>
    public Task<bool> WaitForSlotAsync(TimeSpan timeout, CancellationToken ct) => _slots.WaitAsync(timeout, ct);

    public void ReleaseSlot() => _slots.Release();

    /// <summary>Trains a claimed run on its own thread; takes over the slot the caller holds.</summary>
    public void Start(StartTraining command, RunLease lease)
    {
        var run = new ActiveRun(command, lease);
        if (!_active.TryAdd(command.RunId, run))
        {
            _slots.Release();
            return;
        }
        TrainerMetrics.ActiveRuns.Inc();
        run.Completion = Task.Run(() => RunAsync(run));
    }

    /// <summary>Stops a run trained here; false when it is not trained by this instance.</summary>
    public bool Cancel(Guid runId, string reason)
    {
        if (!_active.TryGetValue(runId, out var run)) return false;
        run.Control.Stop(StopKind.Cancelled, reason);
        return true;
    }

    private async Task RunAsync(ActiveRun run)
    {
        var command = run.Command;
        using var heartbeatStop = new CancellationTokenSource();
        var pump = Task.Run(() => PumpAsync(run.Events.Reader));
        var heartbeat = Task.Run(() => HeartbeatAsync(run, heartbeatStop.Token));
        RunResult result;
        try
        {
            var execution = new RunExecution(_store, _options, InstanceId, _clock);
            result = await OnDedicatedThread(() => execution.Execute(command, run.Lease, run, run.Control), $"run-{command.RunId:N}");
        }
        catch (Exception e)
        {
            result = new RunResult.Failed(0, e.Message);
        }
        finally
        {
            await heartbeatStop.CancelAsync();
            run.Events.Writer.TryComplete();
        }
        try
        {
            await heartbeat;
            await pump;
            await FinishAsync(run, result);
        }
        catch (Exception e)
        {
            _log.LogError(e, "Run {RunId} could not report its end; its lease will go stale and another trainer resumes it", command.RunId);
        }
        finally
        {
            _active.TryRemove(command.RunId, out _);
            TrainerMetrics.ActiveRuns.Dec();
            _slots.Release();
        }
    }

    private async Task FinishAsync(ActiveRun run, RunResult result)
    {
        var command = run.Command;
        var lease = run.Lease;
        var now = _clock.GetUtcNow();
        switch (result)
        {
            case RunResult.Completed completed when lease.IsCurrent:
                var modelId = RunHyperparameters.ModelIdOf(command.RunId);
                var version = await _registry.NextModelVersionAsync(command.Family, command.DatasetId, CancellationToken.None);
                await _bus.Publish(new ModelRegistered(command.CorrelationId, modelId, version, command.Family, command.DatasetId, command.RunId,
                    completed.WeightsArtifactId, completed.ModelConfig, completed.Metrics));
                await _bus.Publish(new TrainingCompleted(command.CorrelationId, command.RunId, modelId, completed.Step, completed.Metrics));
                lease.Finish(new RunOutcome("completed", completed.Step, null, now));
                TrainerMetrics.RunsEnded.WithLabels("completed").Inc();
                _log.LogInformation("Run {RunId} completed at step {Step}; model {ModelId} v{Version}", command.RunId, completed.Step, modelId, version);
                break;
            case RunResult.Failed failed when lease.IsCurrent:
                await _bus.Publish(new TrainingFailed(command.CorrelationId, command.RunId, failed.Reason));
                lease.Finish(new RunOutcome("failed", failed.Step, failed.Reason, now));
                TrainerMetrics.RunsEnded.WithLabels("failed").Inc();
                _log.LogWarning("Run {RunId} failed: {Reason}", command.RunId, failed.Reason);
                break;
            case RunResult.Stopped { Kind: StopKind.Cancelled } cancelled when lease.IsCurrent:
                await _bus.Publish(new TrainingCancelled(command.CorrelationId, command.RunId, cancelled.Step, cancelled.Reason));
                lease.Finish(new RunOutcome("cancelled", cancelled.Step, cancelled.Reason, now));
                TrainerMetrics.RunsEnded.WithLabels("cancelled").Inc();
                _log.LogInformation("Run {RunId} cancelled at step {Step}: {Reason}", command.RunId, cancelled.Step, cancelled.Reason);
                break;
            case RunResult.Stopped { Kind: StopKind.Shutdown } stopped when lease.IsCurrent:
                lease.Release(now);
                if (lease.Folder.TryMarkResend(lease.Generation, now, TimeSpan.FromSeconds(_options.LeaseStaleSeconds)))
                    await SendToQueueAsync(_bus, _options.QueueName, command);
                TrainerMetrics.RunsEnded.WithLabels("handed_back").Inc();
                _log.LogInformation("Run {RunId} handed back at step {Step} (trainer shutting down)", command.RunId, stopped.Step);
                break;
            default:
                TrainerMetrics.RunsEnded.WithLabels("lease_lost").Inc();
                _log.LogWarning("Run {RunId} stopped here: another trainer holds its lease", command.RunId);
                break;
        }
    }

    /// <summary>Puts a run (back) on the trainers' queue only, not to every subscriber of StartTraining.</summary>
    public static async Task SendToQueueAsync(ISendEndpointProvider sender, string queueName, StartTraining command)
    {
        var endpoint = await sender.GetSendEndpoint(new Uri($"queue:{queueName}"));
        await endpoint.Send(command);
    }

    private async Task HeartbeatAsync(ActiveRun run, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Min(_options.HeartbeatSeconds, 1)), _clock);
        var lastBeat = _clock.GetUtcNow();
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                if (run.Lease.Folder.ReadCancel() is { } cancel) run.Control.Stop(StopKind.Cancelled, cancel.Reason);
                var now = _clock.GetUtcNow();
                if (now - lastBeat < TimeSpan.FromSeconds(_options.HeartbeatSeconds)) continue;
                lastBeat = now;
                if (!run.Lease.Heartbeat(now)) run.Control.Stop(StopKind.LeaseLost, "another trainer took the run over");
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException e)
        {
            _log.LogWarning(e, "Heartbeat of run {RunId} failed", run.Command.RunId);
        }
    }

    private async Task PumpAsync(ChannelReader<object> events)
    {
        await foreach (var message in events.ReadAllAsync())
        {
            try
            {
                await _bus.Publish(message, message.GetType());
            }
            catch (Exception e)
            {
                _log.LogWarning(e, "Could not publish {Message}", message.GetType().Name);
            }
        }
    }

    /// <summary>Runs <paramref name="work"/> on a new thread of its own (TorchSharp dispose scopes are per thread).</summary>
    private static Task<T> OnDedicatedThread<T>(Func<T> work, string name)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                done.SetResult(work());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        { IsBackground = true, Name = name };
        thread.Start();
        return done.Task;
    }

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        TorchRuntime.UseThreads(_options.TorchThreads ?? Math.Max(1, Environment.ProcessorCount / Math.Max(1, _options.MaxConcurrentRuns)));
        Directory.CreateDirectory(_leases.RunsDirectory);
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Before the bus stops: every run checkpoints, releases its lease and goes back to the queue.</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        var runs = _active.Values.ToList();
        foreach (var run in runs) run.Control.Stop(StopKind.Shutdown, "trainer shutting down");
        var all = Task.WhenAll(runs.Select(r => r.Completion ?? Task.CompletedTask));
        await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(_options.ShutdownCheckpointSeconds), cancellationToken));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _slots.Dispose();

    private sealed class ActiveRun(StartTraining command, RunLease lease) : IRunSink
    {
        public StartTraining Command { get; } = command;
        public RunLease Lease { get; } = lease;
        public RunControl Control { get; } = new();
        public Channel<object> Events { get; } = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
        public Task? Completion { get; set; }

        public void Started(TrainingStarted started) => Events.Writer.TryWrite(started);
        public void Progressed(TrainingProgressed progressed) => Events.Writer.TryWrite(progressed);
    }
}
