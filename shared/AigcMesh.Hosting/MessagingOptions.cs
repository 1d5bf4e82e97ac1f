namespace AigcMesh.Hosting;

/// <summary>Which transport the bus uses; bound from the "Messaging" configuration section.</summary>
public sealed class MessagingOptions
{
    public const string Section = "Messaging";

    /// <summary>"RabbitMq" (the default for a deployed service) or "InMemory" (one process, no broker).</summary>
    public MessagingTransport Transport { get; set; } = MessagingTransport.RabbitMq;

    /// <summary>The broker's AMQP address, for example amqp://guest:guest@localhost:5672/.</summary>
    public string RabbitMqUrl { get; set; } = "amqp://guest:guest@localhost:5672/";

    /// <summary>How many times a failing message is retried at once before it goes to the error queue.</summary>
    public int ImmediateRetries { get; set; } = 2;

    /// <summary>
    /// Whether MassTransit may send its anonymous usage telemetry to its authors. Off by default: a self-hosted
    /// platform does not call out of the user's network unless the user says so.
    /// </summary>
    public bool UsageTelemetry { get; set; }
}

public enum MessagingTransport
{
    RabbitMq,
    InMemory,
}
