using Testcontainers.RabbitMq;
using Xunit;

namespace AigcMesh.Testing;

/// <summary>
/// A real RabbitMQ broker for transport tests. Takes the broker given in AIGC_TEST_RABBITMQ_URL (what .ci/run
/// exports after starting Debian's rabbitmq-server); without it starts one with Testcontainers; where neither
/// works it fails with a message that says how to provide one. It never passes silently without a broker.
/// Each test names its queues with <see cref="UniqueQueuePrefix"/> so runs don't mix. xunit wants a collection
/// definition in each test assembly: declare `[CollectionDefinition("rabbitmq")] class X : ICollectionFixture&lt;RabbitMqBroker&gt;`.
/// </summary>
public sealed class RabbitMqBroker : IAsyncLifetime
{
    public const string EnvironmentVariable = "AIGC_TEST_RABBITMQ_URL";
    private RabbitMqContainer? container;

    public string Url { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var given = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(given))
        {
            Url = given;
            return;
        }
        try
        {
            container = new RabbitMqBuilder("rabbitmq:3.13-management").Build();
            await container.StartAsync();
            Url = container.GetConnectionString();
        }
        catch (Exception e)
        {
            throw new InvalidOperationException(
                $"These tests need a real RabbitMQ broker. Set {EnvironmentVariable} to its AMQP address " +
                "(for example amqp://guest:guest@127.0.0.1:5672/, as .ci/run does after starting Debian's rabbitmq-server), " +
                $"or run them where Docker is available for Testcontainers. Starting a container failed: {e.Message}", e);
        }
    }

    public async Task DisposeAsync()
    {
        if (container is not null) await container.DisposeAsync();
    }

    /// <summary>A prefix for queue names that keeps one test's queues apart from another's on a shared broker.</summary>
    public static string UniqueQueuePrefix() => $"t{Guid.NewGuid():N}"[..12];
}
