using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AigcMesh.Testing;

namespace AigcMesh.Dataset.Tests;

[CollectionDefinition("rabbitmq")]
public sealed class RabbitMqCollection : ICollectionFixture<RabbitMqBroker>;

/// <summary>The import flow through a real RabbitMQ broker (queues under a unique, auto-deleted prefix).</summary>
// It once timed out in CI beside the other assemblies: the host answered HTTP before its bus had bound the fresh
// "<prefix>-import-dataset" queue to ImportDataset's exchange, so the published command went nowhere (publishing
// right after start lost 6 of 6 commands on a loaded machine, 0 of 6 after waiting for the bus). DatasetHost now
// waits for the bus, as every other broker test host does, so this test runs beside the others again.
[Collection("rabbitmq")]
public sealed class Over_a_real_broker(RabbitMqBroker broker)
{
    [Fact]
    public async Task An_import_requested_over_http_is_consumed_from_the_broker_and_a_refused_one_fails_with_its_reason()
    {
        await using var host = await DatasetHost.StartAsync(DatasetHost.Bus.RabbitMq, rabbitMqUrl: broker.Url, queuePrefix: RabbitMqBroker.UniqueQueuePrefix());

        var imported = await host.Http.PostAsJsonAsync("/api/datasets?wait=true", new { source = "builtin", name = "synthetic-text", options = new { bpeVocabularySize = 200 } });
        Assert.Equal(HttpStatusCode.Created, imported.StatusCode);
        var id = JsonDocument.Parse(await imported.Content.ReadAsStringAsync()).RootElement.GetProperty("datasetId").GetString();
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync($"/api/datasets/{id}")).StatusCode);

        var refused = await host.Http.PostAsync("/api/datasets/uploads?kind=plain-text&wait=true", new ByteArrayContent([0x41, 0xff, 0xfe]));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("not valid UTF-8", await refused.Content.ReadAsStringAsync());
    }
}
