using AigcMesh.Contracts.Datasets;

namespace AigcMesh.Dataset.Importing;

/// <summary>Checks the preprocessing options and name of an import before anything is uploaded or queued.</summary>
public static class ImportRequestValidator
{
    public const int MaxNameLength = 200;

    public static Dictionary<string, string[]> Validate(string? name, DatasetSourceKind kind, DatasetImportOptions options)
    {
        var errors = new Dictionary<string, string[]>();
        if (name is { Length: > MaxNameLength }) errors["name"] = [$"At most {MaxNameLength} characters."];
        if (name is not null && name.Any(char.IsControl)) errors["name"] = ["No control characters."];
        if (options.Channels is not (1 or 3)) errors["channels"] = ["1 (grayscale) or 3 (RGB)."];
        var (min, max) = kind == DatasetSourceKind.SyntheticImages ? (8, 256) : (4, 1024);
        if (options.ImageSize < min || options.ImageSize > max) errors["imageSize"] = [$"Between {min} and {max}."];
        if (options.ValidationFraction < 0 || options.TestFraction < 0 || options.ValidationFraction + options.TestFraction >= 1)
        {
            errors["validationFraction"] = ["Validation and test fractions are at least 0 and add up to less than 1."];
        }
        if (options.BpeVocabularySize is < 2 or > 32_768) errors["bpeVocabularySize"] = ["Between 2 and 32768."];
        if (string.IsNullOrWhiteSpace(options.JsonTextField)) errors["jsonTextField"] = ["A field name is required."];
        return errors;
    }
}
