using AigcMesh.Testing;

namespace AigcMesh.Embedded.Tests;

/// <summary>The platform's main job in one command: `aigcmesh pipeline` on the built-in images, through the gateway.</summary>
public sealed class The_pipeline_command : IDisposable
{
    private readonly TempDirectory data = new();

    [Fact]
    public async Task Imports_trains_evaluates_and_generates_on_the_built_in_images_and_writes_the_content_out()
    {
        await using var mesh = await EmbeddedMesh.StartAsync([], new Dictionary<string, string?>
        {
            ["Embedded:DataDirectory"] = data.Path,
            ["Embedded:GatewayUrl"] = "http://127.0.0.1:0",
            ["Embedded:BackendUrl"] = "http://127.0.0.1:0",
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));

        var exitCode = await PipelineCommand.RunAsync(mesh, ["images"], mesh.DataDirectory, timeout.Token);

        Assert.Equal(0, exitCode);
        var written = Assert.Single(Directory.GetDirectories(Path.Combine(data.Path, "pipelines")));
        Assert.True(File.Exists(Path.Combine(written, "grid.png")));
        var samples = Directory.GetFiles(written, "sample-*.png");
        Assert.NotEmpty(samples);
        Assert.All(samples, s => Assert.Equal(0x89, File.ReadAllBytes(s)[0]));
    }

    public void Dispose() => data.Dispose();
}
