using AigcMesh.Contracts.Datasets;
using AigcMesh.Dataset.Data;
using AigcMesh.Datasets.Importing;
using AigcMesh.Datasets.Manifest;

namespace AigcMesh.Dataset.Api;

/// <summary>
/// Body of POST /api/datasets: a built-in set ({"source":"builtin","name":"synthetic-images"}) or a server-side path
/// under an import root ({"source":"path","kind":"idx","path":"/usr/share/datasets/fashion-mnist","name":"fashion"}).
/// </summary>
public sealed record ImportRequest(string? Source, string? Name, string? Kind, string? Path, ImportOptionsRequest? Options);

/// <summary>Preprocessing choices; each one left out takes its default (see <see cref="DatasetImportOptions"/>).</summary>
public sealed record ImportOptionsRequest(
    int? ImageSize = null,
    int? Channels = null,
    double? ValidationFraction = null,
    double? TestFraction = null,
    int? Seed = null,
    int? BpeVocabularySize = null,
    string? JsonTextField = null)
{
    public DatasetImportOptions ToOptions()
    {
        var defaults = new DatasetImportOptions();
        return new DatasetImportOptions(
            ImageSize ?? defaults.ImageSize,
            Channels ?? defaults.Channels,
            ValidationFraction ?? defaults.ValidationFraction,
            TestFraction ?? defaults.TestFraction,
            Seed ?? defaults.Seed,
            BpeVocabularySize ?? defaults.BpeVocabularySize,
            JsonTextField ?? defaults.JsonTextField);
    }
}

public sealed record ImportStatus(
    Guid Id,
    string Name,
    string Kind,
    string State,
    string? Stage,
    long ItemsDone,
    long? ItemsTotal,
    string? DatasetId,
    bool AlreadyExisted,
    string? Error,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    string Self,
    string Events,
    string? Dataset)
{
    public static ImportStatus Of(ImportJob job) => new(
        job.Id, job.Name, ImportSourceKinds.NameOf(job.SourceKind), job.State.ToString().ToLowerInvariant(), job.Stage,
        job.ItemsDone, job.ItemsTotal, job.DatasetId, job.AlreadyExisted, job.Error,
        DateTime.SpecifyKind(job.CreatedAt, DateTimeKind.Utc), DateTime.SpecifyKind(job.UpdatedAt, DateTimeKind.Utc),
        $"/api/datasets/imports/{job.Id}", $"/api/datasets/imports/{job.Id}/events",
        job.DatasetId is null ? null : $"/api/datasets/{job.DatasetId}");
}

public sealed record DatasetSummary(
    string Id,
    string Name,
    DatasetModality Modality,
    string SourceKind,
    long TrainCount,
    long ValidationCount,
    long TestCount,
    int ClassCount,
    long SizeBytes,
    DateTime CreatedAt,
    string Preview)
{
    public static DatasetSummary Of(DatasetRecord d) => new(
        d.Id, d.Name, d.Modality, d.SourceKind, d.TrainCount, d.ValidationCount, d.TestCount, d.ClassCount, d.SizeBytes,
        DateTime.SpecifyKind(d.CreatedAt, DateTimeKind.Utc), $"/api/datasets/{d.Id}/preview");
}

/// <summary>GET /api/datasets/{id}: the summary, the runs using it now, and the manifest (preprocessing, shards, statistics).</summary>
public sealed record DatasetDetails(DatasetSummary Dataset, IReadOnlyList<Guid> ActiveRuns, DatasetManifest Manifest, DatasetStatistics Statistics);
