using System.Net.Http.Json;
using System.Text.Json;
using AigcMesh.Contracts.Evaluation;
using AigcMesh.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace AigcMesh.Evaluator.Tests.Service;

[CollectionDefinition(Name)]
public sealed class RabbitMqCollection : ICollectionFixture<RabbitMqBroker>
{
    public const string Name = "rabbitmq";
}

[Collection(RabbitMqCollection.Name)]
public sealed class Over_rabbitmq(RabbitMqBroker broker) : IDisposable
{
    private readonly TempDirectory data = new();

    [Fact]
    public async Task Evaluate_model_is_consumed_from_its_queue_and_answered_with_a_failure_event_for_an_unknown_model()
    {
        var failed = new Received<EvaluationFailed>();
        await using var app = EvaluatorHost.Build(data.Path, Path.Combine(data.Path, "artifacts"), new Dictionary<string, string?>
        {
            ["Messaging:Transport"] = "RabbitMq",
            ["Messaging:RabbitMqUrl"] = broker.Url,
            ["Evaluator:ModelWaitSeconds"] = "0.2",
        }, failed);
        await app.StartAsync();

        var command = new EvaluateModel(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), 64);
        var endpoint = await app.Services.GetRequiredService<IBus>().GetSendEndpoint(new Uri("queue:evaluate-model"));
        await endpoint.Send(command);
        var failure = await failed.WaitFor(f => f.EvaluationId == command.EvaluationId, TimeSpan.FromSeconds(60));

        Assert.Equal(command.CorrelationId, failure.CorrelationId);
        using var http = new HttpClient { BaseAddress = EvaluatorHost.AddressOf(app) };
        var record = await http.GetFromJsonAsync<JsonElement>($"/api/evaluations/{command.EvaluationId}");
        Assert.Equal("command", record.GetProperty("trigger").GetString());
        await app.StopAsync();
    }

    public void Dispose() => data.Dispose();
}
