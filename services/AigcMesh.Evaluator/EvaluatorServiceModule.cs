using AigcMesh.Evaluation.Features;
using AigcMesh.Evaluator.Apis;
using AigcMesh.Evaluator.Consumers;
using AigcMesh.Evaluator.Data;
using AigcMesh.Evaluator.Evaluations;
using AigcMesh.Evaluator.Optimisation;
using AigcMesh.Evaluator.Registry;
using AigcMesh.Evaluator.Pipelines;
using AigcMesh.Hosting;
using MassTransit;

namespace AigcMesh.Evaluator;

/// <summary>Everything the evaluator service adds to a host; called by its Program.cs and by the embedded host.</summary>
public static class EvaluatorServiceModule
{
    public const string ServiceName = "evaluator";

    public static IHostApplicationBuilder AddEvaluatorService(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<EvaluatorDbContext>("evaluator.db");
        builder.Services.Configure<EvaluatorOptions>(builder.Configuration.GetSection(EvaluatorOptions.Section));
        builder.Services.AddSingleton<ModelRegistry>();
        builder.Services.AddSingleton<EvaluationStore>();
        builder.Services.AddSingleton<IFeatureNetworkIndex, SqliteFeatureNetworkIndex>();
        builder.Services.AddSingleton<FeatureNetworkCache>();
        builder.Services.AddSingleton<TorchThread>();
        builder.Services.AddSingleton<EvaluationRunner>();
        builder.Services.AddSingleton<EvaluationService>();
        builder.Services.AddSingleton<ContentOptimisationService>();
        builder.AddPipelineService();
        return builder;
    }

    public static IBusRegistrationConfigurator AddEvaluatorConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<ModelRegisteredConsumer, ModelRegisteredConsumerDefinition>();
        bus.AddConsumer<EvaluateModelConsumer, EvaluateModelConsumerDefinition>();
        bus.AddPipelineConsumers();
        return bus;
    }

    public static IEndpointRouteBuilder MapEvaluatorApi(this IEndpointRouteBuilder app)
    {
        app.MapEvaluationsApi();
        app.MapLeaderboardsApi();
        app.MapPipelineApi();
        return app;
    }
}
