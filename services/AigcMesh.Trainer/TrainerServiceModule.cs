using AigcMesh.Hosting;
using AigcMesh.Trainer.Api;
using AigcMesh.Trainer.Consumers;
using AigcMesh.Trainer.Data;
using AigcMesh.Trainer.Leases;
using AigcMesh.Trainer.Registry;
using AigcMesh.Trainer.Runs;
using MassTransit;

namespace AigcMesh.Trainer;

/// <summary>Everything the trainer service adds to a host; called by its Program.cs and by the embedded host.</summary>
public static class TrainerServiceModule
{
    public const string ServiceName = "trainer";

    public static IHostApplicationBuilder AddTrainerService(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<TrainerDbContext>("trainer.db");
        var options = builder.Configuration.GetSection(TrainerOptions.Section).Get<TrainerOptions>() ?? new TrainerOptions();
        var storage = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        var runsDirectory = Path.GetFullPath(options.RunsDirectory ?? Path.Combine(storage.ResolvedArtifactDirectory, "trainer-runs"));
        builder.Services.AddSingleton(options);
        builder.Services.Configure<HostOptions>(host =>
        {
            var needed = TimeSpan.FromSeconds(options.ShutdownCheckpointSeconds + 10);
            if (host.ShutdownTimeout < needed) host.ShutdownTimeout = needed;
        });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new RunLeases(runsDirectory, options.ResolveInstanceId(), TimeSpan.FromSeconds(options.LeaseStaleSeconds)));
        builder.Services.AddSingleton<RunEventHub>();
        builder.Services.AddSingleton<RunRegistry>();
        builder.Services.AddSingleton<RunRequestValidator>();
        builder.Services.AddSingleton<RunCancellation>();
        builder.Services.AddSingleton<RunHost>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RunHost>());
        builder.Services.AddHostedService<StaleRunSweeper>();
        return builder;
    }

    public static IBusRegistrationConfigurator AddTrainerConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<StartTrainingConsumer, StartTrainingConsumerDefinition>();
        bus.AddConsumer<TrainerFactsConsumer, TrainerFactsConsumerDefinition>();
        return bus;
    }

    public static IEndpointRouteBuilder MapTrainerApi(this IEndpointRouteBuilder app)
    {
        app.MapRunsApi();
        app.MapModelsApi();
        app.MapSweepsApi();
        return app;
    }
}
