using System.Net.Http.Headers;
using System.Text.Json;

namespace AigcMesh.Client;

/// <summary>A data set in lists (GET /api/datasets).</summary>
public sealed record DatasetSummary : ApiResource
{
    public string Id { get; init; } = "";
    public string Name { get; init; } = "";
    [System.Text.Json.Serialization.JsonConverter(typeof(LenientStringConverter))]
    public string? Modality { get; init; }
    public string? SourceKind { get; init; }
    public long? TrainCount { get; init; }
    public long? ValidationCount { get; init; }
    public long? TestCount { get; init; }
    public int? ClassCount { get; init; }
    public long? SizeBytes { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public string? Preview { get; init; }
}

/// <summary>One data set (GET /api/datasets/{id}): its summary, the runs using it, its manifest and statistics.</summary>
public sealed record DatasetDetails : ApiResource
{
    public DatasetSummary Dataset { get; init; } = new();
    public IReadOnlyList<Guid>? ActiveRuns { get; init; }
    public JsonElement? Manifest { get; init; }
    public JsonElement? Statistics { get; init; }
}

/// <summary>
/// POST /api/datasets: a built-in set (<see cref="Source"/> "builtin", <see cref="Name"/> synthetic-images or synthetic-text)
/// or a server-side path under an import root (<see cref="Source"/> "path", with <see cref="Kind"/> and <see cref="Path"/>).
/// </summary>
public sealed record ImportDatasetRequest(string Source, string? Name = null, string? Kind = null, string? Path = null, DatasetImportSettings? Options = null)
{
    public const string SyntheticImages = "synthetic-images";
    public const string SyntheticText = "synthetic-text";

    public static ImportDatasetRequest BuiltIn(string name, DatasetImportSettings? options = null) => new("builtin", name, Options: options);

    public static ImportDatasetRequest ServerPath(string kind, string path, string? name = null, DatasetImportSettings? options = null) => new("path", name, kind, path, options);
}

/// <summary>Preprocessing choices; each one left null takes the service's default.</summary>
public sealed record DatasetImportSettings(
    int? ImageSize = null,
    int? Channels = null,
    double? ValidationFraction = null,
    double? TestFraction = null,
    int? Seed = null,
    int? BpeVocabularySize = null,
    string? JsonTextField = null);

/// <summary>An import's status (state queued, running, succeeded or failed).</summary>
public sealed record DatasetImportStatus : ApiResource
{
    public Guid Id { get; init; }
    public string? Name { get; init; }
    public string? Kind { get; init; }
    public string? State { get; init; }
    public string? Stage { get; init; }
    public long? ItemsDone { get; init; }
    public long? ItemsTotal { get; init; }
    public string? DatasetId { get; init; }
    public bool? AlreadyExisted { get; init; }
    public string? Error { get; init; }

    public bool Succeeded => string.Equals(State, "succeeded", StringComparison.OrdinalIgnoreCase);
    public bool Failed => string.Equals(State, "failed", StringComparison.OrdinalIgnoreCase);
    public bool IsFinished => Succeeded || Failed;
}

/// <summary>A data set's preview: a PNG grid (image data sets) or sample text.</summary>
public sealed record DatasetPreview(byte[] Content, string MediaType)
{
    public bool IsImage => MediaType.StartsWith("image/", StringComparison.OrdinalIgnoreCase);
}

public sealed class DatasetsClient(AigcClient client)
{
    public const string Path = "api/datasets";

    /// <summary>The import source kinds the dataset service names (for --kind and uploads).</summary>
    public static readonly IReadOnlyList<string> Kinds = ["idx", "image-folder", "plain-text", "fortune", "json-lines"];

    public Task<IReadOnlyList<DatasetSummary>> ListAsync(CancellationToken cancellationToken = default) =>
        client.GetAsync<IReadOnlyList<DatasetSummary>>(Path, cancellationToken);

    public Task<DatasetDetails> GetAsync(string datasetId, CancellationToken cancellationToken = default) =>
        client.GetAsync<DatasetDetails>($"{Path}/{AigcClient.Escape(datasetId)}", cancellationToken);

    public async Task<DatasetPreview> PreviewAsync(string datasetId, CancellationToken cancellationToken = default)
    {
        var (bytes, type) = await client.GetBytesWithTypeAsync($"{Path}/{AigcClient.Escape(datasetId)}/preview", cancellationToken);
        return new DatasetPreview(bytes, type ?? "application/octet-stream");
    }

    public Task DeleteAsync(string datasetId, CancellationToken cancellationToken = default) =>
        client.SendAsync(HttpMethod.Delete, $"{Path}/{AigcClient.Escape(datasetId)}", cancellationToken: cancellationToken);

    /// <summary>Starts an import of a built-in set or a server path (202 with the import's status).</summary>
    public Task<DatasetImportStatus> ImportAsync(ImportDatasetRequest request, CancellationToken cancellationToken = default) =>
        client.PostAsync<DatasetImportStatus>(Path, request, cancellationToken);

    /// <summary>Uploads local files (multipart) and imports them as one data set; <paramref name="progress"/> gets the bytes sent so far.</summary>
    public async Task<DatasetImportStatus> UploadAsync(string kind, IReadOnlyList<string> files, string? name = null, DatasetImportSettings? options = null, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        var query = new List<string> { $"kind={Uri.EscapeDataString(kind)}" };
        if (name is not null) query.Add($"name={Uri.EscapeDataString(name)}");
        if (options is not null)
        {
            foreach (var (key, value) in JsonSerializer.SerializeToElement(options, AigcJson.Options).EnumerateObject().Select(p => (p.Name, p.Value)))
            {
                var text = value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
                query.Add($"{key}={Uri.EscapeDataString(text ?? "")}");
            }
        }
        using var content = new MultipartFormDataContent();
        var streams = new List<Stream>();
        try
        {
            long offset = 0;
            foreach (var file in files)
            {
                var stream = new ProgressStream(File.OpenRead(file), progress, offset);
                offset += stream.Length;
                streams.Add(stream);
                var part = new StreamContent(stream, 81920);
                part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                content.Add(part, "files", System.IO.Path.GetFileName(file));
            }
            return await client.SendContentAsync<DatasetImportStatus>(HttpMethod.Post, $"{Path}/uploads?{string.Join('&', query)}", content, cancellationToken);
        }
        finally
        {
            foreach (var stream in streams) await stream.DisposeAsync();
        }
    }

    public Task<DatasetImportStatus> GetImportAsync(Guid importId, CancellationToken cancellationToken = default) =>
        client.GetAsync<DatasetImportStatus>($"{Path}/imports/{importId}", cancellationToken);

    public Task<IReadOnlyList<DatasetImportStatus>> ListImportsAsync(CancellationToken cancellationToken = default) =>
        client.GetAsync<IReadOnlyList<DatasetImportStatus>>($"{Path}/imports", cancellationToken);

    /// <summary>An import's events: "progress" while it runs, then "imported" or "failed".</summary>
    public IAsyncEnumerable<ServerSentEvent> ImportEventsAsync(Guid importId, CancellationToken cancellationToken = default) =>
        client.StreamAsync($"{Path}/imports/{importId}/events", cancellationToken: cancellationToken);

    /// <summary>Polls an import until it succeeded or failed, reporting each status.</summary>
    public async Task<DatasetImportStatus> WaitForImportAsync(Guid importId, TimeSpan timeout, IProgress<DatasetImportStatus>? progress = null, CancellationToken cancellationToken = default)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        while (true)
        {
            var status = await GetImportAsync(importId, limit.Token);
            progress?.Report(status);
            if (status.IsFinished) return status;
            await Task.Delay(TimeSpan.FromMilliseconds(200), limit.Token);
        }
    }

    /// <summary>Imports a built-in set and waits for it: the data set id.</summary>
    public async Task<string> ImportBuiltInAsync(string name, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var accepted = await ImportAsync(ImportDatasetRequest.BuiltIn(name), cancellationToken);
        var done = accepted.IsFinished ? accepted : await WaitForImportAsync(accepted.Id, timeout, null, cancellationToken);
        return done.DatasetId ?? throw new InvalidOperationException($"Import of {name} failed: {done.Error}");
    }
}

/// <summary>Reports how many bytes of an upload were read so far (offset by the files before it).</summary>
internal sealed class ProgressStream(Stream inner, IProgress<long>? progress, long offset) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => inner.CanSeek;
    public override bool CanWrite => false;
    public override long Length => inner.Length;
    public override long Position { get => inner.Position; set => inner.Position = value; }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset1, int count) => Report(inner.Read(buffer, offset1, count));
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => Report(await inner.ReadAsync(buffer, cancellationToken));
    public override long Seek(long position, SeekOrigin origin) => inner.Seek(position, origin);
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset1, int count) => throw new NotSupportedException();

    private int Report(int read)
    {
        progress?.Report(offset + inner.Position);
        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
