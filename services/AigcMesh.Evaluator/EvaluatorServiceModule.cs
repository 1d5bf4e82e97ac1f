using AigcMesh.Evaluator.Data;
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
        builder.AddPipelineService();
        return builder;
    }

    public static IBusRegistrationConfigurator AddEvaluatorConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddPipelineConsumers();
        return bus;
    }

    public static IEndpointRouteBuilder MapEvaluatorApi(this IEndpointRouteBuilder app)
    {
        app.MapPipelineApi();
        return app;
    }
}
