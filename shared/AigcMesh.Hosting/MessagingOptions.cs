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
}

public enum MessagingTransport
{
    RabbitMq,
    InMemory,
}
