using AigcMesh.Hosting;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AigcMesh.Hosting.Tests;

/// <summary>A service host built with the real hosting defaults, on a free loopback port.</summary>
public static class TestServiceHost
{
    public static WebApplication Build(
        string serviceName,
        string dataDirectory,
        MessagingTransport transport,
        string? rabbitMqUrl,
        Action<IBusRegistrationConfigurator> consumers,
        Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration["Messaging:Transport"] = transport.ToString();
        builder.Configuration["Messaging:RabbitMqUrl"] = rabbitMqUrl ?? "";
        builder.Configuration["Storage:DataDirectory"] = dataDirectory;
        builder.AddServiceDefaults(serviceName);
        configure?.Invoke(builder);
        builder.AddMessaging(consumers);
        var app = builder.Build();
        app.UseServiceDefaults();
        return app;
    }
}

/// <summary>Records the messages it consumes, so a test can wait for one.</summary>
public sealed class Received<T>
    where T : class
{
    private readonly TaskCompletionSource<T> first = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Add(T message) => first.TrySetResult(message);

    public Task<T> First(TimeSpan timeout) => first.Task.WaitAsync(timeout);
}

public sealed class RecordingConsumer<T>(Received<T> received) : IConsumer<T>
    where T : class
{
    public Task Consume(ConsumeContext<T> context)
    {
        received.Add(context.Message);
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class RabbitMqCollection : ICollectionFixture<AigcMesh.Testing.RabbitMqBroker>
{
    public const string Name = "rabbitmq";
}
