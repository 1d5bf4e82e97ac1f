using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AigcMesh.Contracts.Training;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;

namespace AigcMesh.Dataset.Tests;

/// <summary>The HTTP API under /api/datasets, driven over HTTP against the running service.</summary>
public sealed class The_dataset_api(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private const string FashionMnist = "/usr/share/datasets/fashion-mnist";
    private DatasetHost Host => fixture.Host;
    private HttpClient Http => fixture.Host.Http;

    private static async Task<JsonElement> JsonOf(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private async Task<string> ImportBuiltInAsync(string name)
    {
        var response = await Http.PostAsJsonAsync("/api/datasets?wait=true", new { source = "builtin", name });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await JsonOf(response)).GetProperty("datasetId").GetString()!;
    }

    [Fact]
    public async Task A_built_in_set_imports_with_one_call_and_lists_gets_and_previews()
    {
        var images = await ImportBuiltInAsync("synthetic-images");
        var text = await ImportBuiltInAsync("synthetic-text");

        var list = await JsonOf(await Http.GetAsync("/api/datasets"));
        Assert.Contains(list.EnumerateArray(), d => d.GetProperty("id").GetString() == images && d.GetProperty("modality").GetString() == "Image");
        var details = await JsonOf(await Http.GetAsync($"/api/datasets/{images}"));
        Assert.Equal(4, details.GetProperty("manifest").GetProperty("image").GetProperty("classNames").GetArrayLength());
        Assert.Equal(3, details.GetProperty("statistics").GetProperty("splits").GetArrayLength());

        var png = await Http.GetAsync($"/api/datasets/{images}/preview?count=16");
        Assert.Equal("image/png", png.Content.Headers.ContentType!.MediaType);
        using var grid = SKBitmap.Decode(await png.Content.ReadAsByteArrayAsync());
        Assert.True(grid.Width >= 4 * 28 && grid.Height >= 4 * 28);
        var sample = await Http.GetAsync($"/api/datasets/{text}/preview?characters=300");
        Assert.Equal("text/plain", sample.Content.Headers.ContentType!.MediaType);
        Assert.InRange((await sample.Content.ReadAsStringAsync()).Length, 100, 300);
    }

    [Fact]
    public async Task An_uploaded_idx_pair_imports_once_and_the_same_bytes_again_give_the_same_data_set()
    {
        async Task<HttpResponseMessage> UploadAsync()
        {
            using var form = new MultipartFormDataContent();
            foreach (var file in new[] { "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz" })
            {
                var content = new StreamContent(File.OpenRead(Path.Combine(FashionMnist, file)));
                content.Headers.ContentType = new MediaTypeHeaderValue("application/gzip");
                form.Add(content, "files", file);
            }
            return await Http.PostAsync("/api/datasets/uploads?kind=idx&name=fashion-test&wait=true", form);
        }

        var first = await UploadAsync();
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var body = await JsonOf(first);
        var id = body.GetProperty("datasetId").GetString()!;
        var files = Host.StoreFiles();
        var dataset = await JsonOf(await Http.GetAsync($"/api/datasets/{id}"));
        Assert.Equal(10_000, dataset.GetProperty("dataset").GetProperty("trainCount").GetInt64()
            + dataset.GetProperty("dataset").GetProperty("validationCount").GetInt64() + dataset.GetProperty("dataset").GetProperty("testCount").GetInt64());
        Assert.Equal(10, dataset.GetProperty("dataset").GetProperty("classCount").GetInt32());

        var second = await UploadAsync();
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        var again = await JsonOf(second);
        Assert.Equal(id, again.GetProperty("datasetId").GetString());
        Assert.True(again.GetProperty("alreadyExisted").GetBoolean());
        Assert.Equal(files, Host.StoreFiles());
        Assert.Equal(0, files.Temporary);
    }

    [Fact]
    public async Task A_json_lines_upload_missing_its_field_is_422_with_the_reason_and_leaves_nothing()
    {
        var before = (Host.StoreFiles(), await Host.QueryAsync(db => db.Datasets.CountAsync()));
        var content = new StringContent("{\"text\":\"one\"}\n{\"body\":\"two\"}\n", Encoding.UTF8, "application/x-ndjson");
        var response = await Http.PostAsync("/api/datasets/uploads?kind=json-lines&fileName=corpus.jsonl&wait=true", content);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("corpus.jsonl line 2 has no field 'text'", (await JsonOf(response)).GetProperty("detail").GetString());
        Assert.Equal(before, (Host.StoreFiles(), await Host.QueryAsync(db => db.Datasets.CountAsync())));
    }

    [Fact]
    public async Task A_zip_with_a_traversal_entry_is_refused_with_the_reason()
    {
        using var zipBytes = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(zipBytes, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = zip.CreateEntry("../../escape/a.png").Open();
            entry.Write([1, 2, 3]);
        }
        var before = Host.StoreFiles();
        var response = await Http.PostAsync("/api/datasets/uploads?kind=image-folder&wait=true", new ByteArrayContent(zipBytes.ToArray()));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("outside the folder", (await JsonOf(response)).GetProperty("detail").GetString());
        Assert.Equal(before, Host.StoreFiles());
    }

    [Fact]
    public async Task An_upload_over_the_size_limit_is_413_and_leaves_no_temporary_file()
    {
        var before = Host.StoreFiles();
        // Kestrel closes a connection whose request body it refused to read; "Connection: close" keeps these requests
        // off the shared client's pool, so the next test cannot pick up the closing connection.
        var oversized = new HttpRequestMessage(HttpMethod.Post, "/api/datasets/uploads?kind=plain-text") { Content = new StreamContent(new MemoryStream(new byte[9 << 20])) };
        oversized.Headers.ConnectionClose = true;
        var response = await Http.SendAsync(oversized);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("limit", (await JsonOf(response)).GetProperty("detail").GetString());

        // Without a Content-Length the limit stops the copy itself.
        var chunked = new StreamContent(new MemoryStream(new byte[9 << 20]));
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/datasets/uploads?kind=plain-text") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        request.Headers.ConnectionClose = true;
        var streamed = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, streamed.StatusCode);
        Assert.Equal(before, Host.StoreFiles());
    }

    [Theory]
    [InlineData("/etc/passwd", HttpStatusCode.Forbidden)]
    [InlineData("/usr/share/datasets/../../../etc/passwd", HttpStatusCode.Forbidden)]
    [InlineData("relative/path", HttpStatusCode.Forbidden)]
    [InlineData("/usr/share/datasets/no-such-folder", HttpStatusCode.NotFound)]
    public async Task A_server_path_outside_the_import_roots_is_refused(string path, HttpStatusCode status)
    {
        var response = await Http.PostAsJsonAsync("/api/datasets", new { source = "path", kind = "plain-text", path });
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task A_symbolic_link_inside_an_import_root_cannot_lead_outside()
    {
        var link = Path.Combine(Host.ImportRoot.Path, "etc-link");
        File.CreateSymbolicLink(link, "/etc");
        var response = await Http.PostAsJsonAsync("/api/datasets", new { source = "path", kind = "plain-text", path = Path.Combine(link, "hostname") });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("symbolic link", (await JsonOf(response)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Bad_requests_are_validation_problems()
    {
        var badKind = await Http.PostAsJsonAsync("/api/datasets", new { source = "path", kind = "bmp", path = "/usr/share/datasets" });
        var badBuiltIn = await Http.PostAsJsonAsync("/api/datasets", new { source = "builtin", name = "mnist" });
        var badOptions = await Http.PostAsJsonAsync("/api/datasets", new { source = "builtin", name = "synthetic-images", options = new { channels = 2, validationFraction = 0.7, testFraction = 0.5 } });
        foreach (var response in new[] { badKind, badBuiltIn, badOptions })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.True((await JsonOf(response)).TryGetProperty("errors", out _));
        }
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync($"/api/datasets/{new string('a', 64)}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/api/datasets/..%2F..%2Fetc/preview")).StatusCode);
    }

    [Fact]
    public async Task Delete_is_refused_while_a_run_uses_the_data_set_and_then_removes_it()
    {
        var id = await ImportBuiltInAsync("synthetic-text");
        var bus = Host.App.Services.GetRequiredService<IBus>();
        var run = Guid.NewGuid();
        await bus.Publish(new StartTraining(Guid.NewGuid(), run, id, "gpt", new Dictionary<string, string>(), new TrainingBudget(5, null), 1, DevicePreference.Cpu));
        var tracker = Host.App.Services.GetRequiredService<AigcMesh.Dataset.Usage.RunUsageTracker>();
        await When_an_import_is_consumed.WaitForAsync(async () => (await tracker.ActiveRunsAsync(id, default)).Contains(run));
        var refused = await Http.DeleteAsync($"/api/datasets/{id}");
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var conflict = await JsonOf(refused);
        Assert.Contains(run.ToString(), conflict.GetProperty("detail").GetString());

        await bus.Publish(new TrainingCompleted(Guid.NewGuid(), run, Guid.NewGuid(), 5, new Dictionary<string, double>()));
        await When_an_import_is_consumed.WaitForAsync(async () => (await tracker.ActiveRunsAsync(id, default)).Count == 0);
        Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync($"/api/datasets/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync($"/api/datasets/{id}")).StatusCode);
        Assert.False(Host.Store.Exists(AigcMesh.Storage.ArtifactId.Parse(id)));
        await When_an_import_is_consumed.WaitForAsync(() => Task.FromResult(DeletedRecorder.Seen.Any(d => d.DatasetId == id)));
    }

    [Fact]
    public async Task A_long_import_reports_progress_as_server_sent_events_until_it_ends()
    {
        var accepted = await Http.PostAsJsonAsync("/api/datasets", new { source = "path", kind = "idx", path = FashionMnist, name = "fashion", options = new { seed = 99 } });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var location = accepted.Headers.Location!.ToString();
        Assert.StartsWith("/api/datasets/imports/", location);

        using var events = await Http.GetAsync($"{location}/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", events.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await events.Content.ReadAsStreamAsync());
        var types = new List<string>();
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal)) types.Add(line["event: ".Length..]);
        }
        Assert.Contains("progress", types);
        Assert.Equal("imported", types[^1]);
        var status = await JsonOf(await Http.GetAsync(location));
        Assert.Equal("succeeded", status.GetProperty("state").GetString());
    }
}
