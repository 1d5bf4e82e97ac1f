using System.Text.Json;
using System.Text.Json.Serialization;
using AigcMesh.Storage;

namespace AigcMesh.Datasets.Manifest;

/// <summary>
/// The one canonical JSON form of a manifest: camelCase, properties in declaration order, enums as strings,
/// no indentation, nulls left out. Serialising the same manifest always gives the same bytes.
/// </summary>
public static class ManifestJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public static byte[] Serialize(DatasetManifest manifest) => JsonSerializer.SerializeToUtf8Bytes(manifest, Options);

    public static DatasetManifest Deserialize(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize<DatasetManifest>(json, Options) ?? throw new InvalidDataException("The manifest is empty.");

    /// <summary>Loads a data set's manifest by its id; throws <see cref="DatasetNotFoundException"/> when it is not stored.</summary>
    public static DatasetManifest Load(ArtifactStore store, string datasetId)
    {
        if (!ArtifactId.TryParse(datasetId, out var id) || !store.Exists(id)) throw new DatasetNotFoundException(datasetId);
        using var stream = store.OpenRead(id);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        try
        {
            var manifest = Deserialize(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
            if (manifest.FormatVersion != DatasetManifest.CurrentFormatVersion)
            {
                throw new InvalidDataException($"Manifest format {manifest.FormatVersion} is not supported.");
            }
            return manifest;
        }
        catch (JsonException e)
        {
            throw new DatasetNotFoundException(datasetId, $"Artifact {datasetId} is not a data set manifest: {e.Message}");
        }
    }
}

public sealed class DatasetNotFoundException(string datasetId, string? message = null)
    : Exception(message ?? $"Data set {datasetId} is not in the store.")
{
    public string DatasetId { get; } = datasetId;
}
