using System.Net;
using System.Net.Http.Headers;
using AigcMesh.Contracts.Datasets;
using AigcMesh.Testing;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;

namespace AigcMesh.Dataset.Tests;

/// <summary>
/// Two dataset instances with their own databases and one shared artifact directory (as replicas on a shared volume):
/// the one that receives an upload is not necessarily the one that consumes its ImportDataset command.
/// </summary>
public sealed class An_upload_received_by_one_instance
{
    [Fact]
    public async Task Is_imported_by_another_with_the_file_names_it_was_uploaded_under()
    {
        using var artifacts = new TempDirectory();
        var shared = new Dictionary<string, string?> { ["Storage:ArtifactDirectory"] = artifacts.Path };
        await using var receiver = await DatasetHost.StartAsync(DatasetHost.Bus.Harness, shared, datasetConsumers: false);
        await using var importer = await DatasetHost.StartAsync(DatasetHost.Bus.Harness, shared);

        using var form = new MultipartFormDataContent();
        foreach (var (name, color) in new[] { ("cat/1.png", SKColors.Red), ("cat/2.png", SKColors.Orange), ("dog/1.png", SKColors.Blue), ("dog/2.png", SKColors.Navy) })
        {
            var content = new ByteArrayContent(Png(color));
            content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            form.Add(content, "files", name);
        }
        var accepted = await receiver.Http.PostAsync("/api/datasets/uploads?kind=image-folder&name=pets&imageSize=8&validationFraction=0&testFraction=0", form);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);

        // The command goes over the bus to whichever instance consumes it: here the other one.
        var receiverHarness = receiver.App.Services.GetRequiredService<ITestHarness>();
        Assert.True(await receiverHarness.Published.Any<ImportDataset>());
        var command = receiverHarness.Published.Select<ImportDataset>().Single().Context.Message;
        var harness = importer.App.Services.GetRequiredService<ITestHarness>();
        await harness.Bus.Publish(command);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await harness.Published.Any<DatasetImported>(m => m.Context.Message.ImportId == command.ImportId))
        {
            var failed = harness.Published.Select<DatasetImportFailed>().FirstOrDefault(m => m.Context.Message.ImportId == command.ImportId);
            Assert.True(failed is null, failed?.Context.Message.Reason);
            Assert.True(DateTime.UtcNow < deadline, "No DatasetImported within 60 s.");
        }

        var imported = harness.Published.Select<DatasetImported>().Single(m => m.Context.Message.ImportId == command.ImportId).Context.Message;
        Assert.Equal((4, 2), (imported.TrainCount, imported.ClassCount));
        var manifest = AigcMesh.Datasets.DatasetReader.ReadManifest(importer.Store, imported.DatasetId);
        Assert.Equal(["cat", "dog"], manifest.Image!.ClassNames);
        // The staged names and the uploaded files are gone once the import ended; only the data set stays.
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(artifacts.Path, "dataset-uploads")));
        Assert.All(command.SourceArtifactIds, id => Assert.False(importer.Store.Exists(AigcMesh.Storage.ArtifactId.Parse(id))));
    }

    private static byte[] Png(SKColor color)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(10, 10, SKColorType.Rgba8888, SKAlphaType.Premul));
        bitmap.Erase(color);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
