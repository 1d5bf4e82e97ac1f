using System.Text.Json;
using AigcMesh.Contracts.Datasets;
using AigcMesh.Dataset.Data;
using AigcMesh.Datasets;
using AigcMesh.Datasets.Importing;
using AigcMesh.Datasets.Writing;
using AigcMesh.Storage;
using Microsoft.EntityFrameworkCore;

namespace AigcMesh.Dataset.Importing;

/// <summary>How an import ended: the job row, and the data set when it succeeded.</summary>
public sealed record ImportOutcome(ImportJob Job, DatasetRecord? Dataset);

/// <summary>
/// Runs one import command: resolves its sources (uploaded artifacts, or a server path checked by
/// <see cref="ImportPathGuard"/>), imports them with <see cref="DatasetImporter"/>, records the data set and the
/// job, relays progress at a steady pace, and removes the uploaded source files afterwards. A refused source ends
/// the job as failed with the reason; nothing of it stays in the store or the database.
/// </summary>
public sealed class DatasetImportService(
    IDbContextFactory<DatasetDbContext> databases,
    ArtifactStore store,
    DatasetOptions options,
    ImportPathGuard guard,
    UploadStaging staging,
    TimeProvider time,
    ILogger<DatasetImportService> logger)
{
    public static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>Records a new import as queued (the API does this before it publishes the command).</summary>
    public async Task<ImportJob> CreateJobAsync(ImportDataset command, IReadOnlyList<string>? sourceNames, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var job = NewJob(command, sourceNames);
        db.Imports.Add(job);
        await db.SaveChangesAsync(cancellationToken);
        return job;
    }

    public async Task<ImportJob?> FindJobAsync(Guid importId, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.Imports.AsNoTracking().SingleOrDefaultAsync(j => j.Id == importId, cancellationToken);
    }

    public async Task<ImportOutcome> RunAsync(ImportDataset command, Func<ImportProgress, Task>? onProgress, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var job = await db.Imports.FindAsync([command.ImportId], cancellationToken);
        if (job is null)
        {
            job = NewJob(command, null);
            db.Imports.Add(job);
        }
        else if (job.Finished)
        {
            // A redelivered command: answer with what the import already did.
            var existing = job.DatasetId is null ? null : await db.Datasets.FindAsync([job.DatasetId], cancellationToken);
            return new ImportOutcome(job, existing);
        }
        job.State = ImportState.Running;
        job.UpdatedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);

        try
        {
            // The instance that received an upload staged its file names in the shared artifact directory.
            var names = job.SourceNames is not null
                ? JsonSerializer.Deserialize<string[]>(job.SourceNames)
                : await staging.NamesAsync(command.ImportId, command.SourceArtifactIds, cancellationToken);
            var files = ResolveSources(command, names);
            var progress = new LatestProgress();
            var import = new DatasetImporter(store, options.Limits).ImportAsync(command.SourceKind, files, command.Options, progress, cancellationToken);
            while (!import.IsCompleted)
            {
                await Task.WhenAny(import, Task.Delay(ProgressInterval, time, cancellationToken));
                if (progress.TryTake(out var latest))
                {
                    job.Stage = latest.Stage;
                    job.ItemsDone = latest.ItemsDone;
                    job.ItemsTotal = latest.ItemsTotal;
                    job.UpdatedAt = time.GetUtcNow().UtcDateTime;
                    await db.SaveChangesAsync(cancellationToken);
                    if (onProgress is not null) await onProgress(latest);
                }
            }
            var result = await import;
            var record = await RecordAsync(db, command, result, cancellationToken);
            staging.Remove(command.ImportId);
            job.State = ImportState.Succeeded;
            job.Stage = "done";
            job.DatasetId = result.DatasetId;
            job.AlreadyExisted = result.AlreadyExisted || record.Existed;
            job.UpdatedAt = time.GetUtcNow().UtcDateTime;
            await db.SaveChangesAsync(cancellationToken);
            await RemoveUploadsAsync(command.SourceArtifactIds);
            logger.LogInformation("Import {ImportId} ({Name}) stored data set {DatasetId}{Existing}",
                command.ImportId, command.Name, result.DatasetId, job.AlreadyExisted ? " (already stored)" : "");
            return new ImportOutcome(job, record.Dataset);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var reason = e switch
            {
                InvalidDatasetSourceException or ImportPathRefusedException => e.Message,
                ArtifactNotFoundException => $"An uploaded source file is no longer stored ({e.Message}).",
                _ => $"The import failed: {e.Message}",
            };
            if (e is InvalidDatasetSourceException or ImportPathRefusedException)
            {
                logger.LogWarning("Import {ImportId} ({Name}) refused: {Reason}", command.ImportId, command.Name, reason);
            }
            else
            {
                logger.LogError(e, "Import {ImportId} ({Name}) failed", command.ImportId, command.Name);
            }
            db.ChangeTracker.Clear();
            staging.Remove(command.ImportId);
            job.State = ImportState.Failed;
            job.Error = reason;
            job.UpdatedAt = time.GetUtcNow().UtcDateTime;
            db.Imports.Update(job);
            await db.SaveChangesAsync(CancellationToken.None);
            await RemoveUploadsAsync(command.SourceArtifactIds);
            return new ImportOutcome(job, null);
        }
    }

    private ImportJob NewJob(ImportDataset command, IReadOnlyList<string>? sourceNames)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return new ImportJob
        {
            Id = command.ImportId,
            CorrelationId = command.CorrelationId,
            Name = command.Name,
            SourceKind = command.SourceKind,
            State = ImportState.Queued,
            Stage = "queued",
            SourceNames = sourceNames is null ? null : JsonSerializer.Serialize(sourceNames),
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    private IReadOnlyList<SourceFile> ResolveSources(ImportDataset command, IReadOnlyList<string>? names)
    {
        if (ImportSourceKinds.IsBuiltIn(command.SourceKind)) return [];
        if (command.SourceArtifactIds.Count > 0 && command.ServerPath is not null)
        {
            throw new InvalidDatasetSourceException("Give either uploaded files or a server path, not both.");
        }
        if (command.ServerPath is not null) return SourceFile.FromPath(guard.Check(command.ServerPath));
        if (command.SourceArtifactIds.Count == 0) throw new InvalidDatasetSourceException("The import names no source (no upload and no server path).");
        var files = new List<SourceFile>();
        for (var i = 0; i < command.SourceArtifactIds.Count; i++)
        {
            if (!ArtifactId.TryParse(command.SourceArtifactIds[i], out var id)) throw new InvalidDatasetSourceException($"'{command.SourceArtifactIds[i]}' is not an artifact id.");
            if (!store.Exists(id)) throw new InvalidDatasetSourceException($"Uploaded file {id} is not stored.");
            var name = names is not null && i < names.Count ? names[i] : id.Value;
            files.Add(new SourceFile(name, store.Length(id), () => store.OpenRead(id)));
        }
        return files;
    }

    private async Task<(DatasetRecord Dataset, bool Existed)> RecordAsync(
        DatasetDbContext db, ImportDataset command, DatasetWriteResult result, CancellationToken cancellationToken)
    {
        var existing = await db.Datasets.FindAsync([result.DatasetId], cancellationToken);
        if (existing is not null) return (existing, true);
        var artifacts = ManifestArtifacts.Of(result.DatasetId, result.Manifest);
        var counts = result.Manifest.Statistics.Splits.ToDictionary(s => s.Split, s => s.Count);
        var record = new DatasetRecord
        {
            Id = result.DatasetId,
            Name = command.Name,
            Modality = result.Manifest.Modality,
            SourceKind = result.Manifest.SourceKind,
            TrainCount = counts.GetValueOrDefault(DatasetSplit.Train),
            ValidationCount = counts.GetValueOrDefault(DatasetSplit.Validation),
            TestCount = counts.GetValueOrDefault(DatasetSplit.Test),
            ClassCount = result.Manifest.Image?.ClassNames.Count ?? 0,
            SizeBytes = artifacts.Sum(a => store.Length(ArtifactId.Parse(a))),
            ArtifactIds = string.Join(' ', artifacts),
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        db.Datasets.Add(record);
        return (record, false);
    }

    /// <summary>Uploaded sources are only needed during their import; removes those no data set uses.</summary>
    private async Task RemoveUploadsAsync(IReadOnlyList<string> uploads)
    {
        if (uploads.Count == 0) return;
        try
        {
            await using var db = await databases.CreateDbContextAsync();
            var used = (await db.Datasets.Select(d => d.ArtifactIds).ToListAsync())
                .SelectMany(a => a.Split(' ')).ToHashSet(StringComparer.Ordinal);
            foreach (var upload in uploads)
            {
                if (ArtifactId.TryParse(upload, out var id) && !used.Contains(upload)) store.Delete(id);
            }
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not remove uploaded source files {Uploads}", uploads);
        }
    }

    /// <summary>Removes uploads of an import that was never started (refused by the API after the upload).</summary>
    public Task DiscardUploadsAsync(IReadOnlyList<string> uploads) => RemoveUploadsAsync(uploads);
}
