using System.Text.Json;
using AigcMesh.Contracts.Training;

namespace AigcMesh.Trainer.Leases;

/// <summary>
/// One run's folder in the shared runs directory: the start command, numbered lease claims, the checkpoint index,
/// a cancel request and the terminal marker. Every file is written whole to a temporary name and renamed into place,
/// so a reader on any trainer sees either the old or the new content.
/// </summary>
public sealed class RunFolder
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private const string ClaimPrefix = "claim-";

    public RunFolder(string runsDirectory, Guid runId)
    {
        RunId = runId;
        Path = System.IO.Path.Combine(runsDirectory, runId.ToString("N"));
    }

    public Guid RunId { get; }
    public string Path { get; }

    private string StartFile => System.IO.Path.Combine(Path, "start.json");
    private string CheckpointFile => System.IO.Path.Combine(Path, "checkpoint.json");
    private string CancelFile => System.IO.Path.Combine(Path, "cancel.json");
    private string DoneFile => System.IO.Path.Combine(Path, "done.json");

    public void EnsureCreated() => Directory.CreateDirectory(Path);

    public void WriteStart(StartTraining command)
    {
        EnsureCreated();
        if (!File.Exists(StartFile)) WriteAtomic(StartFile, command, overwrite: false);
    }

    public StartTraining? ReadStart() => Read<StartTraining>(StartFile);

    public CheckpointIndex? ReadCheckpoint() => Read<CheckpointIndex>(CheckpointFile);

    public void WriteCheckpoint(CheckpointIndex index) => WriteAtomic(CheckpointFile, index, overwrite: true);

    public CancelRequest? ReadCancel() => Read<CancelRequest>(CancelFile);

    public void WriteCancel(CancelRequest request)
    {
        EnsureCreated();
        WriteAtomic(CancelFile, request, overwrite: true);
    }

    public RunOutcome? ReadDone() => Read<RunOutcome>(DoneFile);

    public void WriteDone(RunOutcome outcome) => WriteAtomic(DoneFile, outcome, overwrite: true);

    /// <summary>The claim with the highest generation, or null when no trainer has claimed the run.</summary>
    public LeaseClaim? LatestClaim()
    {
        var generation = LatestGeneration();
        if (generation == 0) return null;
        return Read<LeaseClaim>(ClaimFile(generation)) ?? new LeaseClaim("?", generation, DateTimeOffset.MinValue, DateTimeOffset.MinValue, Released: false);
    }

    public int LatestGeneration()
    {
        if (!Directory.Exists(Path)) return 0;
        var latest = 0;
        foreach (var file in Directory.EnumerateFiles(Path, ClaimPrefix + "*.json"))
        {
            var name = System.IO.Path.GetFileNameWithoutExtension(file);
            if (int.TryParse(name.AsSpan(ClaimPrefix.Length), out var g) && g > latest) latest = g;
        }
        return latest;
    }

    /// <summary>Creates claim <paramref name="claim"/>.Generation; false when another trainer created it first.</summary>
    public bool TryCreateClaim(LeaseClaim claim)
    {
        EnsureCreated();
        try
        {
            WriteAtomic(ClaimFile(claim.Generation), claim, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(ClaimFile(claim.Generation)))
        {
            return false;
        }
    }

    public void RewriteClaim(LeaseClaim claim) => WriteAtomic(ClaimFile(claim.Generation), claim, overwrite: true);

    /// <summary>One marker per (stale generation, attempt), created by exactly one sweeper: that one re-sends the run.</summary>
    public bool TryMarkResend(int staleGeneration, DateTimeOffset now, TimeSpan retryAfter)
    {
        var attempts = Directory.EnumerateFiles(Path, $"resend-{staleGeneration}-*").ToList();
        if (attempts.Count > 0 && attempts.Max(File.GetLastWriteTimeUtc) > now.UtcDateTime - retryAfter) return false;
        try
        {
            using var _ = new FileStream(System.IO.Path.Combine(Path, $"resend-{staleGeneration}-{attempts.Count + 1}"), FileMode.CreateNew);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private string ClaimFile(int generation) => System.IO.Path.Combine(Path, $"{ClaimPrefix}{generation:D6}.json");

    private static T? Read<T>(string file)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllBytes(file), Json);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or JsonException)
        {
            return null;
        }
    }

    private void WriteAtomic<T>(string file, T value, bool overwrite)
    {
        var temp = System.IO.Path.Combine(Path, $".{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(value, Json));
        try
        {
            if (overwrite) File.Move(temp, file, overwrite: true);
            else File.Move(temp, file, overwrite: false);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}

/// <summary>A trainer's claim on a run: generation n is owned by whoever created claim-n first.</summary>
public sealed record LeaseClaim(string Owner, int Generation, DateTimeOffset ClaimedAt, DateTimeOffset HeartbeatAt, bool Released)
{
    public bool IsLive(DateTimeOffset now, TimeSpan staleAfter) => !Released && now - HeartbeatAt < staleAfter;
}

/// <summary>The latest checkpoint of a run: its artifact, the step it holds and the training seconds spent so far.</summary>
public sealed record CheckpointIndex(int Step, string ArtifactId, double TrainedSeconds, int Generation, DateTimeOffset At);

public sealed record CancelRequest(string Reason, DateTimeOffset At);

/// <summary>How a run ended ("completed", "failed", "cancelled"); written after its facts were published.</summary>
public sealed record RunOutcome(string Outcome, int Step, string? Reason, DateTimeOffset At);
