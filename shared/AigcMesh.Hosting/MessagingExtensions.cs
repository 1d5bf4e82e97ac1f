using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AigcMesh.Hosting;

public static class MessagingExtensions
{
    /// <summary>
    /// Adds MassTransit with the transport chosen by configuration (<see cref="MessagingOptions"/>), a short
    /// immediate retry on every endpoint (then the fault goes to the endpoint's _error queue), and the
    /// correlation id of each consumed message pushed onto every log line written while it is handled.
    /// </summary>
    public static IHostApplicationBuilder AddMessaging(
        this IHostApplicationBuilder builder,
        Action<IBusRegistrationConfigurator> registerConsumers)
    {
        var options = builder.Configuration.GetSection(MessagingOptions.Section).Get<MessagingOptions>() ?? new MessagingOptions();
        builder.Services.AddSingleton(options);

        builder.Services.AddMassTransit(bus =>
        {
            bus.SetKebabCaseEndpointNameFormatter();
            bus.ConfigureUsageTelemetryOptions(telemetry => telemetry.Enabled = options.UsageTelemetry);
            registerConsumers(bus);
            bus.AddConfigureEndpointsCallback((_, _, endpoint) =>
            {
                if (options.ImmediateRetries > 0)
                {
                    endpoint.UseMessageRetry(retry => retry.Immediate(options.ImmediateRetries));
                }
            });

            switch (options.Transport)
            {
                case MessagingTransport.InMemory:
                    bus.UsingInMemory((context, cfg) =>
                    {
                        cfg.UseConsumeFilter(typeof(CorrelationLogContextFilter<>), context);
                        cfg.ConfigureEndpoints(context);
                    });
                    break;
                case MessagingTransport.RabbitMq:
                    bus.UsingRabbitMq((context, cfg) =>
                    {
                        cfg.Host(new Uri(options.RabbitMqUrl));
                        cfg.UseConsumeFilter(typeof(CorrelationLogContextFilter<>), context);
                        cfg.ConfigureEndpoints(context);
                    });
                    break;
                default:
                    throw new InvalidOperationException($"Unknown messaging transport '{options.Transport}'.");
            }
        });

        builder.Services.AddOptions<MassTransitHostOptions>().Configure(o =>
        {
            o.WaitUntilStarted = false;
            o.StopTimeout = TimeSpan.FromSeconds(10);
        });
        return builder;
    }
}
