namespace AigcMesh.Trainer.Tests;

[CollectionDefinition(Name)]
public sealed class RabbitMqCollection : ICollectionFixture<AigcMesh.Testing.RabbitMqBroker>
{
    public const string Name = "rabbitmq";
}
