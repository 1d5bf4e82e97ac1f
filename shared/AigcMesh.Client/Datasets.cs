using System.Net.Http.Headers;
using System.Text.Json;

namespace AigcMesh.Client;

public sealed record DatasetSummary : ApiResource
{
    public string Id { get; init; } = "";
    public string Name { get; init; } = "";
    public string? Modality { get; init; }
    public string? SourceKind { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public long? TrainCount { get; init; }
    public long? ValidationCount { get; init; }
    public long? TestCount { get; init; }
    public int? ClassCount { get; init; }
    public JsonElement? Statistics { get; init; }
    public JsonElement? Manifest { get; init; }
}

/// <summary>An import request: a built-in source, a server-side path under an import root, or uploaded artifacts.</summary>
public sealed record ImportDatasetRequest(
    string Name,
    string SourceKind,
    string? ServerPath = null,
    IReadOnlyList<string>? SourceArtifactIds = null,
    DatasetImportSettings? Options = null);

public sealed record DatasetImportSettings(
    int? ImageSize = null,
    int? Channels = null,
    double? ValidationFraction = null,
    double? TestFraction = null,
    int? Seed = null,
    int? BpeVocabularySize = null,
    string? JsonTextField = null);

public sealed record DatasetImportStatus : ApiResource
{
    public Guid ImportId { get; init; }
    public string? Status { get; init; }
    public string? DatasetId { get; init; }
    public string? Name { get; init; }
    public string? Stage { get; init; }
    public long? ItemsDone { get; init; }
    public long? ItemsTotal { get; init; }
    public string? Reason { get; init; }

    public bool IsFinished => Status is not null && (Status.Equals("imported", StringComparison.OrdinalIgnoreCase)
        || Status.Equals("failed", StringComparison.OrdinalIgnoreCase) || Status.Equals("completed", StringComparison.OrdinalIgnoreCase));
}

public sealed record UploadedArtifact : ApiResource
{
    public string ArtifactId { get; init; } = "";
    public long? Length { get; init; }
}

public sealed class DatasetsClient(AigcClient client)
{
    public const string Path = "api/datasets";

    public Task<IReadOnlyList<DatasetSummary>> ListAsync(CancellationToken cancellationToken = default) =>
        client.GetAsync<IReadOnlyList<DatasetSummary>>(Path, cancellationToken);

    public Task<DatasetSummary> GetAsync(string datasetId, CancellationToken cancellationToken = default) =>
        client.GetAsync<DatasetSummary>($"{Path}/{AigcClient.Escape(datasetId)}", cancellationToken);

    /// <summary>The preview: a PNG grid of samples for image data sets.</summary>
    public Task<byte[]> PreviewPngAsync(string datasetId, CancellationToken cancellationToken = default) =>
        client.GetBytesAsync($"{Path}/{AigcClient.Escape(datasetId)}/preview", cancellationToken);

    public Task DeleteAsync(string datasetId, CancellationToken cancellationToken = default) =>
        client.SendAsync(HttpMethod.Delete, $"{Path}/{AigcClient.Escape(datasetId)}", cancellationToken: cancellationToken);

    /// <summary>Starts an import (answered 202 with the import's status).</summary>
    public Task<DatasetImportStatus> ImportAsync(ImportDatasetRequest request, CancellationToken cancellationToken = default) =>
        client.PostAsync<DatasetImportStatus>($"{Path}/imports", request, cancellationToken);

    /// <summary>Uploads local files and imports them as one data set; <paramref name="progress"/> gets bytes sent so far.</summary>
    public async Task<DatasetImportStatus> UploadAsync(string name, string sourceKind, IReadOnlyList<string> files, DatasetImportSettings? options = null, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        using var content = new MultipartFormDataContent();
        content.Add(new StringContent(name), "name");
        content.Add(new StringContent(sourceKind), "sourceKind");
        if (options is not null)
        {
            content.Add(new StringContent(JsonSerializer.Serialize(options, AigcJson.Options)), "options");
        }
        var streams = new List<Stream>();
        try
        {
            foreach (var file in files)
            {
                var stream = new ProgressStream(File.OpenRead(file), progress, streams.Sum(s => s.Length));
                streams.Add(stream);
                var part = new StreamContent(stream, 81920);
                part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                content.Add(part, "files", System.IO.Path.GetFileName(file));
            }
            return await client.SendContentAsync<DatasetImportStatus>(HttpMethod.Post, $"{Path}/uploads", content, cancellationToken);
        }
        finally
        {
            foreach (var stream in streams) await stream.DisposeAsync();
        }
    }

    public Task<DatasetImportStatus> GetImportAsync(Guid importId, CancellationToken cancellationToken = default) =>
        client.GetAsync<DatasetImportStatus>($"{Path}/imports/{importId}", cancellationToken);

    public IAsyncEnumerable<ServerSentEvent> ImportEventsAsync(Guid importId, CancellationToken cancellationToken = default) =>
        client.StreamAsync($"{Path}/imports/{importId}/events", cancellationToken: cancellationToken);

    /// <summary>Polls an import until it is imported or failed.</summary>
    public async Task<DatasetImportStatus> WaitForImportAsync(Guid importId, TimeSpan timeout, IProgress<DatasetImportStatus>? progress = null, CancellationToken cancellationToken = default)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        while (true)
        {
            var status = await GetImportAsync(importId, limit.Token);
            progress?.Report(status);
            if (status.IsFinished || status.DatasetId is { Length: > 0 }) return status;
            await Task.Delay(TimeSpan.FromMilliseconds(250), limit.Token);
        }
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
