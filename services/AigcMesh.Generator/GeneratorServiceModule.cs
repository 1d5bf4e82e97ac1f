using AigcMesh.Generator.Data;
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
        return builder;
    }

    public static IBusRegistrationConfigurator AddGeneratorConsumers(this IBusRegistrationConfigurator bus)
    {
        return bus;
    }

    public static IEndpointRouteBuilder MapGeneratorApi(this IEndpointRouteBuilder app)
    {
        return app;
    }
}
