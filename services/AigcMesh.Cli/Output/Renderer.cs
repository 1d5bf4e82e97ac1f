using System.Globalization;
using System.Text.Json;
using AigcMesh.Client;
using Spectre.Console;

namespace AigcMesh.Cli.Output;

/// <summary>Writes a command's result: JSON with --json, else tables and key/value panels; errors to stderr with the problem details.</summary>
public sealed class Renderer(CliEnvironment environment, bool json)
{
    private IAnsiConsole? console;

    public bool IsJson { get; } = json;
    public IAnsiConsole Console => console ??= environment.CreateConsole();
    public bool Interactive => environment.Interactive && !IsJson;

    public void WriteJson<T>(T value) => environment.Out.WriteLine(JsonSerializer.Serialize(value, AigcJson.Indented));

    /// <summary>One JSON object per line (for streams, with --json).</summary>
    public void WriteJsonLine(object value) => environment.Out.WriteLine(JsonSerializer.Serialize(value, AigcJson.Options));

    public void Line(string text) => environment.Out.WriteLine(text);

    public void Write(string text)
    {
        environment.Out.Write(text);
        environment.Out.Flush();
    }

    public void Info(string text)
    {
        if (!IsJson) Console.MarkupLine(Markup.Escape(text));
    }

    public void Error(string text) => environment.Error.WriteLine($"error: {text}");

    /// <summary>Shows an API error with its problem details: status, title, detail, each field's validation errors.</summary>
    public void Problem(AigcApiException e)
    {
        var problem = e.Problem;
        if (IsJson)
        {
            environment.Error.WriteLine(problem is not null ? JsonSerializer.Serialize(problem, AigcJson.Indented) : e.Body);
            return;
        }
        var error = environment.Error;
        error.WriteLine($"error: {(int)e.StatusCode} {problem?.Title ?? e.StatusCode.ToString()}");
        if (problem?.Detail is { Length: > 0 } detail) error.WriteLine($"  {detail}");
        if (problem?.Errors is { Count: > 0 } errors)
        {
            foreach (var (field, messages) in errors)
            {
                foreach (var message in messages) error.WriteLine($"  {field}: {message}");
            }
        }
        if (problem is null && !string.IsNullOrWhiteSpace(e.Body)) error.WriteLine($"  {e.Body.Trim()}");
        if (e.RetryAfter is { } retry) error.WriteLine($"  retry after {Math.Ceiling(retry.TotalSeconds)} s");
        if (e.CorrelationId is { Length: > 0 } correlation) error.WriteLine($"  correlation id: {correlation}");
        if (problem?.Type is { Length: > 0 } type && type.StartsWith("http", StringComparison.Ordinal)) error.WriteLine($"  see {type}");
    }

    /// <summary>A table of <paramref name="rows"/> with the given columns (camelCase JSON names); columns no row has are left out.</summary>
    public void Table<T>(IEnumerable<T> rows, params string[] columns)
    {
        var list = rows.ToList();
        if (IsJson)
        {
            WriteJson(list);
            return;
        }
        var elements = list.Select(r => JsonSerializer.SerializeToElement(r, AigcJson.Options)).ToList();
        var present = columns.Where(c => elements.Any(e => Lookup(e, c) is { } v && v.ValueKind is not JsonValueKind.Null)).ToList();
        if (present.Count == 0) present = columns.Take(1).ToList();
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in present) table.AddColumn(new TableColumn(Markup.Escape(Header(column))));
        foreach (var element in elements)
        {
            table.AddRow(present.Select(c => Markup.Escape(Cell(Lookup(element, c)))).ToArray());
        }
        Console.Write(table);
        Console.MarkupLine($"[grey]{list.Count} item(s)[/]");
    }

    /// <summary>An object as a two-column table of its fields (nested objects as compact JSON).</summary>
    public void Details<T>(T value, string? title = null)
    {
        if (IsJson)
        {
            WriteJson(value);
            return;
        }
        var element = JsonSerializer.SerializeToElement(value, AigcJson.Options);
        var table = new Table().Border(TableBorder.Rounded).AddColumn("field").AddColumn("value");
        if (title is not null) table.Title(Markup.Escape(title));
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.Null) continue;
                table.AddRow(Markup.Escape(property.Name), Markup.Escape(Cell(property.Value, 400)));
            }
        }
        Console.Write(table);
    }

    /// <summary>Metrics beside their baselines (real-vs-real floor, compressors) in one table.</summary>
    public void Metrics(IReadOnlyDictionary<string, double>? metrics, IReadOnlyDictionary<string, double>? baselines, string title)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(title)).AddColumn("metric").AddColumn("value").AddColumn("baselines");
        foreach (var (name, value) in (metrics ?? new Dictionary<string, double>()).OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            var beside = (baselines ?? new Dictionary<string, double>())
                .Where(b => b.Key.Contains(name, StringComparison.OrdinalIgnoreCase))
                .Select(b => $"{b.Key} {Format(b.Value)}");
            table.AddRow(Markup.Escape(name), Format(value), Markup.Escape(string.Join(", ", beside)));
        }
        var unmatched = (baselines ?? new Dictionary<string, double>()).Where(b => metrics is null || !metrics.Keys.Any(m => b.Key.Contains(m, StringComparison.OrdinalIgnoreCase)));
        foreach (var (name, value) in unmatched.OrderBy(b => b.Key, StringComparer.Ordinal))
        {
            table.AddRow(Markup.Escape(name), "", Format(value));
        }
        Console.Write(table);
    }

    public static string Format(double value) =>
        double.IsNaN(value) ? "NaN" : Math.Abs(value) >= 1000 || (Math.Abs(value) < 0.001 && value != 0)
            ? value.ToString("G4", CultureInfo.InvariantCulture)
            : value.ToString("0.####", CultureInfo.InvariantCulture);

    internal static JsonElement? Lookup(JsonElement element, string path)
    {
        var current = element;
        foreach (var part in path.Split('.'))
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(part, out var next)) return null;
            current = next;
        }
        return current;
    }

    private static string Header(string column) => column.Contains('.', StringComparison.Ordinal) ? column[(column.LastIndexOf('.') + 1)..] : column;

    internal static string Cell(JsonElement? value, int max = 60)
    {
        if (value is not { } v) return "";
        var text = v.ValueKind switch
        {
            JsonValueKind.String => v.GetString() ?? "",
            JsonValueKind.Number => v.TryGetDouble(out var d) ? Format(d) : v.GetRawText(),
            JsonValueKind.Null or JsonValueKind.Undefined => "",
            JsonValueKind.Object when IsNumberMap(v) => string.Join(" ", v.EnumerateObject().Select(p => $"{p.Name}={Format(p.Value.GetDouble())}")),
            _ => v.GetRawText(),
        };
        return text.Length > max ? text[..(max - 1)] + "…" : text;
    }

    private static bool IsNumberMap(JsonElement v) => v.EnumerateObject().All(p => p.Value.ValueKind == JsonValueKind.Number);
}
