using AigcMesh.Evaluator.Pipelines.Persistence;
using AigcMesh.Hosting;
using MassTransit;
using MassTransit.Configuration;

namespace AigcMesh.Evaluator.Pipelines;

/// <summary>
/// What the pipeline adds to the evaluator service: its store (pipelines.db), its state machine on the bus and
/// its HTTP API (/api/pipelines). Called from <see cref="EvaluatorServiceModule"/>.
/// </summary>
public static class PipelineModule
{
    public static IHostApplicationBuilder AddPipelineService(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<PipelineDbContext>("pipelines.db");
        return builder;
    }

    public static IBusRegistrationConfigurator AddPipelineConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddSagaStateMachine<PipelineStateMachine, PipelineState, PipelineStateDefinition>()
            .Repository(r => r.AddPipelineSagaRepository());
        return bus;
    }

    public static IEndpointRouteBuilder MapPipelineApi(this IEndpointRouteBuilder app) => app.MapPipelineEndpoints();

    /// <summary>Registers the Sqlite saga repository for <see cref="PipelineState"/> (used by tests with the saga harness too).</summary>
    public static void AddPipelineSagaRepository(this IServiceCollection services)
    {
        services.RegisterSagaRepository<PipelineState, PipelineDbContext,
            SqliteSagaConsumeContextFactory<PipelineState, PipelineDbContext>,
            SqliteSagaRepositoryContextFactory<PipelineState, PipelineDbContext>>();
        services.RegisterQuerySagaRepository<PipelineState, SqliteSagaRepositoryContextFactory<PipelineState, PipelineDbContext>>();
        services.RegisterLoadSagaRepository<PipelineState, SqliteSagaRepositoryContextFactory<PipelineState, PipelineDbContext>>();
    }
}
