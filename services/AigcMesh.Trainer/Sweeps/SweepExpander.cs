using System.Globalization;
using System.Text.Json;

namespace AigcMesh.Trainer.Sweeps;

/// <summary>
/// Expands a sweep's search space into the hyperparameter sets of its runs. Grid: every combination of the listed
/// values (in name order). Random: <c>trials</c> draws, seeded, where a list is a uniform choice and an object
/// {"min", "max", "log"} a uniform (or log-uniform) number, whole when both bounds are whole and not log.
/// </summary>
public static class SweepExpander
{
    public const int MaxRuns = 64;

    public static (IReadOnlyList<Dictionary<string, JsonElement>> Runs, IReadOnlyList<string> Errors) Expand(
        string strategy, IReadOnlyDictionary<string, JsonElement> space, IReadOnlyDictionary<string, JsonElement> fixedValues, int trials, int seed)
    {
        var errors = new List<string>();
        var names = space.Keys.Order(StringComparer.Ordinal).ToList();
        foreach (var name in names.Where(fixedValues.ContainsKey)) errors.Add($"{name}: both fixed and swept.");
        if (names.Count == 0) errors.Add("parameters: give at least one hyperparameter to sweep.");
        foreach (var name in names)
        {
            var value = space[name];
            if (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == 0) errors.Add($"{name}: an empty list of values.");
            else if (value.ValueKind == JsonValueKind.Object && strategy == "grid") errors.Add($"{name}: a grid takes a list of values, not a range.");
            else if (value.ValueKind == JsonValueKind.Object && !TryRange(value, out _)) errors.Add($"{name}: a range is {{\"min\": a, \"max\": b, \"log\": false}} with a < b (and a > 0 for log).");
            else if (value.ValueKind is not (JsonValueKind.Array or JsonValueKind.Object)) errors.Add($"{name}: a list of values or a range.");
        }
        if (strategy is not ("grid" or "random")) errors.Add($"strategy: '{strategy}' is grid or random.");
        if (errors.Count > 0) return ([], errors);

        var runs = new List<Dictionary<string, JsonElement>>();
        if (strategy == "grid")
        {
            var count = names.Aggregate(1L, (n, name) => n * space[name].GetArrayLength());
            if (count > MaxRuns) return ([], [$"parameters: the grid has {count} runs; at most {MaxRuns}."]);
            for (var i = 0L; i < count; i++)
            {
                var values = new Dictionary<string, JsonElement>(fixedValues);
                var rest = i;
                for (var n = names.Count - 1; n >= 0; n--)
                {
                    var options = space[names[n]];
                    var length = options.GetArrayLength();
                    values[names[n]] = options[(int)(rest % length)];
                    rest /= length;
                }
                runs.Add(values);
            }
            return (runs, []);
        }

        if (trials < 1 || trials > MaxRuns) return ([], [$"trials: between 1 and {MaxRuns}."]);
        var random = new Random(seed);
        for (var t = 0; t < trials; t++)
        {
            var values = new Dictionary<string, JsonElement>(fixedValues);
            foreach (var name in names)
            {
                var option = space[name];
                values[name] = option.ValueKind == JsonValueKind.Array
                    ? option[random.Next(option.GetArrayLength())]
                    : Draw(option, random);
            }
            runs.Add(values);
        }
        return (runs, []);
    }

    private static JsonElement Draw(JsonElement range, Random random)
    {
        TryRange(range, out var r);
        if (r.Whole && !r.Log) return JsonSerializer.SerializeToElement((long)Math.Floor(r.Min + random.NextDouble() * (r.Max - r.Min + 1)));
        var u = random.NextDouble();
        var value = r.Log ? Math.Exp(Math.Log(r.Min) + u * (Math.Log(r.Max) - Math.Log(r.Min))) : r.Min + u * (r.Max - r.Min);
        return JsonSerializer.SerializeToElement(double.Parse(value.ToString("G6", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
    }

    private static bool TryRange(JsonElement value, out (double Min, double Max, bool Log, bool Whole) range)
    {
        range = default;
        if (!value.TryGetProperty("min", out var min) || !value.TryGetProperty("max", out var max)
            || min.ValueKind != JsonValueKind.Number || max.ValueKind != JsonValueKind.Number) return false;
        var log = value.TryGetProperty("log", out var l) && l.ValueKind == JsonValueKind.True;
        range = (min.GetDouble(), max.GetDouble(), log, min.TryGetInt64(out _) && max.TryGetInt64(out _));
        return range.Min < range.Max && (!log || range.Min > 0);
    }
}
