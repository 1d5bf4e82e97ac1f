using System.Text.Json;
using System.Text.RegularExpressions;
using AigcMesh.Contracts.Datasets;
using AigcMesh.Datasets.Writing;

namespace AigcMesh.Datasets.Importing;

/// <summary>
/// Reads text corpora into records, each file decoded as strict UTF-8 (invalid bytes are refused with their offset):
/// plain text (records are paragraphs, separated by blank lines), fortune files (records separated by a line
/// holding only '%') and JSON Lines (one object per line; the record is its string field named in the options).
/// </summary>
public sealed partial class TextImporter(ImportLimits limits)
{
    public IReadOnlyList<string> Read(DatasetSourceKind kind, IReadOnlyList<SourceFile> files, string jsonTextField = "text", CancellationToken cancellationToken = default)
    {
        if (files.Count == 0) throw new InvalidDatasetSourceException("No text files were given.");
        var records = new List<string>();
        long total = 0;
        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            total += file.Length;
            if (total > limits.MaxDecodedBytes) throw new InvalidDatasetSourceException($"The text files hold over {limits.MaxDecodedBytes:N0} bytes, the limit.");
            var text = TextNormalizer.DecodeUtf8(ReadAll(file), file.Name).Replace("\r\n", "\n", StringComparison.Ordinal);
            switch (kind)
            {
                case DatasetSourceKind.PlainText:
                    records.AddRange(Paragraphs().Split(text).Where(r => !string.IsNullOrWhiteSpace(r)));
                    break;
                case DatasetSourceKind.FortuneText:
                    records.AddRange(FortuneRecords(text));
                    break;
                case DatasetSourceKind.JsonLines:
                    records.AddRange(JsonLineRecords(text, jsonTextField, file.Name));
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(kind), $"{kind} is not a text format.");
            }
            if (records.Count > limits.MaxItems) throw new InvalidDatasetSourceException($"The corpus holds over {limits.MaxItems:N0} records, the limit.");
        }
        if (records.Count == 0) throw new InvalidDatasetSourceException("The corpus is empty (no text records).");
        return records;
    }

    public static IEnumerable<string> FortuneRecords(string text)
    {
        var current = new List<string>();
        foreach (var line in text.Split('\n'))
        {
            if (line.TrimEnd('\r') == "%")
            {
                if (current.Count > 0) yield return string.Join('\n', current);
                current.Clear();
            }
            else
            {
                current.Add(line);
            }
        }
        if (current.Count > 0 && current.Any(l => l.Trim().Length > 0)) yield return string.Join('\n', current);
    }

    private static List<string> JsonLineRecords(string text, string field, string name)
    {
        var records = new List<string>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            try
            {
                using var document = JsonDocument.Parse(lines[i]);
                if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty(field, out var value))
                {
                    throw new InvalidDatasetSourceException($"{name} line {i + 1} has no field '{field}'.");
                }
                if (value.ValueKind != JsonValueKind.String)
                {
                    throw new InvalidDatasetSourceException($"{name} line {i + 1}: field '{field}' is {value.ValueKind.ToString().ToLowerInvariant()}, not a string.");
                }
                records.Add(value.GetString()!);
            }
            catch (JsonException e)
            {
                throw new InvalidDatasetSourceException($"{name} line {i + 1} is not valid JSON: {e.Message}", e);
            }
        }
        return records;
    }

    private static byte[] ReadAll(SourceFile file)
    {
        using var stream = file.Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    [GeneratedRegex(@"\n[ \t]*\n(?:[ \t]*\n)*")]
    private static partial Regex Paragraphs();
}
