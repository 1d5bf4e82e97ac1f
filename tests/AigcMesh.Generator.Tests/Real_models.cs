using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using AigcMesh.Contracts.Training;
using AigcMesh.Generator.Api;
using AigcMesh.Storage;
using AigcMesh.Testing;

namespace AigcMesh.Generator.Tests;

/// <summary>A generator with the model library's own loader, serving a tiny GPT, a tiny LSTM and a tiny VAE, behind the gateway.</summary>
public sealed class RealModelsFixture : IAsyncLifetime
{
    private readonly TempDirectory directory = new();

    public GeneratorHost Host { get; private set; } = null!;
    public GatewayHost Gateway { get; private set; } = null!;
    public ModelRegistered Gpt { get; private set; } = null!;
    public ModelRegistered Lstm { get; private set; } = null!;
    public ModelRegistered Vae { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var artifacts = Path.Combine(directory.Path, "artifacts");
        var store = new ArtifactStore(artifacts);
        Gpt = await TinyModels.GptAsync(store);
        Lstm = await TinyModels.LstmAsync(store);
        Vae = await TinyModels.VaeAsync(store);
        Host = await GeneratorHost.StartAsync(Path.Combine(directory.Path, "generator"), artifacts);
        Gateway = await GatewayHost.StartAsync(Host.Address, Path.Combine(directory.Path, "gateway"));
        await Host.RegisterAsync(Gpt);
        await Host.RegisterAsync(Lstm);
        await Host.RegisterAsync(Vae);
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Host.DisposeAsync();
        directory.Dispose();
    }
}

public sealed class Real_models(RealModelsFixture fixture) : IClassFixture<RealModelsFixture>
{
    [Fact]
    public async Task A_GPT_streams_the_same_text_for_the_same_seed_and_stops_at_a_stop_string()
    {
        async Task<(List<string> Tokens, string Text, string Reason)> StreamAsync(int seed, string stop = "")
        {
            var url = $"/api/generations/stream?modelId={fixture.Gpt.ModelId}&prompt=The&maxNewTokens=40&seed={seed}&temperature=1.2&topK=20&topP=0.95"
                + (stop.Length > 0 ? $"&stop={Uri.EscapeDataString(stop)}" : "");
            using var response = await fixture.Gateway.Http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var tokens = new List<string>();
            await foreach (var e in ServerSentEvents.ReadAsync(await response.Content.ReadAsStreamAsync()))
            {
                if (e.Type == "token") tokens.Add(e.Data.GetProperty("text").GetString()!);
                if (e.Type == "done") return (tokens, e.Data.GetProperty("text").GetString()!, e.Data.GetProperty("finishReason").GetString()!);
                Assert.NotEqual("error", e.Type);
            }
            throw new InvalidOperationException("The stream ended without a done event.");
        }

        var first = await StreamAsync(11);
        var again = await StreamAsync(11);
        var other = await StreamAsync(12);

        Assert.Equal(first.Text, again.Text);
        Assert.Equal(first.Text, string.Concat(first.Tokens));
        Assert.NotEqual(first.Text, other.Text);
        Assert.Equal("length", first.Reason);

        var stop = first.Text.Substring(first.Text.Length / 2, 2);
        var stopped = await StreamAsync(11, stop);
        Assert.Equal("stop", stopped.Reason);
        Assert.Equal(first.Text[..first.Text.IndexOf(stop, StringComparison.Ordinal)], stopped.Text);
    }

    [Theory]
    [InlineData("gpt")]
    [InlineData("lstm")]
    public async Task Concurrent_text_requests_share_forward_passes_and_each_gets_the_text_it_gets_alone(string family)
    {
        var model = family == "gpt" ? fixture.Gpt : fixture.Lstm;
        string[] prompts = ["The", "A", "Once upon a time", "The sea was"];
        var requests = Enumerable.Range(0, 8).Select(i => new TextRequest(prompts[i % 4], 40 + 10 * i, 0.6 + 0.1 * i,
            TopK: i % 2 == 0 ? null : 10, TopP: i % 3 == 0 ? 0.9 : null, Stop: i == 5 ? ["e "] : null, Seed: 100 + i)).ToList();
        async Task<TextResponse> PostAsync(TextRequest request)
        {
            using var response = await fixture.Gateway.Http.PostAsJsonAsync("/api/generations", new GenerationRequest(model.ModelId, Text: request), Api.Json);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            return (await response.Content.ReadFromJsonAsync<TextResponse>(Api.Json))!;
        }

        var alone = new List<TextResponse>();
        foreach (var request in requests) alone.Add(await PostAsync(request));
        var before = await SharedPassesAsync(family);
        var together = await Task.WhenAll(requests.Select(PostAsync));
        var after = await SharedPassesAsync(family);

        for (var i = 0; i < requests.Count; i++)
        {
            Assert.Equal(alone[i].Text, together[i].Text);
            Assert.Equal(alone[i].FinishReason, together[i].FinishReason);
            Assert.Equal(alone[i].TokenCount, together[i].TokenCount);
        }
        Assert.Equal("length", together[0].FinishReason);
        Assert.True(after > before, $"forward passes shared by more than one request: {before} before, {after} after");
    }

    /// <summary>The family's forward passes that served more than one request, from /metrics.</summary>
    private async Task<double> SharedPassesAsync(string family)
    {
        var lines = (await fixture.Host.Http.GetStringAsync("/metrics")).Split('\n');
        double Value(string prefix) => lines.Where(l => l.StartsWith(prefix, StringComparison.Ordinal))
            .Select(l => double.Parse(l.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
        return Value($"aigcmesh_generator_batch_requests_count{{family=\"{family}\"}}") - Value($"aigcmesh_generator_batch_requests_bucket{{family=\"{family}\",le=\"1\"}}");
    }

    [Fact]
    public async Task A_VAE_samples_from_seeds_and_reconstructs_an_uploaded_image()
    {
        var sampled = await Api.ImagesAsync(fixture.Host.Http, fixture.Vae.ModelId, 2, seed: 1);
        Assert.Equal(sampled.Images, (await Api.ImagesAsync(fixture.Host.Http, fixture.Vae.ModelId, 2, seed: 1)).Images);

        using var form = new MultipartFormDataContent
        {
            { new StringContent(fixture.Vae.ModelId.ToString()), "modelId" },
            { new ByteArrayContent(sampled.Images[0]) { Headers = { ContentType = new MediaTypeHeaderValue("image/png") } }, "file", "x.png" },
        };
        using var response = await fixture.Host.Http.PostAsync("/api/generations/reconstructions", form);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reconstruction = (await response.Content.ReadFromJsonAsync<ImagesResponse>(Api.Json))!;
        Assert.Single(reconstruction.Images);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], reconstruction.Images[0][..4]);

        using var notAnImage = new MultipartFormDataContent
        {
            { new StringContent(fixture.Vae.ModelId.ToString()), "modelId" },
            { new ByteArrayContent("hello"u8.ToArray()), "file", "x.png" },
        };
        using var refused = await fixture.Host.Http.PostAsync("/api/generations/reconstructions", notAnImage);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }
}
