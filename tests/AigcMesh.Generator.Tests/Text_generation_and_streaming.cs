using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AigcMesh.Generator.Api;

namespace AigcMesh.Generator.Tests;

public sealed class Text_generation_and_streaming(TextFixture fixture) : IClassFixture<TextFixture>
{
    private HttpClient Gateway => fixture.Gateway.Http;

    [Fact]
    public async Task Streamed_tokens_arrive_through_the_gateway_in_order_as_they_are_produced()
    {
        var url = $"/api/generations/stream?modelId={fixture.Model.ModelId}&prompt=The%20sea&maxNewTokens=24&seed=5&temperature=0.9";
        var clock = Stopwatch.StartNew();
        using var response = await Gateway.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);

        var events = new List<(string Type, JsonElement Data, TimeSpan At)>();
        await foreach (var e in ServerSentEvents.ReadAsync(await response.Content.ReadAsStreamAsync()))
        {
            events.Add((e.Type, e.Data, clock.Elapsed));
            if (e.Type is "done" or "error") break;
        }

        Assert.Equal("start", events[0].Type);
        var tokens = events.Where(e => e.Type == "token").ToList();
        var done = events[^1];
        Assert.Equal("done", done.Type);
        Assert.Equal(Enumerable.Range(0, tokens.Count), tokens.Select(t => t.Data.GetProperty("index").GetInt32()));
        Assert.Equal(done.Data.GetProperty("text").GetString(), string.Concat(tokens.Select(t => t.Data.GetProperty("text").GetString())));
        Assert.Equal(24, done.Data.GetProperty("tokenCount").GetInt32());
        // Unbuffered: the first token came well before the last (24 tokens take >= 360 ms to sample).
        Assert.True(done.At - tokens[0].At > TimeSpan.FromMilliseconds(200), $"first token at {tokens[0].At}, done at {done.At}");

        // The same request answered whole gives the same text.
        var whole = await Gateway.PostAsJsonAsync("/api/generations", new GenerationRequest(fixture.Model.ModelId, Text: new TextRequest("The sea", 24, 0.9, Seed: 5)), Api.Json);
        var text = await whole.Content.ReadFromJsonAsync<TextResponse>(Api.Json);
        Assert.Equal(done.Data.GetProperty("text").GetString(), text!.Text);
        Assert.Equal("length", text.FinishReason);
    }

    [Fact]
    public async Task A_caller_that_disconnects_stops_the_sampling()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/generations/stream")
        {
            Content = JsonContent.Create(new GenerationRequest(fixture.Model.ModelId, Text: new TextRequest("Once", 1000, Seed: 9)), options: Api.Json),
        };
        // A caller that closes the connection at once (HttpClient would otherwise keep draining the response for 2 s).
        using var caller = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = Gateway.BaseAddress };
        caller.DefaultRequestHeaders.Add(AigcMesh.Gateway.Security.ApiKeyAuthenticationHandler.HeaderName, GatewayHost.ApiKey);
        var response = await caller.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var stream = await response.Content.ReadAsStreamAsync();
        var seen = 0;
        await foreach (var e in ServerSentEvents.ReadAsync(stream))
            if (e.Type == "token" && ++seen == 3) break;
        var model = fixture.Loader.LastTextModel!;
        response.Dispose(); // the caller leaves

        // Sampling all 1000 tokens would take 15 s or more; it must stop (no new tokens for 400 ms) well before.
        var leftAt = Stopwatch.StartNew();
        int before, afterLeaving;
        do
        {
            before = model.Produced;
            await Task.Delay(400);
            afterLeaving = model.Produced;
        }
        while (afterLeaving != before && leftAt.Elapsed < TimeSpan.FromSeconds(8));
        Assert.Equal(before, afterLeaving);
        Assert.True(afterLeaving < 600, $"{afterLeaving} tokens sampled");
    }

    [Fact]
    public async Task One_caller_leaving_takes_only_its_row_out_of_the_batch()
    {
        // Three streams share the model's batch; the first caller leaves after 3 tokens, the others get all theirs.
        using var leaver = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = Gateway.BaseAddress };
        leaver.DefaultRequestHeaders.Add(AigcMesh.Gateway.Security.ApiKeyAuthenticationHandler.HeaderName, GatewayHost.ApiKey);
        async Task<JsonElement?> StreamAsync(HttpClient http, int seed, int leaveAfter)
        {
            var url = $"/api/generations/stream?modelId={fixture.Model.ModelId}&prompt=Hi&maxNewTokens=60&seed={seed}";
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
            var seen = 0;
            await foreach (var e in ServerSentEvents.ReadAsync(await response.Content.ReadAsStreamAsync()))
            {
                if (e.Type == "token" && ++seen == leaveAfter) return null; // disposing the response leaves
                if (e.Type is "done" or "error") return e.Data;
            }
            return null;
        }

        var staying = new[] { StreamAsync(Gateway, 32, 0), StreamAsync(Gateway, 33, 0) };
        await Task.Delay(100);
        Assert.Null(await StreamAsync(leaver, 31, 3));
        var model = fixture.Loader.LastTextModel!;
        var done = await Task.WhenAll(staying);

        foreach (var d in done)
        {
            Assert.Equal(60, d!.Value.GetProperty("tokenCount").GetInt32());
            Assert.Equal("length", d.Value.GetProperty("finishReason").GetString());
        }
        var left = model.ProducedFor(31);
        Assert.True(left < 30, $"the leaver's row produced {left} tokens");
        Assert.Equal(60, model.ProducedFor(32));
        Assert.Equal(60, model.ProducedFor(33));
    }

    [Fact]
    public async Task Text_limits_are_refused_naming_the_limit()
    {
        var tooLong = new TextRequest(new string('a', 4001));
        using var prompt = await Gateway.PostAsJsonAsync("/api/generations", new GenerationRequest(fixture.Model.ModelId, Text: tooLong), Api.Json);
        Assert.Equal(HttpStatusCode.BadRequest, prompt.StatusCode);
        Assert.Contains("Generator:Limits:MaxPromptChars", await prompt.Content.ReadAsStringAsync());

        using var tokens = await Gateway.GetAsync($"/api/generations/stream?modelId={fixture.Model.ModelId}&prompt=a&maxNewTokens=5000");
        Assert.Equal(HttpStatusCode.BadRequest, tokens.StatusCode);
        Assert.Contains("Generator:Limits:MaxNewTokens", await tokens.Content.ReadAsStringAsync());

        using var stops = await Gateway.PostAsJsonAsync("/api/generations", new GenerationRequest(fixture.Model.ModelId, Text: new TextRequest("a", Stop: Enumerable.Repeat("x", 9).ToList())), Api.Json);
        Assert.Equal(HttpStatusCode.BadRequest, stops.StatusCode);
        Assert.Contains("Generator:Limits:MaxStopStrings", await stops.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_long_text_request_becomes_a_job_with_its_text_stored()
    {
        using var accepted = await Gateway.PostAsJsonAsync("/api/generations", new GenerationRequest(fixture.Model.ModelId, Text: new TextRequest("Hi", 80, Seed: 2)), Api.Json);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        GenerationView? job = null;
        for (var i = 0; i < 200 && job?.Status is not (GenerationStatus.Completed or GenerationStatus.Failed); i++)
        {
            await Task.Delay(100);
            job = await Gateway.GetFromJsonAsync<GenerationView>(accepted.Headers.Location!.ToString(), Api.Json);
        }
        Assert.Equal(GenerationStatus.Completed, job!.Status);
        var text = await Gateway.GetStringAsync(job.Files[0]);
        Assert.False(string.IsNullOrEmpty(text));
    }
}

/// <summary>Reads Server-Sent Events ("event:" and "data:" lines, blank line ends one).</summary>
public static class ServerSentEvents
{
    public static async IAsyncEnumerable<(string Type, JsonElement Data)> ReadAsync(Stream stream)
    {
        using var reader = new StreamReader(stream);
        string? type = null, data = null;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal)) type = line[7..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) data = line[6..];
            else if (line.Length == 0 && type is not null)
            {
                yield return (type, JsonDocument.Parse(data ?? "null").RootElement.Clone());
                (type, data) = (null, null);
            }
        }
    }
}
