using AigcMesh.Contracts.Datasets;
using AigcMesh.Contracts.Evaluation;
using AigcMesh.Contracts.Generation;
using AigcMesh.Contracts.Pipelines;
using AigcMesh.Contracts.Training;
using AigcMesh.Models;
using MassTransit;

namespace AigcMesh.Evaluator.Pipelines;

/// <summary>
/// The pipeline: data set → training → evaluation → generation, driven by the facts the services publish and
/// sending them the usual commands. The pipeline id is the import id, run id, evaluation id and generation id
/// of its stages, which is how each fact finds its pipeline; facts about other imports, runs, evaluations and
/// generations find none and are dropped. A fact that arrives late or twice is ignored.
/// </summary>
public sealed class PipelineStateMachine : MassTransitStateMachine<PipelineState>
{
    public State Importing { get; private set; } = null!;
    public State Training { get; private set; } = null!;
    public State Evaluating { get; private set; } = null!;
    public State Generating { get; private set; } = null!;
    public State Completed { get; private set; } = null!;
    public State Failed { get; private set; } = null!;

    public Event<StartPipeline> Started { get; private set; } = null!;
    public Event<DatasetImported> DatasetImported { get; private set; } = null!;
    public Event<DatasetImportFailed> DatasetImportFailed { get; private set; } = null!;
    public Event<TrainingCompleted> TrainingCompleted { get; private set; } = null!;
    public Event<ModelRegistered> ModelRegistered { get; private set; } = null!;
    public Event<TrainingFailed> TrainingFailed { get; private set; } = null!;
    public Event<TrainingCancelled> TrainingCancelled { get; private set; } = null!;
    public Event<EvaluationCompleted> EvaluationCompleted { get; private set; } = null!;
    public Event<EvaluationFailed> EvaluationFailed { get; private set; } = null!;
    public Event<ContentGenerated> ContentGenerated { get; private set; } = null!;
    public Event<GenerationFailed> GenerationFailed { get; private set; } = null!;

    public PipelineStateMachine()
    {
        InstanceState(x => x.CurrentState);

        Event(() => Started, e =>
        {
            e.CorrelateById(c => c.Message.PipelineId);
            e.SetSagaFactory(c => new PipelineState { CorrelationId = c.Message.PipelineId });
        });
        Event(() => DatasetImported, e => Stage(e, c => c.Message.ImportId));
        Event(() => DatasetImportFailed, e => Stage(e, c => c.Message.ImportId));
        Event(() => TrainingCompleted, e => Stage(e, c => c.Message.RunId));
        Event(() => ModelRegistered, e => Stage(e, c => c.Message.RunId));
        Event(() => TrainingFailed, e => Stage(e, c => c.Message.RunId));
        Event(() => TrainingCancelled, e => Stage(e, c => c.Message.RunId));
        Event(() => EvaluationCompleted, e => Stage(e, c => c.Message.EvaluationId));
        Event(() => EvaluationFailed, e => Stage(e, c => c.Message.EvaluationId));
        Event(() => ContentGenerated, e => Stage(e, c => c.Message.GenerationId));
        Event(() => GenerationFailed, e => Stage(e, c => c.Message.GenerationId));

        OnUnhandledEvent(c => c.Ignore());

        Initially(
            When(Started)
                .Then(c => Accept(c.Saga, c.Message))
                .IfElse(c => c.Message.DatasetId is not null,
                    existing => existing
                        .ThenAsync(c => DatasetReady(c, c.Message.DatasetId!))
                        .ThenAsync(StartTraining)
                        .TransitionTo(Training),
                    import => import
                        .ThenAsync(ImportDataset)
                        .TransitionTo(Importing)));

        During(Importing,
            When(DatasetImported)
                .ThenAsync(c => DatasetReady(c, c.Message.DatasetId))
                .ThenAsync(StartTraining)
                .TransitionTo(Training),
            When(DatasetImportFailed)
                .ThenAsync(c => Fail(c, PipelineStage.Dataset, c.Message.Reason))
                .TransitionTo(Failed));

        During(Training,
            When(TrainingCompleted)
                .Then(c =>
                {
                    c.Saga.ModelId = c.Message.ModelId;
                    c.Saga.TrainingSteps = c.Message.Steps;
                }),
            // The evaluator and generator know a model from ModelRegistered, so the next stage waits for it.
            When(ModelRegistered)
                .ThenAsync(TrainingDone)
                .ThenAsync(Evaluate)
                .TransitionTo(Evaluating),
            When(TrainingFailed)
                .ThenAsync(c => Fail(c, PipelineStage.Training, c.Message.Reason))
                .TransitionTo(Failed),
            When(TrainingCancelled)
                .ThenAsync(c => Fail(c, PipelineStage.Training, $"cancelled at step {c.Message.Step}: {c.Message.Reason}"))
                .TransitionTo(Failed));

        During(Evaluating,
            When(EvaluationCompleted)
                .ThenAsync(EvaluationDone)
                .ThenAsync(Generate)
                .TransitionTo(Generating),
            When(EvaluationFailed)
                .ThenAsync(c => Fail(c, PipelineStage.Evaluation, c.Message.Reason))
                .TransitionTo(Failed));

        During(Generating,
            When(ContentGenerated)
                .ThenAsync(Complete)
                .TransitionTo(Completed),
            When(GenerationFailed)
                .ThenAsync(c => Fail(c, PipelineStage.Generation, c.Message.Reason))
                .TransitionTo(Failed));
    }

    private static void Stage<T>(IEventCorrelationConfigurator<PipelineState, T> e, Func<ConsumeContext<T>, Guid> stageId)
        where T : class
    {
        e.CorrelateById(stageId);
        e.OnMissingInstance(m => m.Discard());
    }

    private static void Accept(PipelineState saga, StartPipeline request)
    {
        saga.RequestCorrelationId = request.CorrelationId;
        saga.CreatedAt = saga.UpdatedAt = DateTimeOffset.UtcNow;
        saga.Family = request.Family;
        saga.BuiltInDataset = request.BuiltInDataset;
        saga.DatasetId = request.DatasetId;
        saga.HyperparametersJson = PipelineState.Write(request.Hyperparameters);
        saga.MaxSteps = request.Budget.MaxSteps;
        saga.MaxWallSeconds = request.Budget.MaxWallSeconds;
        saga.Seed = request.Seed;
        saga.EvaluationSampleCount = request.EvaluationSampleCount;
        saga.SampleCount = request.Samples.Count;
        saga.SamplePrompt = request.Samples.Prompt;
        saga.SampleMaxNewTokens = request.Samples.MaxNewTokens;
        saga.SampleTemperature = request.Samples.Temperature;
    }

    private static async Task ImportDataset(BehaviorContext<PipelineState, StartPipeline> c)
    {
        var builtIn = c.Message.BuiltInDataset ?? "";
        var kind = builtIn == PipelineDatasets.SyntheticText ? DatasetSourceKind.SyntheticText : DatasetSourceKind.SyntheticImages;
        var options = kind == DatasetSourceKind.SyntheticText ? new DatasetImportOptions(BpeVocabularySize: 256) : new DatasetImportOptions();
        await c.Publish(new ImportDataset(c.Saga.RequestCorrelationId, c.Saga.CorrelationId, builtIn, kind, [], null, options));
        await ChangeStage(c, PipelineStage.Dataset, PipelineStageStatus.Running, $"importing {builtIn}");
    }

    private static Task DatasetReady<T>(BehaviorContext<PipelineState, T> c, string datasetId)
        where T : class
    {
        c.Saga.DatasetId = datasetId;
        return ChangeStage(c, PipelineStage.Dataset, PipelineStageStatus.Completed, datasetId);
    }

    private static async Task StartTraining<T>(BehaviorContext<PipelineState, T> c)
        where T : class
    {
        var s = c.Saga;
        await c.Publish(new StartTraining(s.RequestCorrelationId, s.CorrelationId, s.DatasetId!, s.Family, s.Hyperparameters(),
            new TrainingBudget(s.MaxSteps, s.MaxWallSeconds), s.Seed, DevicePreference.Auto));
        await ChangeStage(c, PipelineStage.Training, PipelineStageStatus.Running, $"{s.Family}, run {s.CorrelationId}");
    }

    private static Task TrainingDone(BehaviorContext<PipelineState, ModelRegistered> c)
    {
        c.Saga.ModelId = c.Message.ModelId;
        return ChangeStage(c, PipelineStage.Training, PipelineStageStatus.Completed, $"model {c.Message.ModelId}");
    }

    private static async Task Evaluate(BehaviorContext<PipelineState, ModelRegistered> c)
    {
        var s = c.Saga;
        await c.Publish(new EvaluateModel(s.RequestCorrelationId, s.CorrelationId, s.ModelId!.Value, s.EvaluationSampleCount));
        await ChangeStage(c, PipelineStage.Evaluation, PipelineStageStatus.Running, $"{s.EvaluationSampleCount} samples");
    }

    private static Task EvaluationDone(BehaviorContext<PipelineState, EvaluationCompleted> c)
    {
        c.Saga.MetricsJson = PipelineState.Write(c.Message.Metrics);
        c.Saga.BaselinesJson = PipelineState.Write(c.Message.Baselines);
        return ChangeStage(c, PipelineStage.Evaluation, PipelineStageStatus.Completed, string.Join(", ", c.Message.Metrics.Keys.Order(StringComparer.Ordinal)));
    }

    private static async Task Generate(BehaviorContext<PipelineState, EvaluationCompleted> c)
    {
        var s = c.Saga;
        var text = ModelFamilies.ModalityOf(s.Family) == DatasetModality.Text;
        await c.Publish(new GenerateContent(s.RequestCorrelationId, s.CorrelationId, s.ModelId!.Value,
            text ? null : new ImageGenerationOptions(s.SampleCount, s.Seed),
            text ? new TextGenerationOptions(s.SamplePrompt, s.SampleMaxNewTokens, s.SampleTemperature, null, null, [], s.Seed) : null));
        await ChangeStage(c, PipelineStage.Generation, PipelineStageStatus.Running, text ? $"{s.SampleMaxNewTokens} tokens" : $"{s.SampleCount} images");
    }

    private static async Task Complete(BehaviorContext<PipelineState, ContentGenerated> c)
    {
        var s = c.Saga;
        s.ArtifactIdsJson = PipelineState.Write(c.Message.ArtifactIds);
        s.GridArtifactId = c.Message.GridArtifactId;
        s.GeneratedText = c.Message.Text;
        await ChangeStage(c, PipelineStage.Generation, PipelineStageStatus.Completed, $"{c.Message.ArtifactIds.Count} artifacts");
        await c.Publish(new PipelineCompleted(s.RequestCorrelationId, s.CorrelationId, s.DatasetId!, s.ModelId!.Value, s.Metrics(), s.Baselines(),
            s.ArtifactIds(), s.GridArtifactId, s.GeneratedText));
    }

    private static async Task Fail<T>(BehaviorContext<PipelineState, T> c, PipelineStage stage, string reason)
        where T : class
    {
        c.Saga.FailedStage = stage;
        c.Saga.FailureReason = reason;
        await ChangeStage(c, stage, PipelineStageStatus.Failed, reason);
        foreach (var later in Enum.GetValues<PipelineStage>().Where(s => s > stage)) c.Saga.SetStatus(later, PipelineStageStatus.Skipped);
        await c.Publish(new PipelineFailed(c.Saga.RequestCorrelationId, c.Saga.CorrelationId, stage, reason));
    }

    private static Task ChangeStage<T>(BehaviorContext<PipelineState, T> c, PipelineStage stage, PipelineStageStatus status, string? detail)
        where T : class
    {
        var now = DateTimeOffset.UtcNow;
        c.Saga.SetStatus(stage, status);
        c.Saga.UpdatedAt = now;
        return c.Publish(new PipelineStageChanged(c.Saga.RequestCorrelationId, c.Saga.CorrelationId, stage, status, detail, now));
    }
}
