using AigcMesh.Contracts.Evaluation;
using AigcMesh.Contracts.Training;
using AigcMesh.Evaluation;
using AigcMesh.Evaluator.Data;
using AigcMesh.Evaluator.Evaluations;
using AigcMesh.Hosting;
using AigcMesh.Models;
using AigcMesh.Testing;
using MassTransit;
using MassTransit.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AigcMesh.Evaluator.Tests.Service;

/// <summary>A model is evaluated on ModelRegistered and again on the pipeline's EvaluateModel: the work is done once.</summary>
[Collection(EvaluationDataCollection.Name)]
public sealed class Duplicate_evaluations(EvaluationData fixture) : IDisposable
{
    private readonly TempDirectory data = new();

    [Fact]
    public async Task Run_once_per_model_and_settings_and_answer_every_requester_with_its_own_ids()
    {
        await using var app = await StartWithHarnessAsync();
        var harness = app.Services.GetRequiredService<ITestHarness>();
        var store = app.Services.GetRequiredService<EvaluationStore>();
        // A text model: its evaluation takes seconds (an image model's first one trains the data set's feature network).
        var (model, config, weights) = fixture.Lstm(steps: 0);
        model.Dispose();
        var registered = new ModelRegistered(Guid.NewGuid(), Guid.NewGuid(), 1, ModelFamilies.Lstm, fixture.TextDatasetId, Guid.NewGuid(), fixture.Store.Put(weights).ToString(), config, new Dictionary<string, double>());
        var fromPipeline = new EvaluateModel(Guid.NewGuid(), Guid.NewGuid(), registered.ModelId, 64);
        var otherSettings = new EvaluateModel(Guid.NewGuid(), Guid.NewGuid(), registered.ModelId, 32);

        await harness.Bus.Publish(registered);
        await harness.Bus.Publish(fromPipeline);
        var auto = await CompletedFor(harness, registered.CorrelationId);
        var piped = await CompletedFor(harness, fromPipeline.CorrelationId);

        Assert.Equal(fromPipeline.EvaluationId, piped.EvaluationId);
        Assert.NotEqual(auto.EvaluationId, piped.EvaluationId);
        Assert.Equal(auto.Metrics, piped.Metrics);
        Assert.Equal(auto.Baselines, piped.Baselines);
        var records = (await store.ListAsync(registered.ModelId, CancellationToken.None)).ToDictionary(v => v.EvaluationId);
        var ran = records.Values.Where(v => v.ReusedFrom is null).ToList();
        Assert.Single(ran);
        Assert.Equal(ran[0].EvaluationId, records.Values.Single(v => v.ReusedFrom is not null).ReusedFrom);
        Assert.All(records.Values, v => Assert.Equal("completed", v.Status));

        // After completion a third request with the same settings is answered from the stored report; other settings run.
        var late = new EvaluateModel(Guid.NewGuid(), Guid.NewGuid(), registered.ModelId, 64);
        await harness.Bus.Publish(late);
        await harness.Bus.Publish(otherSettings);
        var lateAnswer = await CompletedFor(harness, late.CorrelationId);
        var otherAnswer = await CompletedFor(harness, otherSettings.CorrelationId);
        Assert.Equal(auto.Metrics, lateAnswer.Metrics);
        Assert.Equal(ran[0].EvaluationId, (await store.FindAsync(late.EvaluationId, CancellationToken.None))!.ReusedFromEvaluationId);
        Assert.Equal(registered.DatasetId, otherAnswer.DatasetId);
        Assert.Null((await store.FindAsync(otherSettings.EvaluationId, CancellationToken.None))!.ReusedFromEvaluationId);
        Assert.Equal(4, harness.Published.Select<EvaluationCompleted>().Count(p => p.Context.Message.ModelId == registered.ModelId));
    }

    [Fact]
    public async Task Follow_a_running_evaluation_and_complete_or_fail_with_it()
    {
        var path = Path.Combine(data.Path, "evaluator.db");
        await using var provider = new ServiceCollection()
            .AddDbContextFactory<EvaluatorDbContext>(o => o.UseSqlite($"Data Source={path};Pooling=False"))
            .BuildServiceProvider();
        var factory = provider.GetRequiredService<IDbContextFactory<EvaluatorDbContext>>();
        await using (var db = await factory.CreateDbContextAsync()) await db.Database.EnsureCreatedAsync();
        var store = new EvaluationStore(factory);
        var model = new RegisteredModel { ModelId = Guid.NewGuid(), DatasetId = "d", Family = ModelFamilies.Vae, RunId = Guid.NewGuid() };
        async Task<Guid> Request(int samples)
        {
            var id = Guid.NewGuid();
            await store.CreateAsync(new EvaluationRecord { EvaluationId = id, CorrelationId = Guid.NewGuid(), ModelId = model.ModelId, SampleCount = samples, CreatedAt = DateTimeOffset.UtcNow }, CancellationToken.None);
            return id;
        }
        var first = await Request(64);
        var second = await Request(64);
        var third = await Request(64);

        Assert.Equal(ClaimOutcome.Run, (await store.ClaimAsync(first, model, CancellationToken.None)).Outcome);
        Assert.Equal(ClaimOutcome.Following, (await store.ClaimAsync(second, model, CancellationToken.None)).Outcome);
        Assert.Equal(ClaimOutcome.Following, (await store.ClaimAsync(second, model, CancellationToken.None)).Outcome); // a redelivery
        Assert.Equal(ClaimOutcome.Run, (await store.ClaimAsync(first, model, CancellationToken.None)).Outcome); // the leader's redelivery runs again
        var report = new EvaluationReport(new Dictionary<string, double> { ["fd"] = 3 }, new Dictionary<string, double> { ["fd"] = 1 }, new Dictionary<string, string>());
        var followers = await store.CompleteAsync(first, report, 1.5, CancellationToken.None);

        Assert.Equal(second, Assert.Single(followers).EvaluationId);
        Assert.Equal(3, EvaluationStore.ToView((await store.FindAsync(second, CancellationToken.None))!).Metrics!["fd"]);
        Assert.Equal(ClaimOutcome.Finished, (await store.ClaimAsync(second, model, CancellationToken.None)).Outcome);
        Assert.Equal(ClaimOutcome.Reused, (await store.ClaimAsync(third, model, CancellationToken.None)).Outcome);

        var leader = await Request(16);
        var follower = await Request(16);
        await store.ClaimAsync(leader, model, CancellationToken.None);
        await store.ClaimAsync(follower, model, CancellationToken.None);
        var failed = await store.FailAsync(leader, "out of memory", CancellationToken.None);
        Assert.Equal("out of memory", Assert.Single(failed).FailureReason);
        var retry = await Request(16);
        Assert.Equal(ClaimOutcome.Run, (await store.ClaimAsync(retry, model, CancellationToken.None)).Outcome); // a failure is never reused
    }

    private static async Task<EvaluationCompleted> CompletedFor(ITestHarness harness, Guid correlationId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            var found = harness.Published.Select<EvaluationCompleted>().FirstOrDefault(p => p.Context.Message.CorrelationId == correlationId);
            if (found is not null) return found.Context.Message;
            await Task.Delay(50);
        }
        throw new TimeoutException($"No EvaluationCompleted for {correlationId}.");
    }

    private async Task<WebApplication> StartWithHarnessAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Messaging:Transport"] = "InMemory",
            ["Storage:DataDirectory"] = data.Path,
            ["Storage:ArtifactDirectory"] = fixture.ArtifactDirectory,
            ["Evaluator:DefaultSampleCount"] = "64",
            ["Evaluator:FeatureNetworkSteps"] = EvaluationData.FeatureSteps.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Evaluator:MaxHeldOutTokens"] = "400",
            ["Evaluator:TextSampleCount"] = "4",
            ["Evaluator:TextSampleTokens"] = "16",
        });
        builder.AddServiceDefaults(EvaluatorServiceModule.ServiceName);
        builder.AddEvaluatorService();
        builder.Services.AddMassTransitTestHarness(bus => bus.AddEvaluatorConsumers());
        var app = builder.Build();
        app.UseServiceDefaults();
        app.MapEvaluatorApi();
        await app.StartAsync();
        return app;
    }

    public void Dispose() => data.Dispose();
}
