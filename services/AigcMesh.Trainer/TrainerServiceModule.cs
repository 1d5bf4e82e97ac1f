using AigcMesh.Trainer.Data;
using AigcMesh.Hosting;
using MassTransit;

namespace AigcMesh.Trainer;

/// <summary>Everything the trainer service adds to a host; called by its Program.cs and by the embedded host.</summary>
public static class TrainerServiceModule
{
    public const string ServiceName = "trainer";

    public static IHostApplicationBuilder AddTrainerService(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<TrainerDbContext>("trainer.db");
        return builder;
    }

    public static IBusRegistrationConfigurator AddTrainerConsumers(this IBusRegistrationConfigurator bus)
    {
        return bus;
    }

    public static IEndpointRouteBuilder MapTrainerApi(this IEndpointRouteBuilder app)
    {
        return app;
    }
}
