using AigcMesh.Contracts.Datasets;
using AigcMesh.Contracts.Evaluation;
using AigcMesh.Contracts.Generation;
using AigcMesh.Contracts.Pipelines;
using AigcMesh.Contracts.Training;
using AigcMesh.Evaluator.Pipelines;
using AigcMesh.Testing;
using MassTransit;
using MassTransit.Testing;

namespace AigcMesh.Gateway.Tests.Pipelines;

public sealed class The_pipeline_state_machine : IDisposable
{
    private const string DatasetId = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private readonly TempDirectory folder = new();
    private readonly Guid correlation = Guid.NewGuid();

    private StartPipeline Start(Guid id, string family = "vae", string? datasetId = null, string? builtIn = PipelineDatasets.SyntheticImages) =>
        new(correlation, id, datasetId, datasetId is null ? builtIn : null, family, new Dictionary<string, string> { ["learning_rate"] = "0.001" },
            new TrainingBudget(50, null), 7, 64, new PipelineSampleOptions(4, "Once", 30, 0.7));

    [Fact]
    public async Task Runs_import_training_evaluation_and_generation_in_order_and_keeps_each_result()
    {
        await using var h = await PipelineHarness.StartAsync(folder);
        var id = NewId.NextGuid();
        var model = Guid.NewGuid();

        await h.Harness.Bus.Publish(Start(id));
        Assert.Equal(PipelineStageStatus.Running, (await h.WaitForAsync(id, "Importing")).DatasetStatus);
        Assert.True(await PublishedSoon<ImportDataset>(h, m => m.Context.Message.ImportId == id
            && m.Context.Message.SourceKind == DatasetSourceKind.SyntheticImages && m.Context.Message.CorrelationId == correlation));
        Assert.False(await h.Harness.Published.Any<StartTraining>(m => m.Context.Message.RunId == id));

        await h.Harness.Bus.Publish(new DatasetImported(correlation, id, DatasetId, "synthetic-images", DatasetModality.Image, 400, 50, 50, 4, false));
        var training = await h.WaitForAsync(id, "Training");
        Assert.True(await PublishedSoon<StartTraining>(h, m => m.Context.Message.RunId == id && m.Context.Message.DatasetId == DatasetId
            && m.Context.Message.Family == "vae" && m.Context.Message.Budget.MaxSteps == 50 && m.Context.Message.Hyperparameters["learning_rate"] == "0.001"));
        Assert.Equal((PipelineStageStatus.Completed, PipelineStageStatus.Running), (training.DatasetStatus, training.TrainingStatus));

        await h.Harness.Bus.Publish(new TrainingCompleted(correlation, id, model, 50, new Dictionary<string, double> { ["loss"] = 0.5 }));
        await h.Harness.Bus.Publish(new ModelRegistered(correlation, model, 1, "vae", DatasetId, id, DatasetId, new Dictionary<string, string>(), new Dictionary<string, double>()));
        await h.WaitForAsync(id, "Evaluating");
        Assert.True(await PublishedSoon<EvaluateModel>(h, m => m.Context.Message.EvaluationId == id && m.Context.Message.ModelId == model
            && m.Context.Message.SampleCount == 64));

        await h.Harness.Bus.Publish(new EvaluationCompleted(correlation, id, model, DatasetId, new Dictionary<string, double> { ["fid"] = 42.5 },
            new Dictionary<string, double> { ["real_fid"] = 3.5 }));
        await h.WaitForAsync(id, "Generating");
        Assert.True(await PublishedSoon<GenerateContent>(h, m => m.Context.Message.GenerationId == id && m.Context.Message.ModelId == model
            && m.Context.Message.Images!.Count == 4 && m.Context.Message.Text == null));

        await h.Harness.Bus.Publish(new ContentGenerated(correlation, id, model, [DatasetId], DatasetId, null, 12.5));
        var done = await h.WaitForAsync(id, "Completed");
        // The state is saved before its messages go out: wait for the publish rather than trust the harness's inactivity.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!h.Harness.Published.Select<PipelineCompleted>(m => m.Context.Message.PipelineId == id).Any() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        Assert.True(h.Harness.Published.Select<PipelineCompleted>(m => m.Context.Message.PipelineId == id && m.Context.Message.ModelId == model
            && m.Context.Message.Metrics["fid"] == 42.5 && m.Context.Message.ArtifactIds.Count == 1).Any());
        Assert.All(Enum.GetValues<PipelineStage>(), s => Assert.Equal(PipelineStageStatus.Completed, done.StatusOf(s)));
        Assert.Equal(42.5, done.Metrics()["fid"]);
        Assert.Equal(3.5, done.Baselines()["real_fid"]);
        Assert.Equal(model, done.ModelId);
        Assert.Equal(50, done.TrainingSteps);

        var changes = h.Harness.Published.Select<PipelineStageChanged>(m => m.Context.Message.PipelineId == id).Select(m => m.Context.Message).ToList();
        Assert.Equal(8, changes.Count);
    }

    [Fact]
    public async Task Trains_on_an_existing_data_set_without_importing_and_asks_text_families_for_text()
    {
        await using var h = await PipelineHarness.StartAsync(folder);
        var id = NewId.NextGuid();
        var model = Guid.NewGuid();

        await h.Harness.Bus.Publish(Start(id, "gpt", DatasetId));
        await h.WaitForAsync(id, "Training");
        Assert.True(await PublishedSoon<StartTraining>(h, m => m.Context.Message.RunId == id && m.Context.Message.DatasetId == DatasetId));
        Assert.False(await h.Harness.Published.Any<ImportDataset>(m => m.Context.Message.ImportId == id));
        await h.Harness.Bus.Publish(new ModelRegistered(correlation, model, 1, "gpt", DatasetId, id, DatasetId, new Dictionary<string, string>(), new Dictionary<string, double>()));
        await h.WaitForAsync(id, "Evaluating");
        await h.Harness.Bus.Publish(new EvaluationCompleted(correlation, id, model, DatasetId, new Dictionary<string, double> { ["bpc"] = 2.5 }, new Dictionary<string, double>()));
        await h.WaitForAsync(id, "Generating");
        Assert.True(await PublishedSoon<GenerateContent>(h, m => m.Context.Message.GenerationId == id
            && m.Context.Message.Text!.Prompt == "Once" && m.Context.Message.Text.MaxNewTokens == 30 && m.Context.Message.Images == null));
    }

    [Fact]
    public async Task Fails_at_the_stage_that_failed_skips_the_rest_and_ignores_late_facts()
    {
        await using var h = await PipelineHarness.StartAsync(folder);
        var id = NewId.NextGuid();

        await h.Harness.Bus.Publish(Start(id, datasetId: DatasetId));
        await h.WaitForAsync(id, "Training");
        await h.Harness.Bus.Publish(new TrainingFailed(correlation, id, "out of memory"));
        var failed = await h.WaitForAsync(id, "Failed");
        Assert.True(await PublishedSoon<PipelineFailed>(h, m => m.Context.Message.PipelineId == id
            && m.Context.Message.Stage == PipelineStage.Training && m.Context.Message.Reason == "out of memory"));
        Assert.Equal((PipelineStageStatus.Completed, PipelineStageStatus.Failed, PipelineStageStatus.Skipped, PipelineStageStatus.Skipped),
            (failed.DatasetStatus, failed.TrainingStatus, failed.EvaluationStatus, failed.GenerationStatus));
        Assert.Equal("out of memory", failed.FailureReason);

        await h.Harness.Bus.Publish(new ModelRegistered(correlation, Guid.NewGuid(), 1, "vae", DatasetId, id, DatasetId, new Dictionary<string, string>(), new Dictionary<string, double>()));
        Assert.True(await h.Saga.Consumed.Any<ModelRegistered>(m => m.Context.Message.RunId == id));
        Assert.False(await h.Harness.Published.Any<EvaluateModel>(m => m.Context.Message.EvaluationId == id));
        Assert.Equal("Failed", (await h.StoredAsync(id))!.CurrentState);
    }

    [Fact]
    public async Task Fails_when_the_import_fails()
    {
        await using var h = await PipelineHarness.StartAsync(folder);
        var id = NewId.NextGuid();
        await h.Harness.Bus.Publish(Start(id));
        await h.WaitForAsync(id, "Importing");
        await h.Harness.Bus.Publish(new DatasetImportFailed(correlation, id, "synthetic-images", "disk full"));
        var failed = await h.WaitForAsync(id, "Failed");
        Assert.Equal(PipelineStage.Dataset, failed.FailedStage);
        Assert.False(await h.Harness.Published.Any<StartTraining>(m => m.Context.Message.RunId == id));
    }

    [Fact]
    public async Task Ignores_facts_about_runs_that_belong_to_no_pipeline()
    {
        await using var h = await PipelineHarness.StartAsync(folder);
        var run = Guid.NewGuid();
        await h.Harness.Bus.Publish(new TrainingFailed(correlation, run, "not ours"));
        Assert.True(await h.Harness.Consumed.Any<TrainingFailed>(m => m.Context.Message.RunId == run));
        Assert.Null(await h.StoredAsync(run));
        Assert.False(await h.Harness.Published.Any<PipelineFailed>());
    }

    [Fact]
    public async Task Keeps_a_pipeline_across_a_restart_and_carries_on_from_its_stored_state()
    {
        var id = NewId.NextGuid();
        var model = Guid.NewGuid();
        await using (var before = await PipelineHarness.StartAsync(folder))
        {
            await before.Harness.Bus.Publish(Start(id, datasetId: DatasetId));
            await before.WaitForAsync(id, "Training");
        }

        await using var after = await PipelineHarness.StartAsync(folder);
        Assert.Equal("Training", (await after.StoredAsync(id))!.CurrentState);
        await after.Harness.Bus.Publish(new ModelRegistered(correlation, model, 1, "vae", DatasetId, id, DatasetId, new Dictionary<string, string>(), new Dictionary<string, double>()));
        var evaluating = await after.WaitForAsync(id, "Evaluating");
        Assert.True(await after.Harness.Published.Any<EvaluateModel>(m => m.Context.Message.EvaluationId == id && m.Context.Message.ModelId == model));
        Assert.Equal(DatasetId, evaluating.DatasetId);
        Assert.Equal(64, evaluating.EvaluationSampleCount);
    }

    [Fact]
    public async Task Does_not_start_a_pipeline_twice_for_a_repeated_command()
    {
        await using var h = await PipelineHarness.StartAsync(folder);
        var id = NewId.NextGuid();
        await h.Harness.Bus.Publish(Start(id, datasetId: DatasetId));
        await h.WaitForAsync(id, "Training");
        await h.Harness.Bus.Publish(Start(id, datasetId: DatasetId));
        Assert.Equal(2, await h.Saga.Consumed.SelectAsync<StartPipeline>(m => m.Context.Message.PipelineId == id).Count());
        Assert.Single(h.Harness.Published.Select<StartTraining>(m => m.Context.Message.RunId == id));
    }

    public void Dispose() => folder.Dispose();

    /// <summary>The saga saves its state before its messages go out: wait up to 15 s for a matching publish.</summary>
    private static async Task<bool> PublishedSoon<T>(PipelineHarness h, FilterDelegate<IPublishedMessage<T>> filter)
        where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!h.Harness.Published.Select(filter).Any())
        {
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(50);
        }
        return true;
    }
}
