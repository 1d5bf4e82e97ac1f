using System.Text.Json;
using System.Text.Json.Serialization;

namespace AigcMesh.Client;

/// <summary>
/// Base of every answer record: the fields this client names are typed; every other field the service sends is
/// kept in <see cref="Extra"/> (so <c>--json</c> output and newer services lose nothing).
/// </summary>
public abstract record ApiResource
{
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }

    /// <summary>A field not named by the record, as text (null when absent).</summary>
    public string? Field(string name) =>
        Extra is not null && Extra.TryGetValue(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            _ => value.GetRawText(),
        } : null;
}
