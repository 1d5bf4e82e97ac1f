using AigcMesh.Storage;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace AigcMesh.Dataset.Api;

/// <summary>The files of an upload, stored in the artifact store, with the names the client gave them.</summary>
public sealed record ReceivedUpload(IReadOnlyList<string> ArtifactIds, IReadOnlyList<string> Names);

/// <summary>The upload is larger than <see cref="DatasetOptions.MaxUploadBytes"/>.</summary>
public sealed class UploadTooLargeException(long limit) : Exception($"The upload is larger than the limit of {limit:N0} bytes.");

/// <summary>
/// Streams an upload into the artifact store (a temporary file in the store, renamed to its hash): a
/// multipart/form-data body with one or more files, or any other body as one raw file. Nothing is held whole in
/// memory; the size limit stops the copy as soon as it is passed, and whatever was stored is removed on failure.
/// </summary>
public sealed class UploadReceiver(ArtifactStore store, DatasetOptions options)
{
    private const long MultipartOverhead = 1 << 20;

    public async Task<ReceivedUpload> ReceiveAsync(HttpRequest request, string? rawFileName, CancellationToken cancellationToken)
    {
        var limit = options.MaxUploadBytes;
        if (request.ContentLength > limit + MultipartOverhead) throw new UploadTooLargeException(limit);
        var sizeFeature = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false }) sizeFeature.MaxRequestBodySize = limit + MultipartOverhead;

        var ids = new List<string>();
        var names = new List<string>();
        try
        {
            long remaining = limit;
            if (MediaTypeHeaderValue.TryParse(request.ContentType, out var type) && type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            {
                var boundary = HeaderUtilities.RemoveQuotes(type.Boundary).Value;
                if (string.IsNullOrEmpty(boundary)) throw new BadHttpRequestException("The multipart body has no boundary.");
                var reader = new MultipartReader(boundary, request.Body);
                while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
                {
                    if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.IsFileDisposition()) continue;
                    var name = disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value : HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
                    remaining -= await StoreAsync(section.Body, remaining, ids, cancellationToken);
                    names.Add(CleanName(name, ids.Count));
                }
            }
            else
            {
                await StoreAsync(request.Body, remaining, ids, cancellationToken);
                names.Add(CleanName(rawFileName, 1));
            }
            return new ReceivedUpload(ids, names);
        }
        catch
        {
            foreach (var id in ids) store.Delete(ArtifactId.Parse(id));
            throw;
        }
    }

    private async Task<long> StoreAsync(Stream body, long remaining, List<string> ids, CancellationToken cancellationToken)
    {
        try
        {
            var id = await store.PutAsync(body, remaining, cancellationToken);
            ids.Add(id.Value);
            return store.Length(id);
        }
        catch (ArtifactTooLargeException)
        {
            throw new UploadTooLargeException(options.MaxUploadBytes);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw new UploadTooLargeException(options.MaxUploadBytes);
        }
    }

    /// <summary>A client's file name is only a label (class folders, messages): control characters out, at most 300 characters.</summary>
    private static string CleanName(string? name, int index)
    {
        var cleaned = new string((name ?? "").Replace('\\', '/').Where(c => !char.IsControl(c)).ToArray()).Trim().TrimStart('/');
        if (cleaned.Length > 300) cleaned = cleaned[^300..];
        return cleaned.Length == 0 ? $"upload-{index}" : cleaned;
    }
}
