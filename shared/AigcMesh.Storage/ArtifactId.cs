using System.Diagnostics.CodeAnalysis;

namespace AigcMesh.Storage;

/// <summary>
/// The name of an artifact: the lowercase hex SHA-256 of its bytes. Only values that parse as exactly that
/// can name a file, so no text from a request can reach the file system as a path.
/// </summary>
public readonly record struct ArtifactId
{
    private ArtifactId(string value) => Value = value;

    public string Value { get; }

    public static ArtifactId FromHash(ReadOnlySpan<byte> sha256) =>
        sha256.Length == 32
            ? new ArtifactId(Convert.ToHexStringLower(sha256))
            : throw new ArgumentException("A SHA-256 hash is 32 bytes.", nameof(sha256));

    public static bool TryParse([NotNullWhen(true)] string? text, out ArtifactId id)
    {
        id = default;
        if (text is null || text.Length != 64) return false;
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c)) return false;
        }
        id = new ArtifactId(text);
        return true;
    }

    public static ArtifactId Parse(string text) =>
        TryParse(text, out var id) ? id : throw new FormatException($"'{text}' is not an artifact id (64 lowercase hex digits).");

    public override string ToString() => Value;
}
