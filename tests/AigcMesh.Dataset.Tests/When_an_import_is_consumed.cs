using AigcMesh.Contracts.Datasets;
using AigcMesh.Contracts.Training;
using AigcMesh.Dataset.Consumers;
using AigcMesh.Dataset.Data;
using AigcMesh.Dataset.Usage;
using AigcMesh.Datasets;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;

namespace AigcMesh.Dataset.Tests;

/// <summary>The message flows of the dataset service, on MassTransit's test harness.</summary>
public sealed class When_an_import_is_consumed : IAsyncLifetime
{
    private DatasetHost host = null!;
    private ITestHarness harness = null!;

    public async Task InitializeAsync()
    {
        host = await DatasetHost.StartAsync(DatasetHost.Bus.Harness);
        harness = host.App.Services.GetRequiredService<ITestHarness>();
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    private static ImportDataset Command(DatasetSourceKind kind, string? path = null, IReadOnlyList<string>? uploads = null, DatasetImportOptions? options = null) =>
        new(Guid.NewGuid(), Guid.NewGuid(), "test", kind, uploads ?? [], path, options ?? new DatasetImportOptions());

    [Fact]
    public void The_import_queue_is_named_import_dataset()
    {
        Assert.Equal("import-dataset", KebabCaseEndpointNameFormatter.Instance.Consumer<ImportDatasetConsumer>());
    }

    [Fact]
    public async Task A_built_in_import_publishes_DatasetImported_and_records_the_data_set()
    {
        var command = Command(DatasetSourceKind.SyntheticImages);
        await harness.Bus.Publish(command);

        var imported = await ImportedAsync(command.ImportId);
        Assert.Equal(command.CorrelationId, imported.CorrelationId);
        Assert.Equal((DatasetModality.Image, 4, 512L), (imported.Modality, imported.ClassCount, imported.TrainCount + imported.ValidationCount + imported.TestCount));
        using var dataset = DatasetReader.OpenImages(host.Store, imported.DatasetId);
        Assert.Equal(4, dataset.ClassCount);
        var job = await host.QueryAsync(db => db.Imports.SingleAsync(j => j.Id == command.ImportId));
        Assert.Equal((ImportState.Succeeded, imported.DatasetId), (job.State, job.DatasetId));
    }

    [Fact]
    public async Task A_long_import_publishes_progress_before_it_ends()
    {
        var command = Command(DatasetSourceKind.Idx, "/usr/share/datasets/fashion-mnist");
        await harness.Bus.Publish(command);

        var imported = await ImportedAsync(command.ImportId);
        var progress = harness.Published.Select<DatasetImportProgressed>().Where(m => m.Context.Message.ImportId == command.ImportId).ToList();
        Assert.NotEmpty(progress);
        Assert.All(progress, p => Assert.True(p.Context.Message.ItemsTotal is null || p.Context.Message.ItemsDone <= p.Context.Message.ItemsTotal));
        Assert.Equal(70_000, imported.TrainCount + imported.ValidationCount + imported.TestCount);
    }

    [Fact]
    public async Task A_path_outside_the_import_roots_fails_with_the_reason_and_leaves_nothing()
    {
        var command = Command(DatasetSourceKind.PlainText, "/etc/passwd");
        await harness.Bus.Publish(command);

        var failed = await FailedAsync(command.ImportId);
        Assert.Contains("outside the import roots", failed.Reason);
        Assert.Equal(0, await host.QueryAsync(db => db.Datasets.CountAsync()));
        Assert.Equal((0, 0), host.StoreFiles());
    }

    [Fact]
    public async Task A_corrupt_upload_fails_with_the_reason_and_its_upload_is_removed()
    {
        var upload = host.Store.Put([0, 0, 8, 3, 0, 0, 0, 5, 0, 0]);
        var command = Command(DatasetSourceKind.Idx, uploads: [upload.Value]);
        await harness.Bus.Publish(command);

        var failed = await FailedAsync(command.ImportId);
        Assert.Contains("truncated", failed.Reason);
        Assert.False(host.Store.Exists(upload));
        Assert.Equal((0, 0), host.StoreFiles());
        var job = await host.QueryAsync(db => db.Imports.SingleAsync(j => j.Id == command.ImportId));
        Assert.Equal(ImportState.Failed, job.State);
    }

    [Fact]
    public async Task The_same_content_imported_twice_is_one_data_set()
    {
        var first = Command(DatasetSourceKind.SyntheticText, options: new DatasetImportOptions(BpeVocabularySize: 200));
        var second = first with { ImportId = Guid.NewGuid(), Name = "again" };
        await harness.Bus.Publish(first);
        await ImportedAsync(first.ImportId);
        var files = host.StoreFiles();
        await harness.Bus.Publish(second);
        var again = await ImportedAsync(second.ImportId);
        Assert.True(again.AlreadyExisted);
        Assert.Equal("test", again.Name);
        Assert.Equal(files, host.StoreFiles());
        Assert.Equal(1, await host.QueryAsync(db => db.Datasets.CountAsync()));
    }

    [Fact]
    public async Task A_run_uses_its_data_set_from_StartTraining_until_a_final_training_fact()
    {
        var tracker = host.App.Services.GetRequiredService<RunUsageTracker>();
        var dataset = new string('c', 64);
        var (run, other) = (Guid.NewGuid(), Guid.NewGuid());
        await harness.Bus.Publish(new StartTraining(Guid.NewGuid(), run, dataset, "dcgan", new Dictionary<string, string>(), new TrainingBudget(10, null), 1, DevicePreference.Cpu));
        await harness.Bus.Publish(new StartTraining(Guid.NewGuid(), other, dataset, "vae", new Dictionary<string, string>(), new TrainingBudget(10, null), 1, DevicePreference.Cpu));
        Assert.True(await harness.Consumed.Any<StartTraining>(m => m.Context.Message.RunId == other));
        await WaitForAsync(async () => (await tracker.ActiveRunsAsync(dataset, default)).Count == 2);

        await harness.Bus.Publish(new TrainingCompleted(Guid.NewGuid(), run, Guid.NewGuid(), 10, new Dictionary<string, double>()));
        await harness.Bus.Publish(new TrainingCancelled(Guid.NewGuid(), other, 3, "user"));
        await WaitForAsync(async () => (await tracker.ActiveRunsAsync(dataset, default)).Count == 0);

        // A final fact that overtakes its StartTraining still ends the run.
        var late = Guid.NewGuid();
        await harness.Bus.Publish(new TrainingFailed(Guid.NewGuid(), late, "boom"));
        Assert.True(await harness.Consumed.Any<TrainingFailed>(m => m.Context.Message.RunId == late));
        await harness.Bus.Publish(new StartTraining(Guid.NewGuid(), late, dataset, "gpt", new Dictionary<string, string>(), new TrainingBudget(10, null), 1, DevicePreference.Cpu));
        Assert.True(await harness.Consumed.Any<StartTraining>(m => m.Context.Message.RunId == late));
        Assert.Empty(await tracker.ActiveRunsAsync(dataset, default));
    }

    /// <summary>
    /// Waits until the harness has seen a published <typeparamref name="T"/> that matches. The harness answers "no" after
    /// a moment without bus activity, and a cold host can be slower than that while it imports: ask again until a deadline.
    /// </summary>
    private async Task<T> PublishedAsync<T>(Func<T, bool> match)
        where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await harness.Published.Any<T>(m => match(m.Context.Message)))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"No {typeof(T).Name} was published.");
        }
        return harness.Published.Select<T>().Select(m => m.Context.Message).First(match);
    }

    private Task<DatasetImported> ImportedAsync(Guid importId) => PublishedAsync<DatasetImported>(m => m.ImportId == importId);

    private Task<DatasetImportFailed> FailedAsync(Guid importId) => PublishedAsync<DatasetImportFailed>(m => m.ImportId == importId);

    internal static async Task WaitForAsync(Func<Task<bool>> condition, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The condition did not become true in time.");
            await Task.Delay(50);
        }
    }
}
