using AigcMesh.Generator.Api;
using AigcMesh.Generator.Data;
using AigcMesh.Generator.Inference;
using AigcMesh.Generator.Registry;
using AigcMesh.Generator.Worker;
using AigcMesh.Hosting;
using MassTransit;

namespace AigcMesh.Generator;

/// <summary>Everything the generator service adds to a host; called by its Program.cs and by the embedded host.</summary>
public static class GeneratorServiceModule
{
    public const string ServiceName = "generator";

    public static IHostApplicationBuilder AddGeneratorService(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<GeneratorDbContext>("generator.db");
        builder.Services.Configure<GeneratorOptions>(builder.Configuration.GetSection(GeneratorOptions.Section));

        // Registry (event-carried state) and the HTTP side.
        builder.Services.AddSingleton<ModelRegistry>();
        builder.Services.AddSingleton<GenerationClient>();
        builder.Services.AddSingleton<GenerationStore>();
        builder.Services.AddSingleton<TokenStreams>();
        builder.Services.AddHostedService<TokenStreamsConnector>();
        builder.Services.AddSingleton<GenerationJobs>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<GenerationJobs>());

        // The worker side: loaded models with their inference threads.
        builder.Services.AddSingleton<IModelLoader, FamilyModelLoader>();
        builder.Services.AddSingleton<ModelCache>();
        builder.Services.AddSingleton<InFlightGenerations>();
        builder.Services.AddSingleton<GenerationWorker>();
        return builder;
    }

    public static IBusRegistrationConfigurator AddGeneratorConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<ModelRegisteredConsumer, ModelRegisteredConsumerDefinition>();
        bus.AddConsumer<GenerateContentConsumer, GenerateContentConsumerDefinition>();
        bus.AddConsumer<GenerateContentCommandConsumer>();
        // Every worker must hear every cancellation: a temporary queue per instance.
        bus.AddConsumer<CancelGenerationConsumer>().Endpoint(e =>
        {
            e.Name = $"generator-cancel-{Guid.NewGuid():N}";
            e.Temporary = true;
        });
        return bus;
    }

    public static IEndpointRouteBuilder MapGeneratorApi(this IEndpointRouteBuilder app)
    {
        app.MapGenerationsApi();
        return app;
    }
}
