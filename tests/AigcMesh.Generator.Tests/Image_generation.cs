using System.Net;
using System.Net.Http.Json;
using AigcMesh.Generator.Api;

namespace AigcMesh.Generator.Tests;

public sealed class Image_generation(ImageFixture fixture) : IClassFixture<ImageFixture>
{
    private HttpClient Http => fixture.Host.Http;

    [Fact]
    public async Task Same_seed_gives_the_same_images_and_each_image_depends_on_its_own_seed_only()
    {
        var first = await Api.ImagesAsync(Http, fixture.Plain.ModelId, 3, seed: 40);
        var again = await Api.ImagesAsync(Http, fixture.Plain.ModelId, 3, seed: 40);
        var other = await Api.ImagesAsync(Http, fixture.Plain.ModelId, 1, seed: 41);
        var different = await Api.ImagesAsync(Http, fixture.Plain.ModelId, 1, seed: 99);

        Assert.Equal(3, first.Images.Count);
        Assert.Equal(first.Images, again.Images);
        Assert.Equal(first.Grid, again.Grid);
        Assert.Equal(first.Images[1], other.Images[0]); // image i of a request is the image of seed + i
        Assert.NotEqual(first.Images[0], different.Images[0]);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], first.Grid[..4]);
    }

    [Fact]
    public async Task Under_batching_every_caller_gets_exactly_its_own_images()
    {
        var seeds = Enumerable.Range(0, 24).Select(i => 1000L + 10 * i).ToList();
        var alone = new Dictionary<long, ImagesResponse>();
        foreach (var seed in seeds) alone[seed] = await Api.ImagesAsync(Http, fixture.Plain.ModelId, 1 + (int)(seed % 3), seed);

        var together = await Task.WhenAll(seeds.Select(seed => Api.ImagesAsync(Http, fixture.Plain.ModelId, 1 + (int)(seed % 3), seed)));

        Assert.Contains(together, r => r.BatchRequests > 1);
        for (var i = 0; i < seeds.Count; i++) Assert.Equal(alone[seeds[i]].Images, together[i].Images);
    }

    [Fact]
    public async Task Interpolation_walks_from_the_first_seed_to_the_second()
    {
        var path = await Api.ImagesAsync(Http, fixture.Plain.ModelId, 5, seed: 7, to: 8);
        var from = await Api.ImagesAsync(Http, fixture.Plain.ModelId, 1, seed: 7);
        var to = await Api.ImagesAsync(Http, fixture.Plain.ModelId, 1, seed: 8);

        Assert.Equal(5, path.Images.Count);
        Assert.Equal(from.Images[0], path.Images[0]);
        Assert.Equal(to.Images[0], path.Images[^1]);
        Assert.NotEqual(path.Images[0], path.Images[2]);
    }

    [Fact]
    public async Task A_class_label_conditions_the_images_of_a_conditional_model()
    {
        var zero = await Api.ImagesAsync(Http, fixture.Conditional.ModelId, 2, seed: 3, label: 0);
        var one = await Api.ImagesAsync(Http, fixture.Conditional.ModelId, 2, seed: 3, label: 1);
        Assert.NotEqual(zero.Images[0], one.Images[0]);

        using var outOfRange = await Http.PostAsJsonAsync("/api/generations", new GenerationRequest(fixture.Conditional.ModelId, new ImageRequest(1, 3, 99)), Api.Json);
        Assert.Equal(HttpStatusCode.BadRequest, outOfRange.StatusCode);
        Assert.Contains("images.classLabel", await outOfRange.Content.ReadAsStringAsync());
        using var unconditional = await Http.PostAsJsonAsync("/api/generations", new GenerationRequest(fixture.Plain.ModelId, new ImageRequest(1, 3, 0)), Api.Json);
        Assert.Equal(HttpStatusCode.BadRequest, unconditional.StatusCode);
    }

    [Theory]
    [InlineData(0, "images.count")]
    [InlineData(65, "Generator:Limits:MaxImages")]
    public async Task Counts_outside_the_limits_are_refused_naming_the_limit(int count, string named)
    {
        using var response = await Http.PostAsJsonAsync("/api/generations", new GenerationRequest(fixture.Plain.ModelId, new ImageRequest(count)), Api.Json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(named, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_unknown_model_is_404_and_a_text_request_to_an_image_model_is_400()
    {
        using var unknown = await Http.PostAsJsonAsync("/api/generations", new GenerationRequest(Guid.NewGuid(), new ImageRequest()), Api.Json);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        using var wrong = await Http.PostAsJsonAsync("/api/generations", new GenerationRequest(fixture.Plain.ModelId, Text: new TextRequest("hi")), Api.Json);
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("text", await wrong.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_grid_alone_comes_as_a_png_when_asked_for()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/generations") { Content = JsonContent.Create(new GenerationRequest(fixture.Plain.ModelId, new ImageRequest(4, 5)), options: Api.Json) };
        request.Headers.Accept.ParseAdd("image/png");
        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((await Api.ImagesAsync(Http, fixture.Plain.ModelId, 4, 5)).Grid, await response.Content.ReadAsByteArrayAsync());
        Assert.True(response.Headers.Contains("X-Model-Milliseconds"));
    }

    [Fact]
    public async Task A_large_request_becomes_a_job_whose_images_are_stored_and_listed_per_model()
    {
        using var accepted = await Http.PostAsJsonAsync("/api/generations", new GenerationRequest(fixture.Plain.ModelId, new ImageRequest(12, 500)), Api.Json);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var location = accepted.Headers.Location!.ToString();

        GenerationView? job = null;
        for (var i = 0; i < 200 && job?.Status is not (GenerationStatus.Completed or GenerationStatus.Failed); i++)
        {
            await Task.Delay(100);
            job = await Http.GetFromJsonAsync<GenerationView>(location, Api.Json);
        }

        Assert.Equal(GenerationStatus.Completed, job!.Status);
        Assert.Equal(12, job.ArtifactIds.Count);
        var sync = await Api.ImagesAsync(Http, fixture.Plain.ModelId, 4, seed: 508); // images 8..11 of the job came in its second chunk
        Assert.Equal(sync.Images[3], await Http.GetByteArrayAsync(job.Files[11]));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], (await Http.GetByteArrayAsync(job.Files[^1]))[..4]);

        var listed = await Http.GetFromJsonAsync<List<GenerationView>>($"/api/generations?modelId={fixture.Plain.ModelId}", Api.Json);
        Assert.Contains(listed!, g => g.GenerationId == job.GenerationId);
        var otherModel = await Http.GetFromJsonAsync<List<GenerationView>>($"/api/generations?modelId={fixture.Conditional.ModelId}", Api.Json);
        Assert.DoesNotContain(otherModel!, g => g.GenerationId == job.GenerationId);
    }
}
