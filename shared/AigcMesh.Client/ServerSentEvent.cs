using System.Text.Json;

namespace AigcMesh.Client;

/// <summary>One Server-Sent Event: its <c>event:</c> type and its <c>data:</c> JSON.</summary>
public sealed record ServerSentEvent(string Type, string Data, string? Id)
{
    public JsonElement Json => JsonDocument.Parse(Data).RootElement;

    public T? As<T>() => JsonSerializer.Deserialize<T>(Data, AigcJson.Options);
}
