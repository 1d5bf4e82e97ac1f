using AigcMesh.Contracts.Datasets;
using AigcMesh.Datasets.BuiltIn;

namespace AigcMesh.Datasets.Importing;

/// <summary>The source kind names recorded in manifests and used by the API ("idx", "image-folder", ...).</summary>
public static class ImportSourceKinds
{
    public static string NameOf(DatasetSourceKind kind) => kind switch
    {
        DatasetSourceKind.Idx => "idx",
        DatasetSourceKind.ImageFolder => "image-folder",
        DatasetSourceKind.PlainText => "plain-text",
        DatasetSourceKind.FortuneText => "fortune",
        DatasetSourceKind.JsonLines => "json-lines",
        DatasetSourceKind.SyntheticImages => BuiltInDatasets.SyntheticImagesSource,
        DatasetSourceKind.SyntheticText => BuiltInDatasets.SyntheticTextSource,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static bool TryParse(string? name, out DatasetSourceKind kind)
    {
        foreach (var candidate in Enum.GetValues<DatasetSourceKind>())
        {
            if (string.Equals(NameOf(candidate), name, StringComparison.OrdinalIgnoreCase)
                || string.Equals(candidate.ToString(), name, StringComparison.OrdinalIgnoreCase))
            {
                kind = candidate;
                return true;
            }
        }
        kind = default;
        return false;
    }

    public static bool IsImage(DatasetSourceKind kind) => kind is DatasetSourceKind.Idx or DatasetSourceKind.ImageFolder or DatasetSourceKind.SyntheticImages;

    public static bool IsBuiltIn(DatasetSourceKind kind) => kind is DatasetSourceKind.SyntheticImages or DatasetSourceKind.SyntheticText;
}
