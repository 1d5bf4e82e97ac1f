using AigcMesh.Dataset.Api;
using AigcMesh.Dataset.Consumers;
using AigcMesh.Dataset.Data;
using AigcMesh.Dataset.Importing;
using AigcMesh.Dataset.Usage;
using AigcMesh.Hosting;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AigcMesh.Dataset;

/// <summary>Everything the dataset service adds to a host; called by its Program.cs and by the embedded host.</summary>
public static class DatasetServiceModule
{
    public const string ServiceName = "dataset";

    public static IHostApplicationBuilder AddDatasetService(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<DatasetDbContext>("dataset.db");
        var options = builder.Configuration.GetSection(DatasetOptions.Section).Get<DatasetOptions>() ?? new DatasetOptions();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(new ImportPathGuard(options.ResolvedImportRoots));
        var storage = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        builder.Services.AddSingleton(new UploadStaging(storage.ResolvedArtifactDirectory));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<DatasetImportService>();
        builder.Services.AddSingleton<RunUsageTracker>();
        builder.Services.AddSingleton<DatasetDeletion>();
        builder.Services.AddSingleton<UploadReceiver>();
        return builder;
    }

    public static IBusRegistrationConfigurator AddDatasetConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<ImportDatasetConsumer, ImportDatasetConsumerDefinition>();
        bus.AddConsumer<DatasetRunUsageConsumer>();
        return bus;
    }

    public static IEndpointRouteBuilder MapDatasetApi(this IEndpointRouteBuilder app)
    {
        app.MapDatasetEndpoints();
        return app;
    }
}
