using AigcMesh.Dataset.Data;
using AigcMesh.Hosting;
using MassTransit;

namespace AigcMesh.Dataset;

/// <summary>Everything the dataset service adds to a host; called by its Program.cs and by the embedded host.</summary>
public static class DatasetServiceModule
{
    public const string ServiceName = "dataset";

    public static IHostApplicationBuilder AddDatasetService(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<DatasetDbContext>("dataset.db");
        return builder;
    }

    public static IBusRegistrationConfigurator AddDatasetConsumers(this IBusRegistrationConfigurator bus)
    {
        return bus;
    }

    public static IEndpointRouteBuilder MapDatasetApi(this IEndpointRouteBuilder app)
    {
        return app;
    }
}
