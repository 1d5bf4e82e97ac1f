using System.Text.Json;
using MassTransit.Serialization;

namespace AigcMesh.Contracts.Tests;

public class Every_contract_round_trips_through_the_bus_serializer
{
    public static TheoryData<string> ContractNames() => new(ContractSamples.All().Select(m => m.GetType().FullName!));

    [Theory]
    [MemberData(nameof(ContractNames))]
    public void Deserialising_what_the_bus_serialised_gives_the_same_message(string contractName)
    {
        var message = ContractSamples.All().Single(m => m.GetType().FullName == contractName);
        var type = message.GetType();

        var json = JsonSerializer.Serialize(message, type, SystemTextJsonMessageSerializer.Options);
        var back = JsonSerializer.Deserialize(json, type, SystemTextJsonMessageSerializer.Options);

        Assert.NotNull(back);
        Assert.Equal(json, JsonSerializer.Serialize(back, type, SystemTextJsonMessageSerializer.Options));
        Assert.Equal(((IPipelineMessage)message).CorrelationId, ((IPipelineMessage)back!).CorrelationId);
    }

    [Fact]
    public void Every_contract_in_the_contracts_assembly_has_a_sample()
    {
        var contracts = typeof(IPipelineMessage).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IPipelineMessage).IsAssignableFrom(t))
            .Select(t => t.FullName)
            .OrderBy(n => n)
            .ToList();
        var sampled = ContractSamples.All().Select(m => m.GetType().FullName).Distinct().OrderBy(n => n).ToList();

        Assert.Equal(contracts, sampled);
    }

    [Fact]
    public void Every_contract_is_an_immutable_record()
    {
        foreach (var type in ContractSamples.All().Select(m => m.GetType()))
        {
            Assert.NotNull(type.GetMethod("<Clone>$"));
            Assert.All(type.GetProperties(), p => Assert.True(
                p.SetMethod is null || p.SetMethod.ReturnParameter.GetRequiredCustomModifiers().Any(m => m.Name == "IsExternalInit"),
                $"{type.Name}.{p.Name} is settable"));
        }
    }
}
