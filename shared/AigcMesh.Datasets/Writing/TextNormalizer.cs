using System.Text;

namespace AigcMesh.Datasets.Writing;

/// <summary>
/// Unicode NFC normalisation, line endings to \n, no byte-order mark, trailing whitespace of records trimmed.
/// NFC needs ICU: in a process running with InvariantGlobalization .NET leaves non-ASCII text as it is, and
/// <see cref="Form"/> (recorded in the manifest) then says so, so a data set never claims a normalisation it did not get.
/// </summary>
public static class TextNormalizer
{
    public static bool NfcAvailable { get; } = "e\u0301".Normalize(NormalizationForm.FormC) == "\u00e9";

    public static string Form { get; } = NfcAvailable ? "NFC" : "none (no ICU: InvariantGlobalization)";

    public static string Normalize(string text)
    {
        var cleaned = text.Replace("\uFEFF", "", StringComparison.Ordinal)
            .Replace("\r\n", "\n", StringComparison.Ordinal)
            .Replace('\r', '\n');
        return cleaned.Normalize(NormalizationForm.FormC).TrimEnd();
    }

    /// <summary>Decodes strict UTF-8; invalid bytes are refused with their offset.</summary>
    public static string DecodeUtf8(ReadOnlySpan<byte> bytes, string what)
    {
        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidDatasetSourceException($"{what} is not valid UTF-8 text (invalid bytes at offset {e.Index}).", e);
        }
    }
}
