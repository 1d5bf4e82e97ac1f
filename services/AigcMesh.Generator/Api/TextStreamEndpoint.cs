using System.Globalization;
using System.Text.Json;
using AigcMesh.Contracts.Generation;
using AigcMesh.Generator.Registry;
using AigcMesh.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace AigcMesh.Generator.Api;

/// <summary>
/// GET/POST /api/generations/stream: text tokens as Server-Sent Events. The worker that samples sends each piece to
/// this instance's bus address (<see cref="GenerationTokenProduced"/>); this endpoint writes them in order, one
/// flushed event each ("start", "token"..., then "done" or "error"). A refusal that comes before any token is an
/// ordinary HTTP error (400, 422, 503 with Retry-After). A caller that disconnects cancels the sampling.
/// </summary>
public static class TextStreamEndpoint
{
    private static readonly TimeSpan LastPiecesWait = TimeSpan.FromSeconds(10);

    public static Task<IResult> GetAsync(HttpContext http, ModelRegistry registry, GenerationClient client, TokenStreams streams, IOptions<GeneratorOptions> options)
    {
        var q = http.Request.Query;
        if (!Guid.TryParse(q["modelId"], out var modelId))
            return Task.FromResult(Results.ValidationProblem(new Dictionary<string, string[]> { ["modelId"] = ["A model id is required."] }));
        var text = new TextRequest(
            q["prompt"].ToString(),
            int.TryParse(q["maxNewTokens"], CultureInfo.InvariantCulture, out var max) ? max : 64,
            double.TryParse(q["temperature"], CultureInfo.InvariantCulture, out var t) ? t : 1.0,
            int.TryParse(q["topK"], CultureInfo.InvariantCulture, out var k) ? k : null,
            double.TryParse(q["topP"], CultureInfo.InvariantCulture, out var p) ? p : null,
            q["stop"].Where(s => s is not null).Select(s => s!).ToList(),
            int.TryParse(q["seed"], CultureInfo.InvariantCulture, out var seed) ? seed : 0);
        return StreamAsync(http, modelId, text, registry, client, streams, options.Value);
    }

    public static Task<IResult> PostAsync(GenerationRequest request, HttpContext http, ModelRegistry registry, GenerationClient client, TokenStreams streams, IOptions<GeneratorOptions> options) =>
        request.Text is null
            ? Task.FromResult(Results.ValidationProblem(new Dictionary<string, string[]> { ["text"] = ["Streaming needs a 'text' request."] }))
            : StreamAsync(http, request.ModelId, request.Text, registry, client, streams, options.Value);

    private static async Task<IResult> StreamAsync(HttpContext http, Guid modelId, TextRequest text, ModelRegistry registry, GenerationClient client, TokenStreams streams, GeneratorOptions options)
    {
        var model = await registry.FindAsync(modelId, http.RequestAborted);
        if (model is null) return GenerationsApi.UnknownModel(modelId);
        var errors = GenerationValidation.Check(new GenerationRequest(modelId, Text: text), model, options.Limits);
        if (errors.Count > 0) return Results.ValidationProblem(errors);

        var generationId = Guid.NewGuid();
        var pieces = streams.Open(generationId);
        var writer = new SseWriter(http, generationId);
        try
        {
            var request = new GenerateText(CorrelationIdMiddleware.Get(http), generationId, model, text.ToOptions(), StreamTokens: true);
            var response = client.GenerateAsync(request, http.RequestAborted);
            var pending = new SortedDictionary<int, string>();
            var next = 0;
            while (!response.IsCompleted)
            {
                var read = pieces.WaitToReadAsync(http.RequestAborted).AsTask();
                await Task.WhenAny(read, response);
                http.RequestAborted.ThrowIfCancellationRequested();
                next = await WriteReadyAsync(writer, pieces, pending, next);
            }

            var outcome = await response;
            if (outcome.Rejected is { } rejected)
            {
                if (!writer.Started) return GenerationsApi.Rejection(http, rejected);
                await writer.EventAsync("error", new { kind = rejected.Kind.ToString(), reason = rejected.Reason });
                return Results.Empty;
            }
            var done = outcome.Result!;
            // The reply can overtake the last pieces: wait for all that were sent.
            using var lastPieces = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
            lastPieces.CancelAfter(LastPiecesWait);
            while (next < done.PieceCount && await pieces.WaitToReadAsync(lastPieces.Token))
                next = await WriteReadyAsync(writer, pieces, pending, next);
            await writer.EventAsync("done", new { generationId, text = done.Text, tokenCount = done.TokenCount, finishReason = done.FinishReason, modelMilliseconds = done.ModelMilliseconds, worker = done.WorkerId });
            return Results.Empty;
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            return Results.Empty; // the caller left; the client already asked the worker to stop
        }
        finally
        {
            streams.Close(generationId);
        }
    }

    private static async Task<int> WriteReadyAsync(SseWriter writer, System.Threading.Channels.ChannelReader<GenerationTokenProduced> pieces, SortedDictionary<int, string> pending, int next)
    {
        while (pieces.TryRead(out var piece)) pending[piece.Index] = piece.Text;
        while (pending.Remove(next, out var ready))
        {
            await writer.EventAsync("token", new { index = next, text = ready });
            next++;
        }
        return next;
    }

    /// <summary>Writes SSE events, flushed one by one; the headers go out with the first event.</summary>
    private sealed class SseWriter(HttpContext http, Guid generationId)
    {
        public bool Started { get; private set; }

        public async Task EventAsync(string type, object data)
        {
            if (!Started)
            {
                Started = true;
                http.Response.ContentType = "text/event-stream";
                http.Response.Headers.CacheControl = "no-cache";
                http.Response.Headers["X-Accel-Buffering"] = "no";
                http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
                await WriteAsync("start", new { generationId });
            }
            await WriteAsync(type, data);
        }

        private async Task WriteAsync(string type, object data)
        {
            await http.Response.WriteAsync($"event: {type}\ndata: {JsonSerializer.Serialize(data, JsonSerializerOptions.Web)}\n\n", http.RequestAborted);
            await http.Response.Body.FlushAsync(http.RequestAborted);
        }
    }
}
